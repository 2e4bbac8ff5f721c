/* The trace side of `tessera run` without QEMU: the hypervisor's trace arguments, stale outputs
 * removed, and the collection of a dump from the hypervisor's framed lines in console.log
 * (written here with the hosted trace buffers), of snapshots, of a missing, a damaged and a bad
 * one, and of frames a guest printed. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tessera/arch_host.h>
#include <tessera/harness/fileio.h>
#include <tessera/harness/run_trace.h>
#include <tessera/harness/timeline.h>
#include <tessera/trace.h>
#include <tessera/trace_dump.h>

#include "helpers.h"

static char *dir;
static struct run_trace t;
static struct clog log;
static struct strvec reasons = STRVEC_INIT;

static void setup(void)
{
    dir = th_tmpdir();
    clog_init(&log);
}

static void teardown(void)
{
    run_trace_free(&t);
    memset(&t, 0, sizeof(t));
    clog_free(&log);
    strvec_free(&reasons);
    th_rmtree(dir);
    free(dir);
}

TestSuite(run_trace, .init = setup, .fini = teardown);

static bool exists(const char *name)
{
    struct stat st;
    char *path = fileio_join(dir, name);
    bool found = stat(path, &st) == 0;

    free(path);
    return found;
}

static void prepare(unsigned kib)
{
    struct herr e;

    cr_assert_eq(run_trace_prepare(&t, dir, true, kib, &e), 0, "%s", e.msg);
}

/* The dump comes back on the console (/chosen/tessera,trace = "uart"): the command line carries
 * only trace-kib, and nothing that depends on the results folder. */
