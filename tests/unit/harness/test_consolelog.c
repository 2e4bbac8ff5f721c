/* The console-line parser (docs/console.md) and the line splitter: milestones and their times,
 * malformed lines that must change nothing, lines split across reads and long domain lines. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/consolelog.h>
#include <tessera/harness/linebuf.h>
#include <tessera/harness/stats.h>

static struct clog log;

static void setup(void)
{
    clog_init(&log);
}

static void teardown(void)
{
    clog_free(&log);
}

TestSuite(consolelog, .init = setup, .fini = teardown);

static enum clog_event feed(const char *line)
{
    struct clog_note n;
    cr_assert_eq(clog_feed(&log, line, &n), 0);
    return n.ev;
}

static const struct clog_domain *dom(const char *name)
{
    long i = clog_find(&log, name);
    cr_assert_geq(i, 0, "no domain %s", name);
    return &log.dom[i];
}

static const char *const boot[] = {
    "[0.000010000] hyp: entry el=2 counter_hz=62500000 entry_ticks=625 cpus=4",
    "[0.000020000] hyp: gic v3 at 0x8000000",
    "[0.001000000] hyp: init done",
    "[0.001100000] hyp: dom hello created id=1",
    "[0.001200000] hyp: dom hello vcpu 0 entry pc=0x50000000",
    "[0.001300000] hello: hello, world",
    "[0.001400000] hello: second line",
    "[0.001500000] hyp: dom hello ready",
    "[0.001600000] hyp: dom hello shutdown reason=poweroff",
    "[0.001700000] hyp: exit status=0",
};

static void feed_boot(void)
{
    for (size_t i = 0; i < sizeof(boot) / sizeof(boot[0]); i++) {
        feed(boot[i]);
    }
}

Test(consolelog, records_every_milestone)
{
    cr_assert_eq(clog_declare(&log, "hello"), 0);
    feed_boot();
    cr_assert(log.have_entry);
    cr_assert_eq(log.counter_hz, 62500000);
    cr_assert_eq(log.entry_ticks, 625);
    cr_assert_eq(log.entry_ns, 10000, "entry_ns comes from entry_ticks, not the prefix");
    cr_assert_eq(log.cpus, 4);
    cr_assert_eq(log.init_done_ns, 1000000);
    cr_assert(log.have_exit);
    cr_assert_eq(log.exit_status, 0);
    cr_assert_eq(log.exit_ns, 1700000);
    const struct clog_domain *d = dom("hello");
    cr_assert(d->declared);
    cr_assert_eq(d->id, 1);
    cr_assert_eq(d->created_ns, 1100000);
    cr_assert_eq(d->first_instr_ns, 1200000);
    cr_assert_eq(d->first_output_ns, 1300000);
    cr_assert_eq(d->ready_ns, 1500000);
    cr_assert_eq(d->shutdown_ns, 1600000);
    cr_assert_str_eq(d->shutdown_reason, "poweroff");
    cr_assert_eq(d->lines, 2);
    cr_assert_eq(log.lines, 10);
    cr_assert_eq(log.malformed, 0);
    cr_assert_null(log.first_malformed);
    cr_assert_eq(clog_ready_count(&log), 1);
}

Test(consolelog, reports_events_in_order)
{
    static const enum clog_event want[] = {
        CLOG_EV_ENTRY,       CLOG_EV_OTHER,        CLOG_EV_INIT_DONE, CLOG_EV_CREATED,
        CLOG_EV_FIRST_INSTR, CLOG_EV_FIRST_OUTPUT, CLOG_EV_OTHER,     CLOG_EV_READY,
        CLOG_EV_SHUTDOWN,    CLOG_EV_EXIT};
    for (size_t i = 0; i < sizeof(boot) / sizeof(boot[0]); i++) {
        cr_assert_eq(feed(boot[i]), want[i], "line %zu: %s", i, boot[i]);
    }
}

Test(consolelog, entry_ns_is_exact_for_large_tick_counts)
{
    /* 2^40 ticks at 62.5 MHz: ticks * 10^9 overflows 64 bits, the result does not. */
    feed("[17592.186044416] hyp: entry el=2 counter_hz=62500000 entry_ticks=1099511627776 "
         "cpus=1");
    cr_assert_eq(log.entry_ns, 17592186044416ll);
}

