/* Watching a child process as if it were QEMU (a shell script stands in): lines split across
 * writes reach console.log and the parser, the wall-clock limit kills a hung child, and stderr
 * and exit statuses are kept. */
#include <criterion/criterion.h>
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
    struct watch_params p = {argv, console, timeout_ms, true, "test/watch", &log};
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
    struct watch_params p = {argv, console, 1000, true, "test/watch", &log};
    struct watch_result r;
    struct herr e;

    cr_assert_lt(watch_run(&p, &r, &e), 0);
    cr_assert_not_null(strstr(e.msg, "cannot run /nonexistent/qemu"), "%s", e.msg);
    watch_result_free(&r);
}

Test(watch, reports_an_unwritable_console_log)
{
    char *argv[] = {"true", NULL};
    struct watch_params p = {argv, "/nonexistent/dir/console.log", 1000, true, "t", &log};
    struct watch_result r;
    struct herr e;

    cr_assert_lt(watch_run(&p, &r, &e), 0);
    cr_assert_not_null(strstr(e.msg, "/nonexistent/dir/console.log"), "%s", e.msg);
}
