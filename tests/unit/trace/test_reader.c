/* The dump reader refuses what it cannot trust, saying what is wrong: foreign files, other
 * format versions, another events.def, truncation, bad records; and sorts records by time. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_dump.h>
#include <tessera/trace_host.h>
#include "helpers.h"

static void *tt_small_dump(size_t *len)
{
    tt_init(2, 256, 1000);
    tt_at(0, 10);
    TRACE(irq_phys, 27);
    tt_at(1, 11);
    TRACE(timer_fire, 1, 99);
    return tt_dump(len);
}

static void tt_refused(const void *buf, size_t len, const char *needle)
{
    struct trace_data d;
    struct trace_err e;

    cr_assert_neq(trace_data_parse(buf, len, &d, &e), 0, "accepted a bad dump");
    cr_assert(strstr(e.msg, needle), "error '%s' does not mention '%s'", e.msg, needle);
}

Test(trace_reader, refuses_a_foreign_file)
{
    tt_refused("hello world, this is not a trace dump at all........................", 70,
               "not a Tessera trace dump");
    tt_refused("x", 1, "truncated");
}

Test(trace_reader, refuses_another_version_or_events_def)
{
    size_t len;
    uint8_t *b = tt_small_dump(&len);
    struct trace_dump_header *h = (struct trace_dump_header *)b;

    h->version = 2;
    tt_refused(b, len, "version 2");
    h->version = TRACE_DUMP_VERSION;
    h->schema_hash ^= 1;
    tt_refused(b, len, "trace/events.def");
    free(b);
}

Test(trace_reader, refuses_truncation_and_trailing_bytes)
{
    size_t len;
    uint8_t *b = tt_small_dump(&len);

    for (size_t cut = 1; cut < len; cut += 7) {
        tt_refused(b, len - cut, "");
    }
    tt_refused(b, len - sizeof(struct trace_dump_trailer) - 1, "truncated");
    b = realloc(b, len + 1);
    tt_refused(b, len + 1, "trailer");
    free(b);
}

Test(trace_reader, refuses_an_unknown_event_or_a_foreign_cpu)
{
    size_t len;
    uint8_t *b = tt_small_dump(&len);
    size_t first = sizeof(struct trace_dump_header) + sizeof(struct trace_dump_cpu);
    struct trace_record *r = (struct trace_record *)(b + first);

    r->id = 0x3ff;
    tt_refused(b, len, "unknown event id 0x3ff");
    r->id = TRACE_EV_irq_phys;
    r->cpu = 1;
    tt_refused(b, len, "written by cpu 1");
    free(b);
}

Test(trace_reader, sorts_each_cpu_by_time)
{
    struct trace_data d;

    tt_init(1, 256, 1000);
    TRACE_AT(50, irq_phys, 1);
    TRACE_AT(20, irq_phys, 2);
    TRACE_AT(20, irq_phys, 3);
    TRACE_AT(10, irq_phys, 4);
    tt_parse(&d);
    cr_assert_eq(d.cpus[0].recs[0].args[0], 4);
    cr_assert_eq(d.cpus[0].recs[1].args[0], 2, "equal times keep their order");
    cr_assert_eq(d.cpus[0].recs[2].args[0], 3);
    cr_assert_eq(d.cpus[0].recs[3].args[0], 1);
    cr_assert_eq(trace_data_ns(&d, 1000), 1000000000u);
    trace_data_free(&d);
}

Test(trace_reader, loads_files_and_console_logs)
{
    char *dir = tt_tmpdir(), path[512];
    size_t len;
    void *b = tt_small_dump(&len);
    struct trace_data d;
    struct trace_err e;
    FILE *f;

    snprintf(path, sizeof(path), "%s/dump", dir);
    f = fopen(path, "wb");
    fwrite(b, 1, len, f);
    fclose(f);
    cr_assert_eq(trace_data_load(path, &d, &e), 0, "%s", e.msg);
    cr_assert_eq(d.nrecords, 2);
    trace_data_free(&d);
    snprintf(path, sizeof(path), "%s/console.log", dir);
    f = fopen(path, "w");
    fputs("just a log\n", f);
    fclose(f);
    cr_assert_neq(trace_data_load(path, &d, &e), 0);
    cr_assert(strstr(e.msg, "neither a trace dump"), "%s", e.msg);
    snprintf(path, sizeof(path), "%s/missing", dir);
    cr_assert_neq(trace_data_load(path, &d, &e), 0);
    cr_assert(strstr(e.msg, "No such file"), "%s", e.msg);
    free(b);
    tt_rmtree(dir);
    free(dir);
}