Test(consolelog, describes_milestones)
{
    struct clog_note n;
    char buf[128];

    cr_assert_eq(clog_feed(&log, boot[0], &n), 0);
    cr_assert(clog_describe(&log, &n, buf, sizeof(buf)));
    cr_assert_str_eq(buf, "hypervisor entry (counter 62500000 Hz, 4 CPUs)");
    cr_assert_eq(clog_feed(&log, boot[1], &n), 0);
    cr_assert_not(clog_describe(&log, &n, buf, sizeof(buf)));
    cr_assert_eq(clog_feed(&log, "[0.1] hyp: x", &n), 0);
    cr_assert_not(clog_describe(&log, &n, buf, sizeof(buf)));
    cr_assert_eq(clog_feed(&log, "[0.000000001] hyp: dom rt shutdown reason=crash", &n), 0);
    cr_assert(clog_describe(&log, &n, buf, sizeof(buf)));
    cr_assert_str_eq(buf, "rt shutdown (crash)");
    cr_assert_eq(n.ns, 1);
}

Test(consolelog, first_times_are_kept)
{
    feed_boot();
    feed("[0.002000000] hyp: dom hello created id=7");
    feed("[0.002100000] hyp: dom hello vcpu 0 entry pc=0x50000000");
    feed("[0.002200000] hyp: dom hello ready");
    feed("[0.002300000] hyp: init done");
    feed("[0.002400000] hyp: entry el=2 counter_hz=1 entry_ticks=1 cpus=1");
    const struct clog_domain *d = dom("hello");
    cr_assert_eq(d->created_ns, 1100000);
    cr_assert_eq(d->id, 1);
    cr_assert_eq(d->first_instr_ns, 1200000);
    cr_assert_eq(d->ready_ns, 1500000);
    cr_assert_eq(log.init_done_ns, 1000000);
    cr_assert_eq(log.counter_hz, 62500000);
}

Test(consolelog, first_instruction_is_vcpu_0)
{
    feed("[0.000000100] hyp: dom rt vcpu 1 entry pc=0x40000000");
    cr_assert_eq(dom("rt")->first_instr_ns, CLOG_NONE);
    cr_assert_eq(feed("[0.000000200] hyp: dom rt vcpu 0 entry pc=0x40000000"), CLOG_EV_FIRST_INSTR);
    cr_assert_eq(dom("rt")->first_instr_ns, 200);
}

