/* Scenario files on the host: dtc errors shown, /experiment read strictly with its defaults,
 * /hypervisor checked and its domains listed in manifest order. */
#include <criterion/criterion.h>
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/scenario.h>

#include "helpers.h"

static void *compile_ok(const char *dts)
{
    char err[HERR_MSG_MAX];
    void *fdt = th_compile(dts, err, sizeof(err));
    cr_assert_not_null(fdt, "%s", err);
    return fdt;
}

/* Compiles "/dts-v1/; / { experiment { BODY }; };" and reads /experiment. */
static int experiment(const char *body, struct scenario_experiment *x, struct herr *e)
{
    char *dts;
    void *fdt;
    int rc;

    cr_assert_geq(asprintf(&dts, "/dts-v1/; / { experiment { %s }; };", body), 0);
    fdt = compile_ok(dts);
    rc = scenario_experiment(fdt, x, e);
    free(fdt);
    free(dts);
    return rc;
}

Test(scenario, reads_the_minimal_scenario)
{
    size_t len;
    void *fdt = th_data("minimal.dtb", &len);
    struct scenario_experiment x;
    struct scenario_domains d;
    struct herr e;

    cr_assert_eq(scenario_experiment(fdt, &x, &e), 0, "%s", e.msg);
    cr_assert_str_eq(x.platform, "qemu-virt");
    cr_assert_eq(x.cpus, 1);
    cr_assert_eq(x.memory_mib, 1024);
    cr_assert_eq(x.timeout_ms, 30000);
    cr_assert_eq(x.modes.n, 1);
    cr_assert_str_eq(x.modes.v[0], "hyperlaunch");
    cr_assert(scenario_allows_mode(&x, "hyperlaunch"));
    cr_assert_not(scenario_allows_mode(&x, "dom0"));
    cr_assert_eq(scenario_domains(fdt, &d, &e), 0, "%s", e.msg);
    cr_assert_eq(d.n, 1);
    cr_assert_str_eq(d.v[0].name, "hello");
    cr_assert_eq(d.v[0].id, 1);
    scenario_domains_free(&d);
    scenario_experiment_free(&x);
    free(fdt);
}

Test(scenario, lists_domains_in_manifest_order)
{
    size_t len;
    void *fdt = th_data("fleet.dtb", &len);
    struct scenario_domains d;
    struct herr e;

    cr_assert_eq(scenario_domains(fdt, &d, &e), 0, "%s", e.msg);
    cr_assert_eq(d.n, 2);
    cr_assert_str_eq(d.v[0].name, "ctl");
    cr_assert_eq(d.v[0].id, 0);
    cr_assert_str_eq(d.v[1].name, "rt");
    cr_assert_eq(d.v[1].id, 1);
    scenario_domains_free(&d);
    free(fdt);
}

Test(scenario, lists_start_after_by_name)
{
    size_t len;
    void *fdt = th_data("fleet.dtb", &len);
    struct scenario_domains d;
    struct herr e;

    cr_assert_eq(scenario_domains(fdt, &d, &e), 0, "%s", e.msg);
    cr_assert_eq(d.kind, SCENARIO_TESSERA);
    cr_assert_eq(d.v[0].nafter, 0);
    cr_assert_eq(d.v[1].nafter, 1);
    cr_assert_str_eq(d.v[1].after[0], "ctl");
    scenario_domains_free(&d);
    free(fdt);
}

Test(scenario, start_after_entries_that_are_not_domains_are_left_out)
{
    void *fdt = compile_ok("/dts-v1/; / { x: experiment { }; hypervisor { compatible = "
                           "\"tessera,hypervisor\"; a: a { compatible = \"tessera,domain\"; "
                           "start-after = <&x &b &a>; }; b: b { compatible = "
                           "\"tessera,domain\"; }; }; };");
    struct scenario_domains d;
    struct herr e;

    cr_assert_eq(scenario_domains(fdt, &d, &e), 0, "%s", e.msg);
    cr_assert_eq(d.v[0].nafter, 2);
    cr_assert_str_eq(d.v[0].after[0], "b");
    cr_assert_str_eq(d.v[0].after[1], "a");
    cr_assert_eq(d.v[0].id, -1, "no domid: the validator reports it");
    scenario_domains_free(&d);
    free(fdt);
}

Test(scenario, lists_xen_dom0less_domains_with_ids_in_node_order)
{
    size_t len;
    void *fdt = th_data("dom0less.dtb", &len);
    struct scenario_domains d;
    struct herr e;

    cr_assert_eq(scenario_domains(fdt, &d, &e), 0, "%s", e.msg);
    cr_assert_eq(d.kind, SCENARIO_DOM0LESS);
    cr_assert_eq(d.n, 2);
    cr_assert_str_eq(d.v[0].name, "domU1");
    cr_assert_eq(d.v[0].id, 1);
    cr_assert_str_eq(d.v[1].name, "domU2");
    cr_assert_eq(d.v[1].id, 2);
    scenario_domains_free(&d);
    free(fdt);
}

