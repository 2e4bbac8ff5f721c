/* CTF output read back by the babeltrace2 command: no warning at all when nothing was lost,
 * exactly the discarded-event reports when records were lost, every event name, times in
 * order; and the packet plan behind CTF 1.8's running events_discarded counter. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <tessera/trace_host.h>
#include "../../../trace/host/ctf_internal.h"
#include "helpers.h"

#define TT_BIG 2500 /* records on pCPU 0: several packets */

/* Every event once per pCPU, plus a long run on pCPU 0. */
static void tt_fill_all(void)
{
    uint64_t t = 100;

    tt_init(2, 4096, 62500000);
    trace_dump_set_domain(1, "rt");
    trace_dump_set_domain(2, "cluster");
    for (unsigned cpu = 0; cpu < 2; cpu++) {
#define TT_ONE(a) 1
#define TRACE_EVENT(id, cls, name, args, desc, argdesc)                                            \
    tt_at(cpu, t++);                                                                               \
    TRACE(name, TRACE_XM_MAP(TT_ONE, TRACE_XM_COMMA, args));
#include "../../../trace/events.def"
    }
    for (unsigned i = 0; i < TT_BIG; i++) {
        tt_at(0, t++);
        TRACE(trap, TRACE_DV(1, 0), 0x24, 0x93c08006, 0x40080000 + 4 * i);
    }
}

static char *tt_ctf(const struct trace_data *d, char **dir)
{
    struct trace_err e;
    char *path;

    *dir = tt_tmpdir();
    cr_assert(asprintf(&path, "%s/ctf", *dir) > 0);
    cr_assert_eq(trace_ctf_write(d, path, &e), 0, "%s", e.msg);
    return path;
}

static char *tt_babeltrace(const char *path, const char *opts, char **err)
{
    char *cmd, *out;

    cr_assert(asprintf(&cmd, "%s %s %s", TT_BABELTRACE2, opts, path) > 0);
    cr_assert_eq(tt_run(cmd, &out, err), 0, "babeltrace2 failed: %s", *err);
    free(cmd);
    return out;
}

/* Every line's cycle count in order, checked against the dump's merged records. */
static void tt_check_times(const struct trace_data *d, const char *out)
{
    size_t n;
    const struct trace_record **all = trace_data_merge(d, &n);
    const char *p = out;

    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(*p, '[', "line %zu", i);
        cr_assert_eq(strtoull(p + 1, NULL, 10), all[i]->ts, "line %zu: timestamp", i);
        p = strchr(p, '\n');
        cr_assert_not_null(p);
        p++;
    }
    cr_assert_eq(*p, '\0', "more lines than records");
    free(all);
}

Test(trace_ctf, babeltrace2_reads_it_without_a_warning)
{
    struct trace_data d;
    char *dir, *path, *out, *err;

    tt_fill_all();
    tt_parse(&d);
    cr_assert_eq(d.lost, 0);
    path = tt_ctf(&d, &dir);
    out = tt_babeltrace(path, "--clock-cycles", &err);
    cr_assert_str_empty(err, "babeltrace2 said: %s", err);
    cr_assert_null(strstr(out, "WARNING"));
    cr_assert_eq(tt_count(out, "\n"), d.nrecords);
    for (size_t i = 0; i < trace_event_count(); i++) {
        char name[96];
        snprintf(name, sizeof(name), "tessera:%s:", trace_event_at(i)->name);
        cr_assert_eq(tt_count(out, name), trace_event_at(i)->id == TRACE_EV_trap ? TT_BIG + 2 : 2,
                     "%s", name);
    }
    tt_check_times(&d, out);
    free(out);
    free(err);
    tt_rmtree(dir);
    free(dir);
    free(path);
    trace_data_free(&d);
}

static char *tt_read(const char *path)
{
    char *cmd, *out, *err;

    cr_assert(asprintf(&cmd, "cat %s", path) > 0);
    cr_assert_eq(tt_run(cmd, &out, &err), 0);
    free(cmd);
    free(err);
    return out;
}