Test(consolelog, malformed_lines_change_nothing)
{
    static const char *const bad[] = {
        "no prefix at all",
        "",
        "[0.00001000] hyp: init done",           /* 8 fraction digits */
        "[0.0000100000] hyp: init done",         /* 10 fraction digits */
        "[.000010000] hyp: init done",           /* no seconds */
        "[0.000010000]hyp: init done",           /* no space after ] */
        "[0.000010000] : init done",             /* empty name */
        "[0.000010000] hyp init done",           /* no colon */
        "[0.000010000] hyp:init done",           /* no space after colon */
        "[-1.000010000] hyp: init done",         /* sign */
        "[1234567890.000010000] hyp: init done", /* 10 digits of seconds */
        "[0.000010000] hyp: entry el=2 counter_hz=0 entry_ticks=1 cpus=1",
        "[0.000010000] hyp: entry el=2 counter_hz=x entry_ticks=1 cpus=1",
        "[0.000010000] hyp: entry el=2 counter_hz=62500000 cpus=1",
        "[0.000010000] hyp: entry el=2 counter_hz=62500000 entry_ticks=99999999999999999999 "
        "cpus=1",
        "[0.000010000] hyp: dom hello created",
        "[0.000010000] hyp: dom hello created id=-1",
        "[0.000010000] hyp: dom hello created id=1x",
        "[0.000010000] hyp: dom hello vcpu 0 entry pc=50000000",
        "[0.000010000] hyp: dom hello vcpu 0 entry pc=0x",
        "[0.000010000] hyp: dom hello vcpu x entry pc=0x1",
        "[0.000010000] hyp: dom hello shutdown reason=bored",
        "[0.000010000] hyp: dom hello shutdown",
        "[0.000010000] hyp: dom hyp ready",
        "[0.000010000] hyp: dom ",
        "[0.000010000] hyp: exit status=",
        "[0.000010000] hyp: exit status=zero",
    };
    size_t n = sizeof(bad) / sizeof(bad[0]);

    clog_declare(&log, "hello");
    for (size_t i = 0; i < n; i++) {
        cr_assert_eq(feed(bad[i]), CLOG_EV_MALFORMED, "not malformed: '%s'", bad[i]);
    }
    cr_assert_eq(log.malformed, n);
    cr_assert_str_eq(log.first_malformed, bad[0]);
    cr_assert_not(log.have_entry);
    cr_assert_not(log.have_exit);
    cr_assert_eq(log.init_done_ns, CLOG_NONE);
    const struct clog_domain *d = dom("hello");
    cr_assert_eq(d->created_ns, CLOG_NONE);
    cr_assert_eq(d->first_instr_ns, CLOG_NONE);
    cr_assert_eq(d->shutdown_ns, CLOG_NONE);
    cr_assert_eq(d->shutdown_reason[0], '\0');
    cr_assert_eq(clog_find(&log, "hyp"), -1);
}

Test(consolelog, unknown_hypervisor_lines_are_kept_not_malformed)
{
    cr_assert_eq(feed("[0.000000001] hyp: dom hello something new"), CLOG_EV_OTHER);
    cr_assert_eq(feed("[0.000000002] hyp: stage-2 ready"), CLOG_EV_OTHER);
    cr_assert_eq(feed("[0.000000003] hyp:"), CLOG_EV_OTHER, "empty text is allowed");
    cr_assert_eq(log.malformed, 0);
    cr_assert_eq(log.last_ns, 3);
}

Test(consolelog, extra_fields_after_a_milestone_are_allowed)
{
    cr_assert_eq(feed("[0.000000001] hyp: entry el=2 counter_hz=100 entry_ticks=1 cpus=1 x=y"),
                 CLOG_EV_ENTRY);
    cr_assert_eq(feed("[0.000000002] hyp: dom a created id=3 vcpus=2"), CLOG_EV_CREATED);
    cr_assert_eq(log.entry_ns, 10000000);
    cr_assert_eq(dom("a")->id, 3);
}

Test(consolelog, records_the_build_time_of_created)
{
    cr_assert_eq(feed("[0.000000001] hyp: dom a created id=1 build_ns=9024"), CLOG_EV_CREATED);
    cr_assert_eq(feed("[0.000000002] hyp: dom b created id=2"), CLOG_EV_CREATED);
    cr_assert_eq(feed("[0.000000003] hyp: dom c created id=3 build_ns=x"), CLOG_EV_MALFORMED);
    cr_assert_eq(dom("a")->build_ns, 9024);
    cr_assert_eq(dom("b")->build_ns, CLOG_NONE);
    cr_assert_eq(dom("c")->created_ns, CLOG_NONE);
}

Test(consolelog, counts_faults)
{
    cr_assert_eq(feed("[0.000000001] hyp: dom faults fault data abort ipa=0x0"), CLOG_EV_FAULT);
    cr_assert_eq(feed("[0.000000002] hyp: dom faults fault"), CLOG_EV_FAULT);
    cr_assert_eq(feed("[0.000000003] hyp: dom faults faulty"), CLOG_EV_OTHER);
    cr_assert_eq(dom("faults")->faults, 2);
}