Test(run_trace, passes_only_the_buffer_size)
{
    char buf[256] = "mode=dom0";
    char *want = fileio_join(dir, "trace.dump");

    prepare(0);
    cr_assert_eq(run_trace_bootargs(&t, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "mode=dom0");
    cr_assert_str_eq(t.dump, want);
    cr_assert_str_eq(RUN_TRACE_TARGET, "uart");
    run_trace_free(&t);
    prepare(512);
    snprintf(buf, sizeof(buf), "m");
    cr_assert_eq(run_trace_bootargs(&t, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "m trace-kib=512");
    cr_assert_eq(run_trace_bootargs(&t, buf, strlen(buf) + 4), -ENOSPC);
    free(want);
}

Test(run_trace, off_passes_nothing_and_collects_nothing)
{
    char buf[64] = "mode=hyperlaunch";
    struct herr e;

    cr_assert_eq(run_trace_prepare(&t, dir, false, 0, &e), 0, "%s", e.msg);
    cr_assert_eq(run_trace_bootargs(&t, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "mode=hyperlaunch");
    cr_assert(run_trace_collect(&t, &log, true, &reasons));
    cr_assert_null(t.result);
    cr_assert_eq(reasons.n, 0);
}

Test(run_trace, removes_the_outputs_of_an_earlier_run)
{
    static const char *const names[] = {"trace.dump", "trace.ctf/metadata", "trace.ctf/cpu0",
                                        "trace.json", "trace-stats.txt"};
    struct herr e;

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        free(th_write(dir, names[i], "old", 3));
    }
    free(th_write(dir, "console.log", "kept", 4));
    cr_assert_eq(run_trace_prepare(&t, dir, false, 0, &e), 0, "%s", e.msg);
    cr_assert(!exists("trace.dump") && !exists("trace.ctf") && !exists("trace.json") &&
              !exists("trace-stats.txt"));
    cr_assert(exists("console.log"));
}

/* Any results folder will do: the dump's path never reaches the hypervisor. */
Test(run_trace, any_results_folder_will_do)
{
    char long_dir[400];
    struct herr e;

    snprintf(long_dir, sizeof(long_dir), "%s/a b/%0150d", dir, 0);
    cr_assert_eq(fileio_mkdirs(long_dir, &e), 0, "%s", e.msg);
    cr_assert_eq(run_trace_prepare(&t, long_dir, true, 0, &e), 0, "%s", e.msg);
}

static void feed(const char *line)
{
    struct clog_note n;

    cr_assert_eq(clog_feed(&log, line, &n), 0);
}

static const char *error_of(void)
{
    return json_string_value(json_object_get(t.result, "error"));
}

/* console.log as the run writes it: lines appended as they come, each also fed to the parser
 * (the run's watcher does both). */
static void console_line(const char *line)
{
    char *path = fileio_join(dir, RUN_CONSOLE_LOG);
    FILE *f = fopen(path, "a");

    cr_assert_not_null(f);
    fprintf(f, "%s\n", line);
    cr_assert_eq(fclose(f), 0);
    free(path);
    feed(line);
}

static unsigned console_clock;

/* One framed line of the hypervisor's, or of domain "rt" (a guest printing the same text). */
static void console_frame(void *ctx, const char *s, size_t n)
{
    char line[160];

    snprintf(line, sizeof(line), "[0.%09u] %s: %.*s", ++console_clock, (const char *)ctx, (int)n,
             s);
    console_line(line);
}

Test(run_trace, a_missing_dump_is_a_reason_with_the_hypervisors_words)
{
    prepare(0);
    console_line("[0.000001000] hyp: exit status=0");
    console_line("[0.000002000] hyp: trace not written: trace=/x: the only target is uart");
    cr_assert_not(run_trace_collect(&t, &log, true, &reasons));
    cr_assert_eq(reasons.n, 1);
    cr_assert_not_null(strstr(reasons.v[0], "trace: no dump in console.log: "), "%s", reasons.v[0]);
    cr_assert_not_null(strstr(reasons.v[0], "the hypervisor said 'trace not written: trace=/x: "
                                            "the only target is uart'"),
                       "%s", reasons.v[0]);
    cr_assert_str_eq(error_of(), reasons.v[0] + strlen("trace: "));
    cr_assert(json_is_null(json_object_get(t.result, "events")));
    cr_assert_str_eq(get_str(t.result, "file"), "trace.dump");
    cr_assert_not(exists("trace.dump"));
}

Test(run_trace, a_missing_dump_after_a_timeout_is_no_extra_reason)
{
    prepare(0);
    console_line("[0.000001000] hyp: init done");
    cr_assert_not(run_trace_collect(&t, &log, false, &reasons));
    cr_assert_eq(reasons.n, 0);
    cr_assert_not_null(strstr(error_of(), "the hypervisor did not say why"), "%s", error_of());
}

/* Framed lines whose payload is not a dump: the frames are whole, the dump is not. */
Test(run_trace, a_bad_dump_is_a_reason)
{
    static const char payload[] = "TSRTRACE and then nothing";
    char line[128];

    prepare(0);
    console_line("[0.000001000] hyp: @TTRACE B 0 1 0");
    console_line("[0.000001000] hyp: @TTRACE D 0 VFNSVFJBQ0UgYW5kIHRoZW4gbm90aGluZw==");
    snprintf(line, sizeof(line), "[0.000001000] hyp: @TTRACE E 0 25 %08x",
             (unsigned)trace_crc32(0, payload, sizeof(payload) - 1));
    console_line(line);
    cr_assert_not(run_trace_collect(&t, &log, true, &reasons));
    cr_assert_eq(reasons.n, 1);
    cr_assert_not_null(strstr(reasons.v[0], "trace: the dump is unreadable: "), "%s", reasons.v[0]);
}

/* ---- a real dump, from the hosted trace buffers ---- */

static uint64_t buffers[2 * 256 * TRACE_RECORD_SIZE / 8];

/* Two pCPUs: boot phases, a domain created and run on pCPU 1, a hypercall, an interrupt
 * forwarded to it. */
static void fill_buffers(void)
{
    trace_reset();
    arch_host_set_cpu(0);
    arch_host_set_counter(0, 62500000);
    cr_assert_eq(trace_init(2, buffers, sizeof(buffers)), 0);
    trace_dump_set_domain(1, "rt");
    TRACE(boot_phase, TRACE_BOOT_ENTRY, 0);
    TRACE(dom_create, 1, 1, 2048);
    TRACE(boot_phase, TRACE_BOOT_INIT_DONE, 0);
    arch_host_set_cpu(1);
    arch_host_set_counter(100, 62500000);
    TRACE(boot_dom_step, 1, TRACE_DOM_STEP_FIRST_ENTRY, 0x40000000);
    TRACE(sched_switch, 1, TRACE_IDLE, TRACE_DV(1, 0), TRACE_SWITCH_START);
    TRACE(hc_entry, TRACE_DV(1, 0), 0xc6000001, 0, 0);
    arch_host_set_counter(200, 62500000);
    TRACE(hc_exit, TRACE_DV(1, 0), 0xc6000001, 0);
    arch_host_set_counter(300, 62500000);
    TRACE(irq_phys, 34);
    arch_host_set_counter(310, 62500000);
    TRACE(irq_inject, TRACE_DV(1, 0), 34);
    TRACE(irq_phys, 26); /* the hypervisor's own timer: never injected, never paired */
    TRACE(irq_phys, 15); /* the hypervisor's kick (SGI 15)... */
    TRACE(irq_inject, TRACE_DV(1, 0), 15); /* ...and a guest's own SGI 15: not a pair */
    arch_host_set_counter(400, 62500000);
    TRACE(dom_ready, 1, 0);
    arch_host_set_counter(500, 62500000);
    TRACE(dom_ready, 1, 0); /* a second ready (after a restart): the first counts */
}

/* The run's end as the hypervisor prints it: exit status, the dump's frames, its last word. */
static void write_dump(void)
{
    fill_buffers();
    console_line("[0.000010000] hyp: exit status=0");
    cr_assert_eq(trace_dump_uart(console_frame, "hyp"), 0);
    console_line("[0.000020000] hyp: trace written: 14 records, 0 lost");
}

static json_int_t count_at(const char *group, const char *key)
{
    return get_int(jget(t.result, group), key);
}

Test(run_trace, a_dump_is_converted_and_summarised)
{
    prepare(0);
    write_dump();
    cr_assert(run_trace_collect(&t, &log, true, &reasons), "%s", error_of());
    cr_assert_eq(reasons.n, 0);
    cr_assert_eq(get_int(t.result, "events"), 14);
    cr_assert_eq(get_int(t.result, "lost"), 0);
    cr_assert_eq(get_int(t.result, "counter_hz"), 62500000);
    cr_assert_eq(get_int(t.result, "cpus"), 2);
    cr_assert_eq(count_at("per_class", "boot"), 3);
    cr_assert_eq(count_at("per_class", "hypercall"), 2);
    cr_assert_eq(count_at("per_class", "irq"), 5);
    cr_assert_eq(count_at("per_class", "timer"), 0, "every class is listed");
    cr_assert_eq(count_at("per_event", "sched_switch"), 1);
    cr_assert_eq(count_at("per_event", "dom_crash"), 0, "every event is listed");
    cr_assert_str_eq(get_str(t.result, "ctf"), "trace.ctf");
    cr_assert_str_eq(get_str(t.result, "perfetto"), "trace.json");
    cr_assert_str_eq(get_str(t.result, "stats"), "trace-stats.txt");
    cr_assert(json_is_null(json_object_get(t.result, "error")));
    cr_assert(exists("trace.ctf/metadata") && exists("trace.json") && exists("trace-stats.txt"));
}

Test(run_trace, latency_pairs_become_series_of_their_domain)
{
    const struct metric_series *hc, *irq;

    prepare(0);
    write_dump();
    cr_assert(run_trace_collect(&t, &log, true, &reasons), "%s", error_of());
    hc = metrics_series(&log.metrics, "rt", "hypercall");
    irq = metrics_series(&log.metrics, "rt", "irq_forward");
    cr_assert(hc && irq);
    cr_assert_str_eq(hc->source, "trace");
    cr_assert_eq(hc->n, 1);
    cr_assert_float_eq(hc->v[0], 1600.0, 1e-9, "100 ticks at 62.5 MHz");
    cr_assert_eq(irq->n, 1, "INTID 26 was never injected, SGI 15 is no forward: one sample");
    cr_assert_float_eq(irq->v[0], 160.0, 1e-9);
    cr_assert_eq(log.metrics.ns, 2);
}

Test(run_trace, a_failed_output_is_a_reason_and_the_rest_is_kept)
{
    struct herr e;
    char *blocker = fileio_join(dir, "trace.json/x");

    prepare(0);
    write_dump();
    cr_assert_eq(fileio_mkdirs(blocker, &e), 0, "%s", e.msg); /* trace.json is a directory */
    cr_assert_not(run_trace_collect(&t, &log, true, &reasons));
    cr_assert_eq(reasons.n, 1);
    cr_assert_not_null(strstr(reasons.v[0], "trace: Perfetto: "), "%s", reasons.v[0]);
    cr_assert_eq(get_int(t.result, "events"), 14);
    cr_assert_str_eq(get_str(t.result, "ctf"), "trace.ctf");
    cr_assert(json_is_null(json_object_get(t.result, "perfetto")));
    cr_assert_str_eq(get_str(t.result, "stats"), "trace-stats.txt");
    free(blocker);
}

/* The boot timeline from a recorded trace: the records' own times replace the console's, the
 * first of each kind counting; summary.json says where they came from. */
Test(run_trace, the_timeline_comes_from_a_complete_trace)
{
    const struct clog_domain *rt;
    struct clog_note n;

    prepare(0);
    write_dump();
    cr_assert_eq(clog_feed(&log, "[0.000100000] hyp: dom rt created id=1", &n), 0);
    cr_assert_eq(clog_feed(&log, "[0.000900000] hyp: dom rt ready", &n), 0);
    cr_assert(run_trace_collect(&t, &log, true, &reasons), "%s", error_of());
    rt = &log.dom[clog_find(&log, "rt")];
    cr_assert(log.timeline_trace);
    cr_assert_eq(rt->created_ns, 0, "dom_create at counter 0, not the console's 100000");
    cr_assert_eq(log.init_done_ns, 0);
    cr_assert_eq(rt->first_instr_ns, 1600, "first_entry at tick 100");
    cr_assert_eq(rt->ready_ns, 6400, "the first dom_ready (tick 400), not the second");
}

Test(run_trace, a_trace_that_lost_records_leaves_the_console_timeline)
{
    struct trace_data d = {.counter_hz = 62500000, .lost = 1};
    struct clog_note n;

    cr_assert_eq(clog_feed(&log, "[0.000100000] hyp: dom rt created id=1", &n), 0);
    cr_assert_eq(timeline_from_trace(&d, &log), 0);
    cr_assert_not(log.timeline_trace);
    cr_assert_eq(log.dom[clog_find(&log, "rt")].created_ns, 100000);
}

/* A control domain's snapshots come after the exit line, numbered: each becomes trace.dump.N,
 * holding the records of its moment. */
Test(run_trace, snapshots_become_numbered_dumps)
{
    struct trace_data d;
    struct trace_err e;
    char *snap = fileio_join(dir, "trace.dump.1");

    prepare(0);
    fill_buffers();
    cr_assert_eq(trace_dump_hold(), 1);
    TRACE(irq_phys, 35);
    console_line("[0.000010000] hyp: exit status=0");
    cr_assert_eq(trace_dump_uart_held(1, console_frame, "hyp", NULL), 0);
    console_line("[0.000011000] hyp: trace snapshot 1 written: 14 records, 0 lost");
    cr_assert_eq(trace_dump_uart(console_frame, "hyp"), 0);
    cr_assert(run_trace_collect(&t, &log, true, &reasons), "%s", error_of());
    cr_assert_eq(get_int(t.result, "events"), 16, "14, trace_snapshot, irq_phys");
    cr_assert_eq(trace_data_load(snap, &d, &e), 0, "%s", e.msg);
    cr_assert_eq(d.nrecords, 14);
    trace_data_free(&d);
    cr_assert_not(exists("trace.dump.2"));
    free(snap);
}

/* A guest can print framed lines too, a whole well-formed dump and a "snapshot" even: they are
 * in its own lines, so they are neither the trace nor a snapshot (docs/console.md). */
Test(run_trace, a_guests_frames_are_not_the_trace)
{
    prepare(0);
    write_dump();
    TRACE(irq_phys, 35);
    cr_assert_eq(trace_dump_uart(console_frame, "rt"), 0);
    cr_assert_eq(trace_dump_hold(), 1);
    cr_assert_eq(trace_dump_uart_held(1, console_frame, "rt", NULL), 0);
    cr_assert(run_trace_collect(&t, &log, true, &reasons), "%s", error_of());
    cr_assert_eq(get_int(t.result, "events"), 14, "the hypervisor's dump, not the guest's");
    cr_assert_not(exists("trace.dump.1"), "the guest's frames became a snapshot");
}

/* A frame whose CRC fails: the dump is damaged, and the reason says where. */
Test(run_trace, a_damaged_dump_is_a_reason_naming_the_frame)
{
    char *path = fileio_join(dir, RUN_CONSOLE_LOG), *text, *d;
    size_t len;
    struct herr e;

    prepare(0);
    write_dump();
    cr_assert_eq(fileio_read(path, (void **)&text, &len, &e), 0, "%s", e.msg);
    d = strstr(text, "@TTRACE D 0 ");
    cr_assert_not_null(d);
    d[20] = d[20] == 'A' ? 'B' : 'A';
    cr_assert_eq(fileio_write(path, text, len, &e), 0, "%s", e.msg);
    cr_assert_not(run_trace_collect(&t, &log, true, &reasons));
    cr_assert_eq(reasons.n, 1);
    cr_assert_not_null(strstr(reasons.v[0], "trace: the dump in console.log is damaged: frame 0"),
                       "%s", reasons.v[0]);
    cr_assert_not_null(strstr(reasons.v[0], "CRC mismatch"), "%s", reasons.v[0]);
    free(text);
    free(path);
}
