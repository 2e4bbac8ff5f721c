/* Honest verdicts: a boot the hypervisor stops fatally fails the run (exit 1) with the reason in
 * words, and a fleet that cannot be built is refused before QEMU starts (exit 2). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/fileio.h>

#include "boot_helpers.h"

Test(verdicts, a_fatal_stop_fails_the_run_in_words, .timeout = 110)
{
    char *path = data_path("too-big.dts");
    struct boot b = {0};

    boot_run_path(path, "--skip-check", 1, &b);
    cr_assert_str_eq(get_str(b.summary, "verdict"), "fail");
    cr_assert_eq(get_int(jget(b.summary, "hypervisor"), "exit_status"), 2);
    cr_assert_str_eq(get_str(jget(b.summary, "hypervisor"), "fatal"),
                     "launch: big: not built: out of memory (ENOMEM)");
    check_console_has(&b, "hyp: FATAL launch: big: not built: out of memory (ENOMEM)\n");
    cr_assert_null(strstr(b.console, "(-12)"), "a bare error number reached the user:\n%s",
                   b.console);
    json_t *reasons = jget(b.summary, "reasons");
    cr_assert_eq(json_array_size(reasons), 1, "one reason: the fatal stop");
    cr_assert_str_eq(json_string_value(json_array_get(reasons, 0)),
                     "the hypervisor stopped: FATAL launch: big: not built: out of memory "
                     "(ENOMEM)");
    boot_free(&b, true);
    free(path);
}

Test(verdicts, run_refuses_what_the_hypervisor_could_not_build, .timeout = 110)
{
    char *path = data_path("too-big.dts");
    char *argv[] = {TESSERA_EXE,
                    "run",
                    path,
                    "--mode",
                    "hyperlaunch",
                    "--images",
                    TESSERA_IMAGE_DIR,
                    "--out",
                    "/tmp/tessera-too-big-refused",
                    NULL};
    struct proc_buf out = {0}, err = {0};

    cr_assert_eq(tool(argv, &out, &err), 2, "exit 2: nothing was measured");
    cr_assert_not_null(err.data);
    cr_assert_not_null(strstr(err.data, "hyperlaunch mode: domain 'big' (memory-kib = 307200) "
                                        "cannot be built: out of memory (ENOMEM)"),
                       "%s", err.data);
    proc_buf_free(&out);
    proc_buf_free(&err);
    free(path);
}

/* The rng-seed the domain prints (envcheck: its first 8 bytes), copied into out. */
static void seed_of(const struct boot *b, const char *dom, char out[17])
{
    const char *s = console_line(b, dom, "rng-seed ");

    cr_assert_not_null(s, "no rng-seed line of %s:\n%s", dom, b->console);
    memcpy(out, s + strlen("rng-seed "), 16);
    out[16] = '\0';
}

/* Every domain gets its own rng-seed, derived from the run's seed (recorded in summary.json):
 * fixed by default, another with --seed. */
Test(entropy, every_domain_and_every_seed_gets_its_own_rng_seed, .timeout = 110)
{
    static const char *const doms[] = {"cluster", "rt", "infotainment"};
    char *path = fileio_join(TESSERA_SCENARIOS, "fleet4.dts");
    char seeds[3][3][17];
    const char *const args[3][3] = {{NULL}, {"--seed", "1", NULL}, {"--seed", "2", NULL}};
    const char *const recorded[3] = {"0x000007e55e7a5eed", "0x0000000000000001",
                                     "0x0000000000000002"};

    for (int r = 0; r < 3; r++) {
        struct boot b = {0};
        boot_run_args(path, "hyperlaunch", args[r], 0, &b);
        cr_assert_str_eq(get_str(b.summary, "seed"), recorded[r]);
        for (int d = 0; d < 3; d++) {
            seed_of(&b, doms[d], seeds[r][d]);
        }
        cr_assert_str_neq(seeds[r][0], seeds[r][1], "cluster and rt share a seed");
        cr_assert_str_neq(seeds[r][1], seeds[r][2], "rt and infotainment share a seed");
        cr_assert_str_neq(seeds[r][0], seeds[r][2], "cluster and infotainment share a seed");
        boot_free(&b, true);
    }
    for (int d = 0; d < 3; d++) {
        cr_assert_str_neq(seeds[1][d], seeds[2][d], "%s: --seed 1 and 2 give one seed", doms[d]);
        cr_assert_str_neq(seeds[0][d], seeds[1][d], "%s: the default and --seed 1", doms[d]);
    }
    free(path);
}