Test(consolelog, negative_exit_status)
{
    cr_assert_eq(feed("[0.000000001] hyp: exit status=-22"), CLOG_EV_EXIT);
    cr_assert_eq(log.exit_status, -22);
}

Test(consolelog, continuation_lines_are_output_of_the_same_domain)
{
    feed("[0.000000100] rt: first part of a long line");
    cr_assert_eq(feed("[0.000000100] rt: + second part"), CLOG_EV_OTHER);
    cr_assert_eq(dom("rt")->first_output_ns, 100);
    cr_assert_eq(dom("rt")->lines, 2);
    cr_assert_eq(log.malformed, 0);
}

Test(consolelog, undeclared_domains_are_recorded_but_marked)
{
    clog_declare(&log, "hello");
    feed("[0.000000100] stranger: hi");
    cr_assert_not(dom("stranger")->declared);
    cr_assert(dom("hello")->declared);
    cr_assert_eq(clog_ready_count(&log), 0);
}

Test(consolelog, declare_refuses_bad_names)
{
    char name[CLOG_NAME_MAX + 1];
    memset(name, 'n', CLOG_NAME_MAX);
    name[CLOG_NAME_MAX] = '\0';

    cr_assert_eq(clog_declare(&log, "hyp"), -EINVAL);
    cr_assert_eq(clog_declare(&log, ""), -EINVAL);
    cr_assert_eq(clog_declare(&log, "a:b"), -EINVAL);
    cr_assert_eq(clog_declare(&log, name), -EINVAL);
    cr_assert_eq(clog_declare(&log, "ok"), 0);
    cr_assert_eq(clog_declare(&log, "ok"), 0, "declaring twice finds the same domain");
    cr_assert_eq(log.ndom, 1);
}

Test(consolelog, keeps_the_last_three_lines_per_domain)
{
    const char *lines[CLOG_TAIL];

    feed("[0.000000001] hyp: dom d created id=1");
    feed("[0.000000002] d: one");
    feed("[0.000000003] d: two");
    feed("[0.000000004] e: other domain");
    feed("[0.000000005] d: three");
    cr_assert_eq(clog_tail_lines(&dom("d")->tail, lines), 3);
    cr_assert_str_eq(lines[0], "[0.000000002] d: one");
    cr_assert_str_eq(lines[1], "[0.000000003] d: two");
    cr_assert_str_eq(lines[2], "[0.000000005] d: three");
    cr_assert_eq(clog_tail_lines(&dom("e")->tail, lines), 1);
    cr_assert_eq(clog_tail_lines(&log.hyp_tail, lines), 1);
    cr_assert_str_eq(lines[0], "[0.000000001] hyp: dom d created id=1");
}

/* ---- images, FATAL and dom0less lines ---- */

Test(consolelog, records_kernel_and_ramdisk_placement)
{
    const struct clog_domain *d;

    cr_assert_eq(feed("[0.000000001] hyp: dom rt kernel elf copied 20432 bytes, entry 0x40001000"),
                 CLOG_EV_KERNEL);
    cr_assert_eq(feed("[0.000000002] hyp: dom rt ramdisk mapped 7340032 bytes at 0x40a00000"),
                 CLOG_EV_RAMDISK);
    cr_assert_eq(feed("[0.000000003] hyp: dom hello kernel raw mapped 4096 bytes, entry "
                      "0x40000000"),
                 CLOG_EV_KERNEL);
    d = dom("rt");
    cr_assert(d->kernel.seen);
    cr_assert_str_eq(d->kernel.format, "elf");
    cr_assert_not(d->kernel.mapped);
    cr_assert_eq(d->kernel.bytes, 20432);
    cr_assert_eq(d->kernel.addr, 0x40001000);
    cr_assert(d->ramdisk.seen);
    cr_assert_str_eq(d->ramdisk.format, "");
    cr_assert(d->ramdisk.mapped);
    cr_assert_eq(d->ramdisk.bytes, 7340032);
    cr_assert_eq(d->ramdisk.addr, 0x40a00000);
    cr_assert(dom("hello")->kernel.mapped);
    cr_assert_not(dom("hello")->ramdisk.seen);
    cr_assert_eq(log.malformed, 0);
}