Test(trace_ctf, metadata_is_ctf_1_8_with_the_counter_clock_and_domain_names)
{
    struct trace_data d;
    char *dir, *path, *meta, *mpath;
    struct stat st;

    tt_fill_all();
    tt_parse(&d);
    path = tt_ctf(&d, &dir);
    cr_assert(asprintf(&mpath, "%s/metadata", path) > 0);
    meta = tt_read(mpath);
    cr_assert_eq(strncmp(meta, "/* CTF 1.8 */", 13), 0);
    cr_assert_not_null(strstr(meta, "freq = 62500000;"));
    cr_assert_not_null(strstr(meta, "domain_1 = \"rt\";"));
    cr_assert_not_null(strstr(meta, "domain_2 = \"cluster\";"));
    cr_assert_not_null(strstr(meta, "events_discarded;"));
    cr_assert_not_null(strstr(meta, "_cpu_id;"));
    free(mpath);
    cr_assert(asprintf(&mpath, "%s/cpu1", path) > 0);
    cr_assert_eq(stat(mpath, &st), 0, "one stream file per pCPU");
    free(mpath);
    free(meta);
    tt_rmtree(dir);
    free(dir);
    free(path);
    trace_data_free(&d);
}

Test(trace_ctf, lost_records_are_reported_as_discarded_events)
{
    struct trace_data d;
    char *dir, *path, *out, *err, want[64];

    tt_init(2, 300, 62500000);
    for (unsigned i = 0; i < 1000; i++) {
        tt_at(i % 2, 10 + i);
        TRACE(irq_inject, TRACE_DV(1, i % 2), 27);
    }
    tt_parse(&d);
    cr_assert_eq(d.cpus[0].lost, 500 - 299);
    path = tt_ctf(&d, &dir);
    out = tt_babeltrace(path, "", &err);
    cr_assert_eq(tt_count(out, "\n"), d.nrecords);
    snprintf(want, sizeof(want), "discarded %llu events", (unsigned long long)d.cpus[0].lost);
    cr_assert_eq(tt_count(err, want), 2, "babeltrace2 said: %s", err);
    cr_assert_eq(tt_count(err, "WARNING"), 2, "only the two discarded-event reports: %s", err);
    free(out);
    free(err);
    tt_rmtree(dir);
    free(dir);
    free(path);
    trace_data_free(&d);
}

Test(trace_ctf, refuses_a_directory_that_is_not_empty)
{
    struct trace_data d;
    struct trace_err e;
    char *dir = tt_tmpdir(), *file;

    tt_init(1, 256, 1000);
    TRACE(irq_phys, 1);
    tt_parse(&d);
    cr_assert(asprintf(&file, "%s/keep", dir) > 0);
    fclose(fopen(file, "w"));
    cr_assert_neq(trace_ctf_write(&d, dir, &e), 0);
    cr_assert_not_null(strstr(e.msg, "not empty"), "%s", e.msg);
    remove(file);
    cr_assert_eq(trace_ctf_write(&d, dir, &e), 0, "an empty directory is fine: %s", e.msg);
    free(file);
    tt_rmtree(dir);
    free(dir);
    trace_data_free(&d);
}

Test(trace_ctf, packets_follow_the_losses)
{
    struct trace_record recs[3000] = {0};
    struct trace_cpu_data c = {
        .cpu = 0, .nrecords = 3000, .lost = 12, .capacity = 3000, .recs = recs};
    struct ctf_pkt *p;
    size_t n;

    for (unsigned i = 0; i < 3000; i++) {
        recs[i] = (struct trace_record){.ts = 10 + i, .id = TRACE_EV_irq_phys, .seq = i};
    }
    recs[1500].id = TRACE_EV_trace_lost;
    recs[1500].args[1] = 5;
    cr_assert_eq(ctf_plan_cpu(&c, 99999, &p, &n), 0);
    /* [0,1024) [1024,1501) [1501,2525) [2525,3000) and a final empty packet for the 7 lost
     * records that no trace_lost record accounts for. */
    cr_assert_eq(n, 5);
    cr_assert_eq(p[0].count, CTF_PACKET_EVENTS);
    cr_assert_eq(p[1].first + p[1].count, 1501, "trace_lost closes its packet");
    cr_assert_eq(p[2].discarded, 5, "lost records count in the next packet");
    cr_assert_eq(p[2].begin, recs[1501].ts);
    cr_assert_eq(p[3].first + p[3].count, 3000);
    cr_assert_eq(p[4].count, 0);
    cr_assert_eq(p[4].discarded, 7);
    cr_assert_eq(p[4].begin, p[3].end);
    cr_assert_eq(p[4].end, 99999);
    for (size_t i = 0; i < n; i++) {
        cr_assert_leq(p[i].begin, p[i].end);
        cr_assert_leq(p[i].count, CTF_PACKET_EVENTS);
    }
    free(p);
}
