/* Honest verdicts: a boot the hypervisor stops fatally fails the run (exit 1) with the reason in
 * words, and a fleet that cannot be built is refused before QEMU starts (exit 2). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

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
