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
                         .quiet = true};
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

static const char *const minimal = "/dts-v1/; / { experiment { modes = \"hyperlaunch\"; }; "
                                   "hypervisor { compatible = \"tessera,hypervisor\"; }; };";

Test(run, refuses_modes_not_implemented)
{
    char *err;

    cr_assert_eq(run(minimal, "dom0", NULL, &err), RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "mode 'dom0' is not implemented yet"), "%s", err);
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

Test(run, refuses_other_platforms)
{
    char *err;

    cr_assert_eq(
        run("/dts-v1/; / { experiment { platform = \"zcu102\"; }; };", "hyperlaunch", NULL, &err),
        RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(err, "platform 'zcu102' is not supported yet"), "%s", err);
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