Test(scenario, hypervisor_node_wins_over_dom0less_nodes)
{
    void *fdt = compile_ok("/dts-v1/; / { chosen { x { compatible = \"xen,domain\"; }; }; "
                           "hypervisor { compatible = \"tessera,hypervisor\"; y { compatible = "
                           "\"tessera,domain\"; domid = <5>; }; }; };");
    struct scenario_domains d;
    struct herr e;

    cr_assert_eq(scenario_domains(fdt, &d, &e), 0, "%s", e.msg);
    cr_assert_eq(d.kind, SCENARIO_TESSERA);
    cr_assert_eq(d.n, 1);
    cr_assert_str_eq(d.v[0].name, "y");
    cr_assert_eq(d.v[0].id, 5);
    scenario_domains_free(&d);
    free(fdt);
}

Test(scenario, no_manifest_is_an_error)
{
    void *fdt = compile_ok("/dts-v1/; / { chosen { bootargs = \"x\"; m { compatible = "
                           "\"multiboot,kernel\"; }; }; };");
    struct scenario_domains d;
    struct herr e;
    enum scenario_kind kind;

    cr_assert_eq(scenario_domains(fdt, &d, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "no /hypervisor node and no Xen dom0less domains"), "%s",
                       e.msg);
    cr_assert_eq(d.n, 0);
    cr_assert_eq(scenario_manifest(fdt, &kind, &e), -EINVAL);
    free(fdt);
}

Test(scenario, experiment_defaults)
{
    struct scenario_experiment x;
    struct herr e;
    void *fdt = compile_ok("/dts-v1/; / { };");

    cr_assert_eq(scenario_experiment(fdt, &x, &e), 0, "%s", e.msg);
    cr_assert_str_eq(x.platform, "qemu-virt");
    cr_assert_eq(x.cpus, 1);
    cr_assert_eq(x.memory_mib, 1024);
    cr_assert_eq(x.timeout_ms, 30000);
    cr_assert_eq(x.modes.n, 0);
    cr_assert(scenario_allows_mode(&x, "dom0"), "no modes listed: every mode is allowed");
    scenario_experiment_free(&x);
    free(fdt);
}

Test(scenario, experiment_values)
{
    struct scenario_experiment x;
    struct herr e;

    cr_assert_eq(experiment("platform = \"zcu102\"; cpus = <4>; memory-mib = <2048>; "
                            "timeout-ms = <60000>; modes = \"dom0\", \"hyperlaunch\";",
                            &x, &e),
                 0, "%s", e.msg);
    cr_assert_str_eq(x.platform, "zcu102");
    cr_assert_eq(x.cpus, 4);
    cr_assert_eq(x.memory_mib, 2048);
    cr_assert_eq(x.timeout_ms, 60000);
    cr_assert_eq(x.modes.n, 2);
    cr_assert(scenario_allows_mode(&x, "dom0"));
    cr_assert_not(scenario_allows_mode(&x, "bootdomain"));
    scenario_experiment_free(&x);
}

Test(scenario, experiment_refuses_unknown_property)
{
    struct scenario_experiment x;
    struct herr e;

    cr_assert_eq(experiment("cpu = <4>;", &x, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "/experiment: cpu: unknown property"), "%s", e.msg);
}

Test(scenario, experiment_refuses_wrong_sizes)
{
    struct scenario_experiment x;
    struct herr e;

    cr_assert_eq(experiment("cpus = <0 4>;", &x, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "cpus: must be one 32-bit cell"), "%s", e.msg);
    cr_assert_eq(experiment("memory-mib = <0>;", &x, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "memory-mib: must be positive"), "%s", e.msg);
    cr_assert_eq(experiment("platform = <1>;", &x, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "platform: must be one non-empty string"), "%s", e.msg);
    cr_assert_eq(experiment("modes = \"hyperlaunch\", \"\";", &x, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "modes: has an empty string"), "%s", e.msg);
}

Test(scenario, hypervisor_node_is_checked)
{
    struct herr e;
    void *none = compile_ok("/dts-v1/; / { };");
    void *wrong = compile_ok("/dts-v1/; / { hypervisor { compatible = \"xen,hypervisor\"; }; };");

    cr_assert_eq(scenario_hypervisor(none, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "no /hypervisor node"), "%s", e.msg);
    cr_assert_eq(scenario_hypervisor(wrong, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "tessera,hypervisor"), "%s", e.msg);
    free(none);
    free(wrong);
}