Test(consolelog, the_first_kernel_report_counts)
{
    feed("[0.000000001] hyp: dom rt kernel image mapped 100 bytes, entry 0x40000000");
    cr_assert_eq(feed("[0.000000002] hyp: dom rt kernel raw copied 200 bytes, entry 0x40000000"),
                 CLOG_EV_OTHER, "a restarted domain reports its kernel again");
    cr_assert_str_eq(dom("rt")->kernel.format, "image");
    cr_assert_eq(dom("rt")->kernel.bytes, 100);
}

Test(consolelog, malformed_image_lines_change_nothing)
{
    static const char *const bad[] = {
        "[0.000000001] hyp: dom rt kernel elf moved 1 bytes, entry 0x1",
        "[0.000000001] hyp: dom rt kernel elf copied x bytes, entry 0x1",
        "[0.000000001] hyp: dom rt kernel elf copied 1 bytes entry 0x1",
        "[0.000000001] hyp: dom rt kernel elf copied 1 bytes, entry 1",
        "[0.000000001] hyp: dom rt kernel copied 1 bytes, entry 0x1",
        "[0.000000001] hyp: dom rt kernel",
        "[0.000000001] hyp: dom rt ramdisk copied 1 bytes",
        "[0.000000001] hyp: dom rt ramdisk copied 1 bytes at 0x",
        "[0.000000001] hyp: dom rt ramdisk elf copied 1 bytes at 0x1",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_assert_eq(feed(bad[i]), CLOG_EV_MALFORMED, "%s", bad[i]);
    }
    cr_assert_not(dom("rt")->kernel.seen);
    cr_assert_not(dom("rt")->ramdisk.seen);
    cr_assert_eq(log.malformed, sizeof(bad) / sizeof(bad[0]));
}

Test(consolelog, keeps_the_first_fatal_message)
{
    cr_assert_eq(feed("[0.000100000] hyp: FATAL manifest: /chosen/hypervisor/a: memory-kib: 1001 "
                      "is not a positive multiple of 4"),
                 CLOG_EV_FATAL);
    cr_assert_eq(feed("[0.000200000] hyp: FATAL launch: later"), CLOG_EV_FATAL);
    cr_assert_eq(feed("[0.000300000] hyp: exit status=2"), CLOG_EV_EXIT);
    cr_assert_str_eq(log.fatal, "manifest: /chosen/hypervisor/a: memory-kib: 1001 is not a "
                                "positive multiple of 4");
    cr_assert_eq(log.fatal_ns, 100000);
    cr_assert_eq(log.exit_status, 2);
    cr_assert_eq(feed("[0.000400000] hyp: FATAL "), CLOG_EV_MALFORMED);
}

Test(consolelog, records_the_dom0less_translation)
{
    cr_assert_eq(log.dom0less, -1);
    cr_assert_eq(feed("[0.000100000] hyp: manifest: 4 Xen dom0less domains translated"),
                 CLOG_EV_DOM0LESS);
    cr_assert_eq(log.dom0less, 4);
    cr_assert_eq(feed("[0.000100000] hyp: manifest: something else"), CLOG_EV_OTHER);
    cr_assert_eq(log.malformed, 0);
}

