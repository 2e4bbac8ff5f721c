/* Watching a child process as if it were QEMU (a shell script stands in): lines split across
 * writes reach console.log and the parser, the wall-clock limit kills a hung child, and stderr
 * and exit statuses are kept. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/watch.h>

#include "helpers.h"

static char *dir, *console;
static struct clog log;

static void setup(void)
{
    dir = th_tmpdir();
    console = fileio_join(dir, "console.log");
    clog_init(&log);
}

static void teardown(void)
{
    clog_free(&log);
    th_rmtree(dir);
    free(dir);
    free(console);
}

TestSuite(watch, .init = setup, .fini = teardown);

static int watch_sh(const char *script, uint32_t timeout_ms, struct watch_result *r, struct herr *e)
{
    char *argv[] = {"sh", "-c", (char *)script, NULL};
    struct watch_params p = {.argv = argv,
                             .console_path = console,
                             .timeout_ms = timeout_ms,
                             .quiet = true,
                             .label = "test/watch",
                             .log = &log};
    return watch_run(&p, r, e);
}

static char *console_text(void)
{
    struct herr e;
    void *buf;
    size_t len;

    cr_assert_eq(fileio_read(console, &buf, &len, &e), 0, "%s", e.msg);
    buf = realloc(buf, len + 1);
    ((char *)buf)[len] = '\0';
    return buf;
}

Test(watch, records_lines_written_in_pieces)
{
    struct watch_result r;
    struct herr e;
    char *text;

    clog_declare(&log, "d");
    cr_assert_eq(watch_sh("printf '[0.000000001] hyp: dom d cre'; sleep 0.05; "
                          "printf 'ated id=4\\n[0.000000002] d: hi\\r\\n'; "
                          "printf '[0.000000003] hyp: dom d ready'",
                          10000, &r, &e),
                 0, "%s", e.msg);
    cr_assert_not(r.timed_out);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);
    text = console_text();
    cr_assert_str_eq(text, "[0.000000001] hyp: dom d created id=4\n[0.000000002] d: hi\n"
                           "[0.000000003] hyp: dom d ready\n");
    cr_assert_eq(log.dom[0].created_ns, 1);
    cr_assert_eq(log.dom[0].id, 4);
    cr_assert_eq(log.dom[0].first_output_ns, 2);
    cr_assert_eq(log.dom[0].ready_ns, 3, "a last line without newline still counts");
    free(text);
    watch_result_free(&r);
}

Test(watch, kills_a_child_past_the_time_limit)
{
    struct watch_result r;
    struct herr e;

    cr_assert_eq(watch_sh("echo '[0.000000001] d: stuck'; exec sleep 30", 300, &r, &e), 0, "%s",
                 e.msg);
    cr_assert(r.timed_out);
    cr_assert(WIFSIGNALED(r.status));
    cr_assert_lt(r.wall_s, 5.0);
    cr_assert_eq(log.dom[0].first_output_ns, 1, "lines before the timeout are kept");
    watch_result_free(&r);
}

Test(watch, keeps_stderr_and_exit_status)
{
    struct watch_result r;
    struct herr e;

    cr_assert_eq(
        watch_sh("echo 'qemu-system-aarch64: cannot load kernel' >&2; exit 3", 10000, &r, &e), 0,
        "%s", e.msg);
    cr_assert_not(r.timed_out);
    cr_assert(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 3);
    cr_assert_str_eq(r.err.data, "qemu-system-aarch64: cannot load kernel\n");
    watch_result_free(&r);
}

Test(watch, reports_a_program_that_cannot_run)
{
    char *argv[] = {"/nonexistent/qemu", NULL};
    struct watch_params p = {.argv = argv,
                             .console_path = console,
                             .timeout_ms = 1000,
                             .quiet = true,
                             .label = "test/watch",
                             .log = &log};
    struct watch_result r;
    struct herr e;

    cr_assert_lt(watch_run(&p, &r, &e), 0);
    cr_assert_not_null(strstr(e.msg, "cannot run /nonexistent/qemu"), "%s", e.msg);
    watch_result_free(&r);
}

Test(watch, reports_an_unwritable_console_log)
{
    char *argv[] = {"true", NULL};
    struct watch_params p = {.argv = argv,
                             .console_path = "/nonexistent/dir/console.log",
                             .timeout_ms = 1000,
                             .quiet = true,
                             .label = "t",
                             .log = &log};
    struct watch_result r;
    struct herr e;

    cr_assert_lt(watch_run(&p, &r, &e), 0);
    cr_assert_not_null(strstr(e.msg, "/nonexistent/dir/console.log"), "%s", e.msg);
}

/* --input: each step is written once its line went by, in order, and stdin ends after the
 * last; without input the child's stdin is at end of file from the start. */
Test(watch, writes_input_after_its_lines)
{
    char *argv[] = {
        "sh", "-c",
        "echo '[0.000000001] hyp: init done'; read -r a; echo \"[0.000000002] d: got $a\"; "
        "read -r b; echo \"[0.000000003] d: then $b\"; "
        "if read -r c; then echo \"[0.000000004] d: more $c\"; else "
        "echo '[0.000000004] d: eof'; fi",
        NULL};
    struct input_step steps[] = {
        {.after = "hyp: init done", .data = "hello\n", .len = 6},
        {.after = "d: got hello", .data = "world\n", .len = 6},
    };
    struct watch_params p = {.argv = argv,
                             .console_path = console,
                             .timeout_ms = 10000,
                             .quiet = true,
                             .label = "t",
                             .log = &log,
                             .input = steps,
                             .ninput = 2};
    struct watch_result r;
    struct herr e;

    cr_assert_eq(watch_run(&p, &r, &e), 0, "%s", e.msg);
    char *text = console_text();
    cr_assert_str_eq(text, "[0.000000001] hyp: init done\n[0.000000002] d: got hello\n"
                           "[0.000000003] d: then world\n[0.000000004] d: eof\n");
    free(text);
    watch_result_free(&r);
}

Test(watch, without_input_stdin_is_at_end_of_file)
{
    struct watch_result r;
    struct herr e;

    cr_assert_eq(watch_sh("if read -r a; then echo \"[0.000000001] d: got $a\"; else echo "
                          "'[0.000000001] d: eof'; fi",
                          10000, &r, &e),
                 0, "%s", e.msg);
    char *text = console_text();
    cr_assert_str_eq(text, "[0.000000001] d: eof\n");
    free(text);
    watch_result_free(&r);
}

Test(watch, input_unescape_decodes_c_escapes)
{
    char *out;
    size_t len;
    struct herr e;

    cr_assert_eq(input_unescape("a\\n\\x01\\x1\\001\\t\\\\z", &out, &len, &e), 0, "%s", e.msg);
    cr_assert_eq(len, 8);
    cr_assert_eq(memcmp(out, "a\n\x01\x01\x01\t\\z", 8), 0);
    free(out);
    cr_assert_eq(input_unescape("\\q", &out, &len, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "\\q"), "%s", e.msg);
    cr_assert_eq(input_unescape("\\x", &out, &len, &e), -EINVAL, "no hex digit");
}