Test(scenario, dtc_errors_are_shown)
{
    char err[HERR_MSG_MAX] = "";
    void *fdt = th_compile("/dts-v1/; / { x = <1> };", err, sizeof(err));

    cr_assert_null(fdt);
    cr_assert_not_null(strstr(err, "dtc could not compile"), "%s", err);
    cr_assert_not_null(strstr(err, "syntax error"), "dtc's own message: %s", err);
}

Test(scenario, missing_dtc_is_reported)
{
    struct herr e;

    cr_assert_lt(scenario_compile("/nonexistent/dtc", "a.dts", "a.dtb", &e), 0);
    cr_assert_not_null(strstr(e.msg, "cannot run /nonexistent/dtc"), "%s", e.msg);
}

Test(fileio, paths)
{
    char *s;

    cr_assert_str_eq(s = fileio_join("a/b", "c"), "a/b/c");
    free(s);
    cr_assert_str_eq(s = fileio_join("a/b/", "c"), "a/b/c");
    free(s);
    cr_assert_str_eq(s = fileio_join("a", "/abs"), "/abs");
    free(s);
    cr_assert_str_eq(s = fileio_dirname("scenarios/minimal.dts"), "scenarios");
    free(s);
    cr_assert_str_eq(s = fileio_dirname("minimal.dts"), ".");
    free(s);
    cr_assert_str_eq(s = fileio_dirname("/minimal.dts"), "/");
    free(s);
    cr_assert_str_eq(s = fileio_stem("scenarios/minimal.dts", ".dts"), "minimal");
    free(s);
    cr_assert_str_eq(s = fileio_stem("x.dtsi", ".dts"), "x.dtsi");
    free(s);
}

Test(fileio, mkdirs_creates_parents_and_accepts_existing)
{
    char *dir = th_tmpdir(), *deep = fileio_join(dir, "a/b/c");
    char *file = th_write(dir, "f", "x", 1), *under = fileio_join(file, "sub");
    struct herr e;

    cr_assert_eq(fileio_mkdirs(deep, &e), 0, "%s", e.msg);
    cr_assert_eq(fileio_mkdirs(deep, &e), 0, "%s", e.msg);
    cr_assert_lt(fileio_mkdirs(under, &e), 0);
    cr_assert_not_null(strstr(e.msg, file), "%s", e.msg);
    th_rmtree(dir);
    free(dir);
    free(deep);
    free(file);
    free(under);
}

Test(scenario, reads_roles_and_which_modes_build_a_domain)
{
    void *fdt = compile_ok("/dts-v1/; / { hypervisor { compatible = \"tessera,hypervisor\"; "
                           "ctl { compatible = \"tessera,domain\"; permissions = <3>; }; "
                           "bd { compatible = \"tessera,domain\"; functions = \"console\", "
                           "\"boot\"; }; hw { compatible = \"tessera,domain\"; permissions = "
                           "<2>; functions = \"console\"; }; }; };");
    struct scenario_domains d;
    struct herr e;

    cr_assert_eq(scenario_domains(fdt, &d, &e), 0, "%s", e.msg);
    cr_assert_eq(d.v[0].roles, SCENARIO_ROLE_CONTROL);
    cr_assert_eq(d.v[1].roles, SCENARIO_ROLE_BOOT);
    cr_assert_eq(d.v[2].roles, 0, "hardware and console are not roles");
    cr_assert(scenario_in_mode(0, "hyperlaunch"));
    cr_assert(scenario_in_mode(0, "dom0"));
    cr_assert_not(scenario_in_mode(SCENARIO_ROLE_CONTROL, "hyperlaunch"));
    cr_assert(scenario_in_mode(SCENARIO_ROLE_CONTROL, "dom0"));
    cr_assert_not(scenario_in_mode(SCENARIO_ROLE_CONTROL, "bootdomain"));
    cr_assert_not(scenario_in_mode(SCENARIO_ROLE_BOOT, "dom0"));
    cr_assert(scenario_in_mode(SCENARIO_ROLE_BOOT, "bootdomain"));
    scenario_domains_free(&d);
    free(fdt);
}

Test(scenario, a_domain_with_both_roles_is_the_control_domain)
{
    unsigned both = SCENARIO_ROLE_CONTROL | SCENARIO_ROLE_BOOT;

    cr_assert(scenario_in_mode(both, "dom0"));
    cr_assert_not(scenario_in_mode(both, "bootdomain"));
    cr_assert_not(scenario_in_mode(both, "hyperlaunch"));
}