Test(consolelog, describes_images_and_fatal_lines)
{
    struct clog_note n;
    char buf[256];

    cr_assert_eq(
        clog_feed(&log, "[0.1] hyp: dom rt kernel elf copied 5 bytes, entry 0x40000000", &n), 0);
    cr_assert_eq(n.ev, CLOG_EV_MALFORMED, "the prefix needs 9 fraction digits");
    cr_assert_eq(clog_feed(&log,
                           "[0.000000001] hyp: dom rt kernel elf copied 5 bytes, entry 0x40000000",
                           &n),
                 0);
    cr_assert(clog_describe(&log, &n, buf, sizeof(buf)));
    cr_assert_str_eq(buf, "rt kernel elf, copied (5 bytes)");
    cr_assert_eq(clog_feed(&log, "[0.000000002] hyp: dom rt ramdisk mapped 6 bytes at 0x1", &n), 0);
    cr_assert(clog_describe(&log, &n, buf, sizeof(buf)));
    cr_assert_str_eq(buf, "rt ramdisk, mapped (6 bytes)");
    cr_assert_eq(clog_feed(&log, "[0.000000003] hyp: FATAL manifest: x: y: z", &n), 0);
    cr_assert(clog_describe(&log, &n, buf, sizeof(buf)));
    cr_assert_str_eq(buf, "hypervisor stopped: FATAL manifest: x: y: z");
    cr_assert_eq(
        clog_feed(&log, "[0.000000004] hyp: manifest: 2 Xen dom0less domains translated", &n), 0);
    cr_assert(clog_describe(&log, &n, buf, sizeof(buf)));
    cr_assert_str_eq(buf, "2 Xen dom0less domains translated");
}

/* ---- the line splitter ---- */

struct lines {
    char *v[16];
    size_t n;
};

static int collect(void *ctx, const char *line, size_t len)
{
    struct lines *l = ctx;
    cr_assert_eq(strlen(line), len);
    cr_assert_lt(l->n, 16);
    l->v[l->n++] = strdup(line);
    return 0;
}

static void free_lines(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i]);
    }
}

Test(linebuf, joins_lines_split_across_reads)
{
    static const char *const chunks[] = {"[0.0", "00000001] hyp: ini", "t done\n[0.000000002",
                                         "] a: b\r\n\n", "tail without newline"};
    struct linebuf lb;
    struct lines l = {0};

    linebuf_init(&lb);
    for (size_t i = 0; i < 5; i++) {
        cr_assert_eq(linebuf_feed(&lb, chunks[i], strlen(chunks[i]), collect, &l), 0);
    }
    cr_assert_eq(l.n, 3);
    cr_assert_eq(linebuf_flush(&lb, collect, &l), 0);
    cr_assert_eq(l.n, 4);
    cr_assert_str_eq(l.v[0], "[0.000000001] hyp: init done");
    cr_assert_str_eq(l.v[1], "[0.000000002] a: b", "\\r\\n ends a line");
    cr_assert_str_eq(l.v[2], "");
    cr_assert_str_eq(l.v[3], "tail without newline");
    cr_assert_eq(linebuf_flush(&lb, collect, &l), 0);
    cr_assert_eq(l.n, 4, "flush twice delivers nothing more");
    free_lines(&l);
    linebuf_free(&lb);
}

Test(linebuf, splits_overlong_lines_without_dropping_bytes)
{
    size_t len = 2 * LINEBUF_MAX + 10;
    char *data = malloc(len + 1);
    struct linebuf lb;
    struct lines l = {0};

    memset(data, 'z', len);
    data[len] = '\n';
    linebuf_init(&lb);
    cr_assert_eq(linebuf_feed(&lb, data, len + 1, collect, &l), 0);
    cr_assert_eq(l.n, 3);
    cr_assert_eq(strlen(l.v[0]), LINEBUF_MAX);
    cr_assert_eq(strlen(l.v[1]), LINEBUF_MAX);
    cr_assert_eq(strlen(l.v[2]), 10);
    cr_assert_eq(lb.split_lines, 2);
    free_lines(&l);
    linebuf_free(&lb);
    free(data);
}

static int stop_at_second(void *ctx, const char *line, size_t len)
{
    (void)line;
    (void)len;
    return ++*(int *)ctx == 2 ? -EIO : 0;
}

