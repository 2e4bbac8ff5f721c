/* The trace side of `tessera run` without QEMU: the dump path and the hypervisor's trace
 * arguments, stale outputs removed, and the collection of a dump (written here with the
 * hosted trace buffers), of a missing one and of a bad one. */
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

Test(run_trace, passes_the_absolute_dump_path_and_the_buffer_size)
{
    char buf[256] = "semihosting mode=dom0", want[512];
    char *real = realpath(dir, NULL);

    /* The dump path goes to /chosen/tessera,trace (t.dump), not the command line, so that its
     * length cannot change a boot's instruction count; only trace-kib is a command-line word. */
    prepare(0);
    cr_assert_eq(run_trace_bootargs(&t, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "semihosting mode=dom0");
    snprintf(want, sizeof(want), "%s/trace.dump", real);
    cr_assert_str_eq(t.dump, want);
    run_trace_free(&t);
    prepare(512);
    snprintf(buf, sizeof(buf), "m");
    cr_assert_eq(run_trace_bootargs(&t, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "m trace-kib=512");
    cr_assert_eq(run_trace_bootargs(&t, buf, strlen(buf) + 4), -ENOSPC);
    free(real);
}

Test(run_trace, off_passes_nothing_and_collects_nothing)
{
    char buf[64] = "semihosting mode=hyperlaunch";
    struct herr e;

    cr_assert_eq(run_trace_prepare(&t, dir, false, 0, &e), 0, "%s", e.msg);
    cr_assert_eq(run_trace_bootargs(&t, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "semihosting mode=hyperlaunch");
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

Test(run_trace, refuses_a_path_the_hypervisor_cannot_take)
{
    char long_dir[400];
    struct herr e;

    snprintf(long_dir, sizeof(long_dir), "%s/%0150d", dir, 0);
    cr_assert_eq(fileio_mkdirs(long_dir, &e), 0, "%s", e.msg);
    cr_assert_eq(run_trace_prepare(&t, long_dir, true, 0, &e), -ENAMETOOLONG);
    cr_assert_not_null(strstr(e.msg, "the hypervisor takes at most 159"), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, "--no-trace"), "%s", e.msg);
    run_trace_free(&t);
    snprintf(long_dir, sizeof(long_dir), "%s/a b", dir);
    cr_assert_eq(fileio_mkdirs(long_dir, &e), 0, "%s", e.msg);
    cr_assert_eq(run_trace_prepare(&t, long_dir, true, 0, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "holds a blank"), "%s", e.msg);
    run_trace_free(&t);
    cr_assert_eq(run_trace_prepare(&t, long_dir, false, 0, &e), 0, "off: any path will do");
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

Test(run_trace, a_missing_dump_is_a_reason_with_the_hypervisors_words)
{
    prepare(0);
    feed("[0.000001000] hyp: exit status=0");
    feed("[0.000002000] hyp: trace not written: the host refused to open /x");
    cr_assert_not(run_trace_collect(&t, &log, true, &reasons));
    cr_assert_eq(reasons.n, 1);
    cr_assert_not_null(strstr(reasons.v[0], "trace: no dump at "), "%s", reasons.v[0]);
    cr_assert_not_null(strstr(reasons.v[0], "the hypervisor said 'trace not written: the host "
                                            "refused to open /x'"),
                       "%s", reasons.v[0]);
    cr_assert_str_eq(error_of(), reasons.v[0] + strlen("trace: "));
    cr_assert(json_is_null(json_object_get(t.result, "events")));
    cr_assert_str_eq(th_jstr(t.result, "file"), "trace.dump");
}

Test(run_trace, a_missing_dump_after_a_timeout_is_no_extra_reason)
{
    prepare(0);
    cr_assert_not(run_trace_collect(&t, &log, false, &reasons));
    cr_assert_eq(reasons.n, 0);
    cr_assert_not_null(strstr(error_of(), "the hypervisor did not say why"), "%s", error_of());
}

Test(run_trace, a_bad_dump_is_a_reason)
{
    prepare(0);
    free(th_write(dir, "trace.dump", "TSRTRACE and then nothing", 25));
    cr_assert_not(run_trace_collect(&t, &log, true, &reasons));
    cr_assert_eq(reasons.n, 1);
    cr_assert_not_null(strstr(reasons.v[0], "trace: the dump is unreadable: "), "%s", reasons.v[0]);
}

/* ---- a real dump, from the hosted trace buffers ---- */

static uint64_t buffers[2 * 256 * TRACE_RECORD_SIZE / 8];

static void dump_out(void *ctx, const void *buf, size_t len)
{
    cr_assert_eq(fwrite(buf, 1, len, ctx), len);
}

/* Two pCPUs: boot phases, a domain created and run on pCPU 1, a hypercall, an interrupt
 * forwarded to it. */
static void write_dump(void)
{
    char *path = fileio_join(dir, "trace.dump");
    FILE *f = fopen(path, "wb");

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
    cr_assert_not_null(f);
    cr_assert_eq(trace_dump(dump_out, f), 0);
    cr_assert_eq(fclose(f), 0);
    free(path);
}

static json_int_t count_at(const char *group, const char *key)
{
    return th_jint(th_jget(t.result, group), key);
}

Test(run_trace, a_dump_is_converted_and_summarised)
{
    prepare(0);
    write_dump();
    cr_assert(run_trace_collect(&t, &log, true, &reasons), "%s", error_of());
    cr_assert_eq(reasons.n, 0);
    cr_assert_eq(th_jint(t.result, "events"), 14);
    cr_assert_eq(th_jint(t.result, "lost"), 0);
    cr_assert_eq(th_jint(t.result, "counter_hz"), 62500000);
    cr_assert_eq(th_jint(t.result, "cpus"), 2);
    cr_assert_eq(count_at("per_class", "boot"), 3);
    cr_assert_eq(count_at("per_class", "hypercall"), 2);
    cr_assert_eq(count_at("per_class", "irq"), 5);
    cr_assert_eq(count_at("per_class", "timer"), 0, "every class is listed");
    cr_assert_eq(count_at("per_event", "sched_switch"), 1);
    cr_assert_eq(count_at("per_event", "dom_crash"), 0, "every event is listed");
    cr_assert_str_eq(th_jstr(t.result, "ctf"), "trace.ctf");
    cr_assert_str_eq(th_jstr(t.result, "perfetto"), "trace.json");
    cr_assert_str_eq(th_jstr(t.result, "stats"), "trace-stats.txt");
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
    cr_assert_eq(th_jint(t.result, "events"), 14);
    cr_assert_str_eq(th_jstr(t.result, "ctf"), "trace.ctf");
    cr_assert(json_is_null(json_object_get(t.result, "perfetto")));
    cr_assert_str_eq(th_jstr(t.result, "stats"), "trace-stats.txt");
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
