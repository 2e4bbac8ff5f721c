/* `tessera trace` end to end: a dump file and a console log with a framed dump, every output
 * at once, and the exit statuses of bad input and usage errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_dump.h>
#include <tessera/trace_host.h>
#include "helpers.h"

static char *tt_dir;

static void tt_setup(void)
{
    tt_dir = tt_tmpdir();
}

static void tt_teardown(void)
{
    tt_rmtree(tt_dir);
    free(tt_dir);
}

static void tt_sample(void)
{
    tt_init(2, 512, 62500000);
    trace_dump_set_domain(1, "rt");
    for (unsigned i = 0; i < 40; i++) {
        tt_at(i & 1, 1000 + 100 * i);
        TRACE(sched_switch, i & 1, TRACE_IDLE, TRACE_DV(1, i & 1), TRACE_SWITCH_START);
        TRACE(hc_entry, TRACE_DV(1, i & 1), 0xc6000001, 0, 0);
        tt_at(i & 1, 1050 + 100 * i);
        TRACE(hc_exit, TRACE_DV(1, i & 1), 0xc6000001, 0);
    }
}

static char *tt_write_dump(void)
{
    size_t len;
    void *b = tt_dump(&len);
    char *path;
    FILE *f;

    cr_assert(asprintf(&path, "%s/trace.bin", tt_dir) > 0);
    f = fopen(path, "wb");
    fwrite(b, 1, len, f);
    fclose(f);
    free(b);
    return path;
}

static int tt_tessera(const char *args, char **out, char **err)
{
    char *cmd;
    int rc;

    cr_assert(asprintf(&cmd, "%s trace %s", TT_TESSERA, args) > 0);
    rc = tt_run(cmd, out, err);
    free(cmd);
    return rc;
}

Test(trace_cmd, every_output_from_a_dump, .init = tt_setup, .fini = tt_teardown)
{
    char *dump, *args, *out, *err;

    tt_sample();
    dump = tt_write_dump();
    cr_assert(
        asprintf(&args, "%s --ctf %s/ctf --perfetto %s/t.json --stats", dump, tt_dir, tt_dir) > 0);
    cr_assert_eq(tt_tessera(args, &out, &err), 0, "%s", err);
    cr_assert_not_null(strstr(out, "120 records, 0 lost"), "%s", out);
    cr_assert_not_null(strstr(out, "hypercall latency"), "%s", out);
    free(out);
    free(err);
    free(args);
    cr_assert(asprintf(&args, "%s --clock-cycles %s/ctf | wc -l", TT_BABELTRACE2, tt_dir) > 0);
    cr_assert_eq(tt_run(args, &out, &err), 0);
    cr_assert_eq(atoi(out), 120);
    free(out);
    free(err);
    free(args);
    free(dump);
}

static void tt_line(void *ctx, const char *s, size_t n)
{
    fprintf(ctx, "[0.000001000] hyp: %.*s\n", (int)n, s);
}

Test(trace_cmd, a_console_log_with_a_framed_dump, .init = tt_setup, .fini = tt_teardown)
{
    char *log, *args, *out, *err;
    FILE *f;

    tt_sample();
    cr_assert(asprintf(&log, "%s/console.log", tt_dir) > 0);
    f = fopen(log, "w");
    fputs("[0.000000100] hyp: entry el=2\n", f);
    cr_assert_eq(trace_dump_uart(tt_line, f), 0);
    fclose(f);
    cr_assert(asprintf(&args, "%s --stats", log) > 0);
    cr_assert_eq(tt_tessera(args, &out, &err), 0, "%s", err);
    cr_assert_not_null(strstr(out, "120 records"), "%s", out);
    free(out);
    free(err);
    free(args);
    free(log);
}

Test(trace_cmd, exit_statuses, .init = tt_setup, .fini = tt_teardown)
{
    char *out, *err, *args;

    cr_assert_eq(tt_tessera("", &out, &err), 2);
    cr_assert_not_null(strstr(err, "missing DUMP"));
    free(out);
    free(err);
    cr_assert_eq(tt_tessera("x.bin", &out, &err), 2);
    cr_assert_not_null(strstr(err, "at least one of"));
    free(out);
    free(err);
    cr_assert(asprintf(&args, "%s/none --stats", tt_dir) > 0);
    cr_assert_eq(tt_tessera(args, &out, &err), 1);
    cr_assert_not_null(strstr(err, "No such file"), "%s", err);
    free(out);
    free(err);
    free(args);
    cr_assert_eq(tt_tessera("--help", &out, &err), 0);
    cr_assert_not_null(strstr(out, "--perfetto FILE"));
    free(out);
    free(err);
    cr_assert_eq(tt_tessera("--events", &out, &err), 0);
    cr_assert_not_null(strstr(out, "`guest_marker`"));
    free(out);
    free(err);
}
