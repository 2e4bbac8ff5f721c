/* `tessera run` refusals that happen before QEMU starts: each exits 2 with a message that
 * names what is wrong. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/run.h>

#include "helpers.h"

static char *dir;
static bool skip_check;

static void setup(void)
{
    dir = th_tmpdir();
    cr_redirect_stderr();
}

static void teardown(void)
{
    th_rmtree(dir);
    free(dir);
}

TestSuite(run, .init = setup, .fini = teardown);

/* Runs a scenario given as text (or the file path, if dts is NULL) and returns the exit status
 * and what it printed on stderr (caller frees). */
static int run(const char *dts, const char *mode, const char *hyp, char **err)
{
    char *scenario = dts ? th_write(dir, "s.dts", dts, strlen(dts)) : fileio_join(dir, "no.dts");
    char *out = fileio_join(dir, "out");
    struct run_opts o = {.scenario = scenario,
                         .mode = mode,
                         .out = out,
                         .images = dir,
                         .hypervisor = hyp,
                         .quiet = true,
                         .skip_check = skip_check};
    int status = run_command(&o);
    FILE *f = cr_get_redirected_stderr();
    size_t len;

    fflush(stderr);
    *err = calloc(1, 8192);
    len = fread(*err, 1, 8191, f);
    (*err)[len] = '\0';
    free(scenario);
    free(out);
    return status;
}

static const char *const minimal =
    "/dts-v1/; / { experiment { modes = \"hyperlaunch\"; }; "
    "hypervisor { compatible = \"tessera,hypervisor\"; hello { compatible = \"tessera,domain\"; "
    "domid = <1>; memory-kib = <2048>; kernel { image = \"guests/hello.bin\"; }; }; }; };";

Test(run, refuses_a_known_mode_the_scenario_leaves_out)
{
    char *err;

    cr_assert_eq(run(minimal, "bootdomain", NULL, &err), RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "mode 'bootdomain' is not in /experiment/modes"), "%s", err);
    free(err);
}

Test(run, refuses_unknown_modes)
{
    char *err;

    cr_assert_eq(run(minimal, "warp", NULL, &err), RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "unknown mode 'warp'"), "%s", err);
    free(err);
}

Test(run, refuses_a_missing_scenario)
{
    char *err;

    cr_assert_eq(run(NULL, "hyperlaunch", NULL, &err), RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "no.dts: no such file"), "%s", err);
    free(err);
}

Test(run, refuses_a_mode_the_scenario_does_not_list)
{
    char *err;

    cr_assert_eq(run("/dts-v1/; / { experiment { modes = \"dom0\", \"bootdomain\"; }; };",
                     "hyperlaunch", NULL, &err),
                 RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "mode 'hyperlaunch' is not in /experiment/modes (dom0, "
                                   "bootdomain)"),
                       "%s", err);
    free(err);
}

Test(run, refuses_real_boards_and_unknown_platforms)
{
    char *err;

    cr_assert_eq(
        run("/dts-v1/; / { experiment { platform = \"zcu102\"; }; };", "hyperlaunch", NULL, &err),
        RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "platform 'zcu102' is a real board: `tessera run` boots QEMU; "
                                   "write the board's files with `tessera board --board zcu102`"),
                       "%s", err);
    free(err);
    cr_assert_eq(
        run("/dts-v1/; / { experiment { platform = \"vax\"; }; };", "hyperlaunch", NULL, &err),
        RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "unknown board 'vax'"), "%s", err);
    cr_assert_not_null(strstr(err, "qemu-virt-uboot, qemu-virt-uboot-tftp, rpi4, zcu102"), "%s",
                       err);
    free(err);
}

Test(run, refuses_a_scenario_without_hypervisor)
{
    char *err;

    cr_assert_eq(run("/dts-v1/; / { };", "hyperlaunch", NULL, &err), RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "no /hypervisor node"), "%s", err);
    free(err);
}

Test(run, refuses_a_missing_hypervisor_image)
{
    char *err;

    cr_assert_eq(run(minimal, "hyperlaunch", "/nonexistent/tessera.bin", &err), RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "hypervisor image /nonexistent/tessera.bin not found"), "%s",
                       err);
    cr_assert_not_null(strstr(err, "--target image"), "%s", err);
    free(err);
}

static const char *const bad_memory =
    "/dts-v1/; / { hypervisor { compatible = \"tessera,hypervisor\"; hello { compatible = "
    "\"tessera,domain\"; domid = <1>; memory-kib = <1001>; kernel { image = \"g.bin\"; }; }; "
    "}; };";

Test(run, refuses_a_bad_manifest_before_booting)
{
    char *err;

    cr_assert_eq(run(bad_memory, "hyperlaunch", "/nonexistent/tessera.bin", &err), RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "/hypervisor/hello: memory-kib: 1001 is not a positive "
                                   "multiple of 4"),
                       "%s", err);
    cr_assert_null(strstr(err, "hypervisor image"), "stops at the manifest: %s", err);
    free(err);
}

Test(run, skip_check_leaves_the_manifest_to_the_hypervisor)
{
    char *err;

    skip_check = true;
    cr_assert_eq(run(bad_memory, "hyperlaunch", "/nonexistent/tessera.bin", &err), RUN_EXIT_USAGE);
    cr_assert_null(strstr(err, "memory-kib"), "%s", err);
    cr_assert_not_null(strstr(err, "hypervisor image /nonexistent/tessera.bin not found"), "%s",
                       err);
    free(err);
}

Test(run, accepts_a_xen_dom0less_scenario)
{
    char *err;

    cr_assert_eq(run("/dts-v1/; / { chosen { domU1 { compatible = \"xen,domain\"; memory = <0 "
                     "2048>; cpus = <1>; kernel { compatible = \"multiboot,kernel\"; image = "
                     "\"g.bin\"; }; }; }; };",
                     "hyperlaunch", "/nonexistent/tessera.bin", &err),
                 RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "hypervisor image /nonexistent/tessera.bin not found"),
                       "the manifest passed: %s", err);
    free(err);
}

/* The trace comes back on the hypervisor's console, so no --out is too deep or too odd for it:
 * with tracing on, a run gets as far as with --no-trace (here: the missing image). */
Test(run, any_out_dir_will_do_for_the_trace)
{
    char *scenario = th_write(dir, "s.dts", minimal, strlen(minimal));
    char out[400], *err = calloc(1, 8192);
    struct run_opts o = {.scenario = scenario,
                         .mode = "hyperlaunch",
                         .out = out,
                         .images = dir,
                         .hypervisor = "/nonexistent/tessera.bin",
                         .quiet = true};
    FILE *f = cr_get_redirected_stderr();

    snprintf(out, sizeof(out), "%s/a b/%0160d", dir, 0);
    cr_assert_eq(run_command(&o), RUN_EXIT_USAGE);
    fflush(stderr);
    cr_assert_gt(fread(err, 1, 8191, f), 0);
    cr_assert_null(strstr(err, "trace"), "%s", err);
    cr_assert_not_null(strstr(err, "hypervisor image /nonexistent/tessera.bin not found"),
                       "the run went on to the image: %s", err);
    free(scenario);
    free(err);
}