Test(linebuf, passes_callback_errors_on)
{
    struct linebuf lb;
    int calls = 0;

    linebuf_init(&lb);
    cr_assert_eq(linebuf_feed(&lb, "a\nb\nc\n", 6, stop_at_second, &calls), -EIO);
    cr_assert_eq(calls, 2);
    linebuf_free(&lb);
}

/* A console log recorded from `tessera run scenarios/pingpong.dts --mode hyperlaunch`: the
 * timeline and the guest-reported latency samples come out of it as they did in the run. */
Test(consolelog, timeline_and_samples_from_a_recorded_log)
{
    FILE *f = fopen(HARNESS_TEST_SRC "/pingpong.console.log", "r");
    char line[4096];
    const struct metric_series *rtt;
    struct stats st;

    cr_assert_not_null(f);
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        feed(line);
    }
    fclose(f);
    cr_assert_eq(log.malformed, 0);
    cr_assert_eq(log.init_done_ns, 433104);
    cr_assert_eq(dom("ping")->created_ns, 357200);
    cr_assert_eq(dom("ping")->first_instr_ns, 435968);
    cr_assert_eq(dom("ping")->first_output_ns, 445056);
    cr_assert_eq(dom("ping")->ready_ns, 711008);
    cr_assert_eq(dom("pong")->ready_ns, 642496);
    rtt = metrics_series(&log.metrics, "ping", "evtchn_rtt");
    cr_assert_not_null(rtt);
    cr_assert_str_eq(rtt->source, "guest");
    cr_assert_eq(rtt->n, 100, "100 rounds over 4 lines");
    cr_assert_eq(stats_compute(rtt->v, rtt->n, &st), 0);
    /* the guest's own summary line: min=1680 avg=1942 max=17136 */
    cr_assert_float_eq(st.min, 1680.0, 1e-9);
    cr_assert_float_eq(st.max, 17136.0, 1e-9);
    cr_assert_eq((long)st.mean, 1942);
    cr_assert_null(metrics_series(&log.metrics, "pong", "evtchn_rtt"));
}

Test(consolelog, isolation_probes_are_tallied)
{
    feed_boot();
    feed("[0.001310000] hello: isolation domctl blocked");
    feed("[0.001320000] hello: isolation domctl blocked");
    feed("[0.001330000] hello: isolation foreign_device leaked");
    cr_assert_eq(log.metrics.np, 2);
    cr_assert_str_eq(log.metrics.p[0].name, "domctl");
    cr_assert_eq(log.metrics.p[0].blocked, 2);
    cr_assert_eq(log.metrics.p[0].leaked, 0);
    cr_assert_eq(log.metrics.p[1].leaked, 1);
    cr_assert_eq(metrics_leaked(&log.metrics), 1);
    cr_assert_eq(log.malformed, 0);
}

Test(consolelog, malformed_metric_lines_add_nothing)
{
    static const char *const bad[] = {
        "[0.001310000] hello: lat rtt",                         /* no value */
        "[0.001310000] hello: lat rtt 12 x3 14",                /* not a number */
        "[0.001310000] hello: lat rtt 12 -3",                   /* negative */
        "[0.001310000] hello: lat rtt 99999999999999999999999", /* overflows */
        "[0.001310000] hello: lat this_series_name_is_longer_than_32_chars 1",
        "[0.001310000] hello: isolation domctl maybe", /* unknown outcome */
        "[0.001310000] hello: isolation domctl",       /* no outcome */
        "[0.001310000] hello: isolation domctl blocked extra",
    };

    feed_boot();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        feed(bad[i]);
        cr_assert_eq(log.malformed, i + 1, "not counted: %s", bad[i]);
    }
    cr_assert_eq(log.metrics.ns, 0);
    cr_assert_eq(log.metrics.np, 0);
    feed("[0.001310000] hello: + lat rtt 5");     /* a continuation line is not read as samples */
    feed("[0.001310000] hello: latency is fine"); /* free text */
    cr_assert_eq(log.metrics.ns, 0);
    cr_assert_eq(log.malformed, sizeof(bad) / sizeof(bad[0]));
}
