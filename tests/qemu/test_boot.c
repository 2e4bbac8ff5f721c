/* Integration boots: the built `tessera run` on the shipped scenarios under QEMU, checked
 * through its exit status, summary.json (jansson), console.log and trace outputs (babeltrace2,
 * jq, the trace library). One fresh boot per run. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/proc.h>
#include <tessera/trace_host.h>

#include "boot_helpers.h"

/* The checks every passing boot satisfies: verdict, exit statuses, and per domain ordered times
 * and a clean shutdown. */
static void check_summary(json_t *s, const char *domain)
{
    json_t *hyp = jget(s, "hypervisor"), *doms = jget(s, "domains"), *d;

    cr_assert_str_eq(get_str(s, "verdict"), "pass");
    cr_assert_eq(get_int(s, "exit_status"), 0, "QEMU's exit status");
    cr_assert_eq(get_int(hyp, "exit_status"), 0, "the hypervisor's exit status line");
    cr_assert_gt(get_int(s, "counter_hz"), 0);
    cr_assert_geq(get_int(hyp, "init_done_ns"), get_int(hyp, "entry_ns"));
    cr_assert_eq(json_array_size(doms), 1);
    d = json_array_get(doms, 0);
    cr_assert_str_eq(get_str(d, "name"), domain);
    cr_assert_gt(get_int(d, "ready_ns"), 0);
    cr_assert_leq(get_int(d, "created_ns"), get_int(d, "first_instr_ns"));
    cr_assert_leq(get_int(d, "first_instr_ns"), get_int(d, "first_output_ns"));
    cr_assert_leq(get_int(d, "first_output_ns"), get_int(d, "ready_ns"));
    cr_assert_str_eq(get_str(d, "state"), "shutdown");
    cr_assert_str_eq(get_str(d, "shutdown_reason"), "poweroff");
    cr_assert_eq(get_int(s, "all_ready_ns"), get_int(d, "ready_ns"));
}

Test(boot, minimal, .timeout = 110)
{
    struct boot b = {0};

    boot_run("minimal.dts", &b);
    check_summary(b.summary, "hello");
    cr_assert_eq(get_int(jget(b.summary, "hypervisor"), "firmware_ns"), 0);
    cr_assert_not_null(strstr(b.console, "] hello: "), "hello printed nothing:\n%s", b.console);
    boot_free(&b, true);
}

/* The measured numbers of a summary, flattened in a fixed order. */
static void numbers(json_t *s, json_int_t *out, size_t *n)
{
    static const char *const dom_keys[] = {"created_ns", "first_instr_ns", "first_output_ns",
                                           "ready_ns"};
    json_t *hyp = jget(s, "hypervisor"), *d;
    size_t i;

    *n = 0;
    out[(*n)++] = get_int(s, "counter_hz");
    out[(*n)++] = get_int(hyp, "entry_ns");
    out[(*n)++] = get_int(hyp, "init_done_ns");
    out[(*n)++] = get_int(s, "all_ready_ns");
    json_array_foreach(jget(s, "domains"), i, d)
    {
        for (size_t k = 0; k < 4 && *n < 64; k++) {
            out[(*n)++] = get_int(d, dom_keys[k]);
        }
    }
}

Test(boot, minimal_deterministic, .timeout = 110)
{
    struct boot a = {0}, b = {0};
    json_int_t na[64], nb[64];
    size_t ca, cb;

    boot_run("minimal.dts", &a);
    boot_run("minimal.dts", &b);
    numbers(a.summary, na, &ca);
    numbers(b.summary, nb, &cb);
    cr_assert_eq(ca, cb);
    for (size_t i = 0; i < ca; i++) {
        cr_assert_eq(na[i], nb[i], "number %zu differs between two runs: %lld vs %lld", i,
                     (long long)na[i], (long long)nb[i]);
    }
    boot_free(&a, true);
    boot_free(&b, true);
}

Test(boot, faults, .timeout = 110)
{
    struct boot b = {0};
    unsigned pass = 0;

    boot_run("faults.dts", &b);
    check_summary(b.summary, "faults");
    /* The guest has no control permission: the hypervisor says and traces each refusal. */
    cr_assert_not_null(strstr(b.console, "hyp: dom faults domctl 0x10 refused: no control "
                                         "permission (1 refused so far)"));
    cr_assert_not_null(strstr(b.console, "hyp: dom faults domctl 0x18 refused: no control "
                                         "permission (9 refused so far)"));
    json_t *events = jget(jget(b.summary, "trace"), "per_event");
    cr_assert_eq(json_integer_value(jget(events, "domctl_denied")), 9,
                 "one domctl_denied trace record per refused call");
    for (char *line = strtok(b.console, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strstr(line, "] faults: ")) {
            continue; /* only the guest's own lines carry its verdicts */
        }
        cr_assert_null(strstr(line, "FAIL"), "the faults guest reports: %s", line);
        pass += strstr(line, "PASS") != NULL;
    }
    cr_assert_gt(pass, 0, "the faults guest printed no PASS line");
    json_t *iso = jget(b.summary, "isolation");
    cr_assert_eq(get_int(iso, "probes"), 3, "hypercall_buffer, domctl, unmapped_ipa");
    cr_assert_eq(get_int(iso, "blocked"), 3);
    cr_assert_eq(get_int(iso, "leaked"), 0);
    cr_assert_gt(get_int(iso, "faults"), 0, "the hypervisor reported the refused load");
    boot_free(&b, true);
}

/* ---- fleets, Xen dom0less, and runs that must fail in a particular way ---- */

/* Every domain ready, ordered times, its kernel reported (when the hypervisor built it: in
 * dom0 mode the toolstack does); and each starts after the domains it waits for are ready. */
static void check_fleet(json_t *s, bool kernels)
{
    json_t *d, *after;
    size_t i, k;

    cr_assert_str_eq(get_str(s, "verdict"), "pass");
    json_array_foreach(jget(s, "domains"), i, d)
    {
        json_t *kernel = jget(d, "kernel");
        cr_assert_leq(get_int(d, "created_ns"), get_int(d, "first_instr_ns"));
        cr_assert_leq(get_int(d, "first_instr_ns"), get_int(d, "ready_ns"));
        cr_assert_leq(get_int(d, "ready_ns"), get_int(s, "all_ready_ns"));
        if (kernels) {
            cr_assert(json_is_object(kernel), "kernel placement is reported");
            cr_assert(json_is_string(jget(kernel, "format")));
            cr_assert_gt(get_int(kernel, "bytes"), 0);
        }
        json_array_foreach(jget(d, "start_after"), k, after)
        {
            json_t *pred = domain_named(s, json_string_value(after));
            cr_assert_gt(get_int(d, "first_instr_ns"), get_int(pred, "ready_ns"),
                         "a start-after domain ran before its predecessor was ready");
        }
    }
}

Test(boot, fleet4, .timeout = 110)
{
    struct boot b = {0};

    boot_run("fleet4.dts", &b);
    check_fleet(b.summary, true);
    cr_assert_str_eq(get_str(b.summary, "manifest"), "tessera");
    boot_free(&b, true);
}

Test(boot, dom0less, .timeout = 110)
{
    static const char *const names[] = {"cluster", "rt", "infotainment", "telemetry"};
    struct boot b = {0};
    char *path = data_path("fleet4-dom0less.dts");
    json_t *doms;

    boot_run_path(path, NULL, 0, &b);
    check_fleet(b.summary, true);
    cr_assert_str_eq(get_str(b.summary, "manifest"), "xen-dom0less");
    cr_assert_eq(get_int(jget(b.summary, "hypervisor"), "dom0less_domains"), 4);
    doms = jget(b.summary, "domains");
    cr_assert_eq(json_array_size(doms), 4);
    for (size_t i = 0; i < 4; i++) {
        json_t *d = json_array_get(doms, i);
        cr_assert_str_eq(get_str(d, "name"), names[i]);
        cr_assert_eq(get_int(d, "id"), (json_int_t)i + 1, "ids 1..N in node order");
    }
    cr_assert_null(strstr(b.console, "FAIL"), "an envcheck guest failed:\n%s", b.console);
    free(path);
    boot_free(&b, true);
}

Test(boot, fatal_manifest, .timeout = 110)
{
    static const char *const fatal = "FATAL manifest: /chosen/hypervisor/hello: memory-kib: 1001 "
                                     "is not a positive multiple of 4";
    struct boot b = {0};
    char *path = data_path("bad-memory.dts");
    json_t *reasons;

    boot_run_path(path, "--skip-check", 1, &b);
    reasons = jget(b.summary, "reasons");
    cr_assert_eq(json_array_size(reasons), 1, "the FATAL line is the one reason");
    cr_assert_not_null(strstr(json_string_value(json_array_get(reasons, 0)), fatal), "%s",
                       json_string_value(json_array_get(reasons, 0)));
    cr_assert_str_eq(get_str(jget(b.summary, "hypervisor"), "fatal"), fatal + strlen("FATAL "));
    cr_assert_not_null(strstr(b.err, fatal), "tessera says why on stderr: %s", b.err);
    cr_assert_not_null(strstr(b.console, "hyp: exit status=2"), "%s", b.console);
    free(path);
    boot_free(&b, true);
}

Test(boot, waits_forever_is_explained, .timeout = 110)
{
    struct boot b = {0};
    char *path = data_path("waits-forever.dts");
    json_t *second;

    boot_run_path(path, NULL, 1, &b);
    second = domain_named(b.summary, "second");
    cr_assert_str_eq(get_str(second, "state"), "paused");
    cr_assert(json_is_null(jget(second, "first_instr_ns")));
    cr_assert_not_null(strstr(b.console, "hyp: dom second will never start: a domain it waits for "
                                         "(start-after) ended without becoming ready"),
                       "the hypervisor says so and ends the run: %s", b.console);
    cr_assert_not_null(strstr(b.console, "hyp: exit status=1"), "%s", b.console);
    cr_assert_not_null(strstr(b.out, "domain 'second' never became ready: it was built but never "
                                     "started, waiting (start-after) for 'first', which never "
                                     "became ready"),
                       "%s", b.out);
    cr_assert_null(strstr(b.err, "timeout"), "no need to wait for the time limit: %s", b.err);
    free(path);
    boot_free(&b, true);
}

/* The dom0 mode: the control domain is built and its toolstack creates the fleet. */
Test(boot, fleet4_dom0, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "fleet4.dts");
    json_t *ctl;

    boot_run_mode(path, "dom0", NULL, 0, &b);
    check_fleet(b.summary, false);
    /* The toolstack asked for a trace snapshot as it left (HC_TRACE_DUMP). */
    cr_assert_not_null(strstr(b.console, "ctl: trace snapshot: written (1)"), "%s", b.console);
    char *snap = fileio_join(b.dir, "trace.dump.1");
    struct stat st;
    cr_assert_eq(stat(snap, &st), 0, "%s", snap);
    cr_assert_gt(st.st_size, 64);
    free(snap);
    cr_assert_str_eq(get_str(b.summary, "mode"), "dom0");
    ctl = domain_named(b.summary, "ctl");
    cr_assert_lt(get_int(ctl, "first_instr_ns"),
                 get_int(domain_named(b.summary, "cluster"), "created_ns"),
                 "the control domain runs before it creates the fleet");
    json_t *nim = jget(b.summary, "not_in_mode");
    cr_assert_eq(json_array_size(nim), 1);
    cr_assert_str_eq(json_string_value(json_array_get(nim, 0)), "boot");
    free(path);
    boot_free(&b, true);
}

/* The bootdomain mode: the fleet is built held, the boot domain orders and unpauses it and is
 * reclaimed. */
Test(boot, fleet4_bootdomain, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "fleet4.dts");
    json_t *boot, *nim;

    boot_run_mode(path, "bootdomain", NULL, 0, &b);
    check_fleet(b.summary, false);
    /* Late configuration: infotainment is pinned by the boot domain, not the hypervisor. */
    cr_assert_not_null(strstr(b.console, "hyp: dom infotainment left unpinned"), "%s", b.console);
    cr_assert_not_null(strstr(b.console, "boot: infotainment: late cpu-affinity applied (vCPU 0 "
                                         "on pCPU 2)"),
                       "%s", b.console);
    boot = domain_named(b.summary, "boot");
    cr_assert_lt(get_int(boot, "first_instr_ns"),
                 get_int(domain_named(b.summary, "cluster"), "first_instr_ns"),
                 "the boot domain runs before the fleet starts");
    cr_assert_not_null(strstr(b.console, "hyp: dom boot destroyed"),
                       "the boot domain is reclaimed");
    nim = jget(b.summary, "not_in_mode");
    cr_assert_eq(json_array_size(nim), 1);
    cr_assert_str_eq(json_string_value(json_array_get(nim, 0)), "ctl");
    free(path);
    boot_free(&b, true);
}

/* ---- the trace: on by default, collected and converted by `tessera run` ---- */

/* babeltrace2 reads the CTF trace without a word on stderr and prints a line per record. */
static void check_ctf(struct boot *b, json_int_t events)
{
    char *dir = out_file(b, "trace.ctf");
    char *argv[] = {"babeltrace2", dir, NULL};
    struct proc_buf out = {0}, err = {0};
    json_int_t lines = 0;

    cr_assert_eq(tool(argv, &out, &err), 0, "babeltrace2 %s: %s", dir, err.data);
    cr_assert_eq(err.len, 0, "babeltrace2 said: %s", err.data);
    cr_assert_eq(out.dropped, 0);
    for (size_t i = 0; i < out.len; i++) {
        lines += out.data[i] == '\n';
    }
    cr_assert_eq(lines, events, "babeltrace2 printed %lld lines for %lld records", (long long)lines,
                 (long long)events);
    proc_buf_free(&out);
    proc_buf_free(&err);
    free(dir);
}

struct slice {
    int key; /* the pCPU, plus 1000 in the hypervisor's process */
    double ts, end;
};

static int slice_cmp(const void *a, const void *b)
{
    const struct slice *x = a, *y = b;

    if (x->key != y->key) {
        return x->key - y->key;
    }
    return x->ts < y->ts ? -1 : x->ts > y->ts;
}

/* The pid of the "tessera hypervisor" process. */
static json_int_t hyp_pid(json_t *events)
{
    json_t *ev;
    size_t i;

    json_array_foreach(events, i, ev)
    {
        const char *name = json_string_value(json_object_get(json_object_get(ev, "args"), "name"));
        if (strcmp(get_str(ev, "name"), "process_name") == 0 && name &&
            strcmp(name, "tessera hypervisor") == 0) {
            return json_integer_value(jget(ev, "pid"));
        }
    }
    cr_assert_fail("no tessera hypervisor process in trace.json");
    return -1;
}

/* The vCPU run slices ("X" events of category sched), keyed by pCPU and process kind. */
static size_t run_slices(json_t *events, struct slice *s, size_t max)
{
    json_int_t hyp = hyp_pid(events);
    json_t *ev;
    size_t i, n = 0;

    json_array_foreach(events, i, ev)
    {
        const char *ph = json_string_value(json_object_get(ev, "ph"));
        const char *cat = json_string_value(json_object_get(ev, "cat"));
        if (strcmp(ph, "X") != 0 || !cat || strcmp(cat, "sched") != 0) {
            continue;
        }
        cr_assert_lt(n, max);
        s[n].key = (int)json_integer_value(jget(jget(ev, "args"), "pcpu")) +
                   (json_integer_value(jget(ev, "pid")) == hyp ? 1000 : 0);
        s[n].ts = json_number_value(jget(ev, "ts"));
        s[n].end = s[n].ts + json_number_value(jget(ev, "dur"));
        n++;
    }
    return n;
}

/* trace.json is valid JSON (jq agrees) and no two vCPU runs overlap on one pCPU. */
static void check_perfetto(struct boot *b)
{
    static struct slice s[4096];
    char *path = out_file(b, "trace.json");
    char *argv[] = {"jq", "-e", ".", path, NULL};
    struct proc_buf out = {0}, err = {0};
    json_error_t je;
    json_t *j;
    size_t n;

    cr_assert_eq(tool(argv, &out, &err), 0, "jq -e . %s: %s", path, err.data);
    j = json_load_file(path, 0, &je);
    cr_assert_not_null(j, "%s: %s", path, je.text);
    n = run_slices(jget(j, "traceEvents"), s, sizeof(s) / sizeof(s[0]));
    cr_assert_geq(n, 8, "a run slice per vCPU, in the hypervisor's and its domain's process");
    qsort(s, n, sizeof(s[0]), slice_cmp);
    for (size_t i = 1; i < n; i++) {
        cr_assert(s[i].key != s[i - 1].key || s[i - 1].end <= s[i].ts + 1e-9,
                  "vCPU runs overlap on pCPU %d: [%f, %f] and [%f, %f]", s[i].key % 1000,
                  s[i - 1].ts, s[i - 1].end, s[i].ts, s[i].end);
    }
    json_decref(j);
    proc_buf_free(&out);
    proc_buf_free(&err);
    free(path);
}

/* Every class in classes has records, in summary.json and in the dump itself. */
static void check_classes(struct boot *b, json_t *trace, const char *const *classes)
{
    char *path = out_file(b, "trace.dump");
    struct trace_data d;
    struct trace_err e;
    uint64_t seen[32] = {0};

    cr_assert_eq(trace_data_load(path, &d, &e), 0, "%s", e.msg);
    for (uint32_t c = 0; c < d.ncpus; c++) {
        for (uint64_t r = 0; r < d.cpus[c].nrecords; r++) {
            seen[trace_event_by_id(d.cpus[c].recs[r].id)->cls]++;
        }
    }
    for (; *classes; classes++) {
        size_t k = 0;
        while (k < trace_class_count() && strcmp(trace_class_at(k)->name, *classes) != 0) {
            k++;
        }
        cr_assert_lt(k, trace_class_count(), "no class %s", *classes);
        cr_assert_gt(seen[trace_class_at(k)->bit], 0, "no %s record in the dump", *classes);
        cr_assert_gt(get_int(jget(trace, "per_class"), *classes), 0,
                     "summary.json counts no %s record", *classes);
    }
    trace_data_free(&d);
    free(path);
}

Test(boot, trace_fleet4, .timeout = 110)
{
    static const char *const classes[] = {"boot",      "domain",  "sched", "trap",
                                          "hypercall", "console", NULL};
    struct boot b = {0};
    json_t *t;

    boot_run("fleet4.dts", &b);
    check_fleet(b.summary, true);
    t = trace_of(&b);
    cr_assert_eq(get_int(t, "lost"), 0);
    cr_assert_gt(get_int(t, "events"), 0);
    cr_assert_eq(get_int(t, "counter_hz"), get_int(b.summary, "counter_hz"));
    cr_assert_str_eq(get_str(t, "file"), "trace.dump");
    cr_assert_not_null(strstr(b.console, "hyp: trace written: "), "%s", b.console);
    check_ctf(&b, get_int(t, "events"));
    check_perfetto(&b);
    check_classes(&b, t, classes);
    boot_free(&b, true);
}

/* --no-trace: no trace= for the hypervisor, no dump, "trace": null. */
Test(boot, no_trace, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "minimal.dts"), *dump;

    boot_run_path(path, "--no-trace", 0, &b);
    check_summary(b.summary, "hello");
    cr_assert(json_is_null(jget(b.summary, "trace")));
    cr_assert_null(strstr(b.console, "hyp: trace written"), "%s", b.console);
    cr_assert_null(strstr(b.console, "hyp: trace not written"), "%s", b.console);
    dump = out_file(&b, "trace.dump");
    cr_assert_not(fileio_is_file(dump));
    free(dump);
    free(path);
    boot_free(&b, true);
}

/* Buffers too small for the run: records are lost and counted, and the run still passes. */
Test(boot, trace_lost, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "pingpong.dts");
    json_t *t;

    boot_run_path(path, "--trace-kib=8", 0, &b);
    t = trace_of(&b);
    cr_assert_gt(get_int(t, "lost"), 0);
    cr_assert_not_null(strstr(b.console, "hyp: trace buffers: 8 KiB per pCPU"), "%s", b.console);
    free(path);
    boot_free(&b, true);
}

/* ---- scenarios/crash, pingpong, passthrough ---- */

/* One domain crashes and is restarted 3 times then halted, one is destroyed on its crash, one
 * shuts down cleanly; the run fails by design (exit 1). */
Test(boot, crash, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "crash.dts"), line[64];
    const char *destroyed;
    json_t *survivor;
    unsigned frames = 0;

    boot_run_path(path, NULL, 1, &b);
    survivor = domain_named(b.summary, "survivor");
    cr_assert_str_eq(get_str(survivor, "state"), "shutdown");
    cr_assert_str_eq(get_str(survivor, "shutdown_reason"), "poweroff");
    cr_assert_gt(get_int(survivor, "ready_ns"), 0);
    for (int i = 1; i <= 3; i++) {
        snprintf(line, sizeof(line), "hyp: dom phoenix restart %d/3\n", i);
        check_console_has(&b, line);
    }
    check_console_has(&b, "hyp: dom phoenix crashed 4 times: halted\n");
    destroyed = console_line(&b, "hyp", "dom ephemeral destroyed, ");
    cr_assert_not_null(destroyed, "%s", b.console);
    cr_assert_eq(sscanf(destroyed, "dom ephemeral destroyed, %u frames released", &frames), 1);
    cr_assert_gt(frames, 0);
    cr_assert_eq(get_int(jget(b.summary, "hypervisor"), "exit_status"), 1);
    cr_assert_eq(get_int(b.summary, "exit_status"), 0, "QEMU ends by PSCI SYSTEM_OFF either way");
    cr_assert_str_eq(get_str(b.summary, "verdict"), "fail");
    trace_of(&b);
    free(path);
    boot_free(&b, true);
}

/* summary.json's latency series of domain and series, NULL if none. */
static json_t *latency_of(json_t *s, const char *domain, const char *series)
{
    size_t i;
    json_t *l;

    json_array_foreach(jget(s, "latency"), i, l)
    {
        if (!strcmp(get_str(l, "domain"), domain) && !strcmp(get_str(l, "series"), series)) {
            return l;
        }
    }
    return NULL;
}

Test(boot, pingpong, .timeout = 110)
{
    struct boot b = {0};
    const char *rtt;
    unsigned long rounds = 0, min = 0, avg = 0, max = 0;

    boot_run("pingpong.dts", &b);
    check_fleet(b.summary, true);
    rtt = console_line(&b, "ping", "rtt_ns ");
    cr_assert_not_null(rtt, "ping printed no rtt_ns line:\n%s", b.console);
    cr_assert_eq(
        sscanf(rtt, "rtt_ns rounds=%lu min=%lu avg=%lu max=%lu", &rounds, &min, &avg, &max), 4,
        "%.80s", rtt);
    cr_assert_eq(rounds, 100);
    cr_assert_gt(min, 0);
    cr_assert(min <= avg && avg <= max, "min %lu avg %lu max %lu", min, avg, max);
    cr_assert_gt(get_int(jget(trace_of(&b), "per_class"), "evtchn"), 0);
    /* the samples behind that line, and the trace's hypercall latency, in summary.json */
    json_t *lat = latency_of(b.summary, "ping", "evtchn_rtt");
    cr_assert_not_null(lat, "no evtchn_rtt series");
    cr_assert_eq(get_int(lat, "count"), 100);
    cr_assert_float_eq(json_real_value(jget(lat, "min")), (double)min, 1e-9);
    cr_assert_float_eq(json_real_value(jget(lat, "max")), (double)max, 1e-9);
    cr_assert(json_is_real(jget(lat, "p99")), "100 samples support a p99");
    cr_assert(json_is_null(jget(lat, "p99_9")));
    lat = latency_of(b.summary, "pong", "hypercall");
    cr_assert_not_null(lat, "no trace hypercall series for pong");
    cr_assert_str_eq(get_str(lat, "source"), "trace");
    cr_assert_geq(get_int(lat, "count"), 100, "at least one send per round");
    boot_free(&b, true);
}

Test(boot, passthrough, .timeout = 110)
{
    struct boot b = {0};

    boot_run("passthrough.dts", &b);
    check_fleet(b.summary, true);
    cr_assert_not_null(console_line(&b, "owner",
                                    "PASS: the passed-through device answers (magic "
                                    "\"virt\")"),
                       "%s", b.console);
    cr_assert_not_null(console_line(&b, "neighbour",
                                    "PASS: a device passed to another domain is "
                                    "out of reach (external abort)"),
                       "%s", b.console);
    cr_assert_not_null(console_line(&b, "hyp", "dom neighbour fault data-abort ipa=0xa000000 "),
                       "%s", b.console);
    json_t *iso = jget(b.summary, "isolation");
    cr_assert_eq(get_int(iso, "leaked"), 0);
    cr_assert_eq(get_int(iso, "blocked"), 3, "owner: next page; neighbour: device, next page");
    cr_assert_null(strstr(b.console, "FAIL"), "%s", b.console);
    boot_free(&b, true);
}

/* The emulated PL011: a guest driving it like a driver sees PL011 IDs and registers, and what
 * it writes to DR reaches the console under its name. */
Test(boot, vpl011, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "vpl011.dts");

    boot_run_path(path, NULL, 0, &b);
    cr_assert_not_null(strstr(b.console, "] serial: written through the emulated PL011\n"), "%s",
                       b.console);
    cr_assert_not_null(strstr(b.console, "serial: PASS: PrimeCell ID registers read as a PL011's"),
                       "%s", b.console);
    cr_assert_null(strstr(b.console, "FAIL"), "%s", b.console);
    /* ready by the marker line alone, once, after it; the look-alike lines did not count */
    const char *marker = strstr(b.console, "] serial: tessera-ready\n");
    const char *ready = strstr(b.console, "hyp: dom serial ready via=console\n");
    cr_assert(marker && ready && marker < ready, "%s", b.console);
    cr_assert_null(strstr(ready + strlen("hyp: dom serial ready"), "dom serial ready"),
                   "ready twice:\n%s", b.console);
    const char *lookalike = strstr(b.console, "serial: tessera-rea\n");
    cr_assert(lookalike && lookalike < marker, "the look-alike line comes before the marker:\n%s",
              b.console);
    cr_assert_not_null(strstr(b.console, "serial: tessera-ready now\n"), "%s", b.console);
    cr_assert_gt(get_int(domain_named(b.summary, "serial"), "ready_ns"), 0);
    json_t *per_class = jget(jget(b.summary, "trace"), "per_class");
    cr_assert_gt(json_integer_value(jget(per_class, "mmio")), 0, "every emulated access is traced");
    free(path);
    boot_free(&b, true);
}

/* Console input: `tessera run --input` feeds the serial line; the first domain with a vPL011
 * has the focus, three Ctrl-A move it to the next, then to the hypervisor, then round to the
 * first live one. Each line reaches only the domain that had the focus, by the vPL011's
 * receive interrupt, and every character is traced. The last bytes are left's quit, so all of
 * them arrive before the run ends. */
Test(boot, uart_input, .timeout = 110)
{
    static const char *const input[] = {
        "--input-after",
        "left: listening",
        "--input",
        "hello left\\n",
        "--input-after",
        "right: listening",
        "--input",
        "\\x01\\x01\\x01hello right\\nquit\\n\\x01\\x01\\x01ignored by all\\n"
        "\\x01\\x01\\x01quit\\n",
        NULL};
    char *path = fileio_join(TESSERA_SCENARIOS, "uart-input.dts");
    struct boot b = {0};

    boot_run_args(path, "hyperlaunch", input, 0, &b);
    const char *to_left = strstr(b.console, "hyp: console input to left\n");
    const char *to_right = strstr(b.console, "hyp: console input to right\n");
    const char *to_hyp = strstr(b.console, "hyp: console input to hyp\n");
    const char *back = to_hyp ? strstr(to_hyp, "hyp: console input to left\n") : NULL;
    cr_assert(to_left && to_right && to_left < to_right && to_right < to_hyp && back, "%s",
              b.console);
    check_console_has(&b, "] left: echo: HELLO LEFT\n");
    check_console_has(&b, "] right: echo: HELLO RIGHT\n");
    cr_assert_null(strstr(b.console, "left: echo: HELLO RIGHT"), "%s", b.console);
    cr_assert_null(strstr(b.console, "right: echo: HELLO LEFT"), "%s", b.console);
    cr_assert_null(strstr(b.console, "IGNORED"), "input to the hypervisor reached a domain");
    check_console_has(&b, "left: quit after 1 lines echoed");
    check_console_has(&b, "right: quit after 1 lines echoed");
    check_console_has(&b, "left: verdict: PASS");
    check_console_has(&b, "right: verdict: PASS");
    cr_assert_null(strstr(b.console, "FAIL"), "%s", b.console);
    json_t *events = jget(jget(b.summary, "trace"), "per_event");
    cr_assert_eq(json_integer_value(jget(events, "console_rx")), 57,
                 "one console_rx record per input byte (11 + 46)");
    cr_assert_eq(json_integer_value(jget(events, "console_focus")), 3);
    free(path);
    boot_free(&b, true);
}

/* Linux's amba-pl011 driver receives by the vPL011's interrupt: a command typed into the
 * interactive shell of a Linux domain runs, and the next one powers it off. */
Test(boot, linux_input, .timeout = 110)
{
    static const char *const input[] = {"--input-after", "shell: tessera-ready", "--input",
                                        "echo hi-from-input\\n/bin/busybox poweroff -f\\n", NULL};
    char *path = data_path("linux-input.dts");
    struct boot b = {0};

    boot_run_args(path, "hyperlaunch", input, 0, &b);
    check_console_has(&b, "hyp: console input to shell\n");
    check_console_has(&b, "] shell: hi-from-input\n"); /* the output, not the tty's echo */
    check_console_has(&b, "hyp: dom shell shutdown reason=poweroff\n");
    cr_assert_null(strstr(b.console, " fault "), "%s", b.console);
    free(path);
    boot_free(&b, true);
}

/* `tessera compare` on fleet4, twice per mode: every run passes, the icount reruns are
 * identical, and compare.json / compare.md hold the three modes and the dom0 ratio. */
Test(boot, compare_fleet4, .timeout = 110)
{
    char dir[] = "/tmp/tessera-compare-XXXXXX";
    char *scenario = fileio_join(TESSERA_SCENARIOS, "fleet4.dts");
    char *argv[] = {TESSERA_EXE, "compare",  scenario,          "--repeat", "2", "--out",
                    dir,         "--images", TESSERA_IMAGE_DIR, "--quiet",  NULL};
    static const char *const modes[] = {"hyperlaunch", "dom0", "bootdomain"};
    struct proc_buf out = {0}, err = {0};
    struct herr e;
    json_error_t je;
    json_t *j, *ratio;
    char *path;
    int status;

    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(proc_capture(argv, &out, &err, &status, &e), 0, "%s", e.msg);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "tessera compare (results in %s): wait status 0x%x:\n%s\n%s", dir, status,
              out.data ? out.data : "", err.data ? err.data : "");
    cr_assert_not_null(out.data);
    cr_assert_not_null(strstr(out.data, "reruns: identical"), "%s", out.data);
    cr_assert_not_null(strstr(out.data, "all ready"), "%s", out.data);
    path = fileio_join(dir, "compare.json");
    j = json_load_file(path, 0, &je);
    cr_assert_not_null(j, "%s: %s", path, je.text);
    cr_assert_str_eq(get_str(j, "timing"), "icount");
    cr_assert_eq(json_object_size(jget(j, "modes")), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *m = jget(jget(j, "modes"), modes[i]);
        cr_assert_not_null(m, "no mode %s in compare.json", modes[i]);
        cr_assert(json_is_true(jget(m, "identical")), "%s: reruns differ", modes[i]);
        cr_assert_eq(json_integer_value(jget(m, "passed")), 2);
        /* four fleet domains, plus the control or boot domain of its mode: hypercall series */
        cr_assert_eq(json_array_size(jget(m, "latency")), i == 0 ? 4 : 5, "%s", modes[i]);
        cr_assert_eq(json_integer_value(jget(jget(m, "isolation"), "leaked")), 0);
    }
    cr_assert_not_null(strstr(out.data, "ctl hypercall (trace)"), "%s", out.data);
    ratio = jget(jget(j, "ratios"), "dom0/hyperlaunch");
    cr_assert(json_is_real(ratio) && json_real_value(ratio) > 1.0, "dom0/hyperlaunch ratio");
    free(path);
    path = fileio_join(dir, "latency-cluster-hypercall-trace.png");
    cr_assert(fileio_is_file(path), "%s missing (the cluster's hypercall histogram)", path);
    free(path);
    path = fileio_join(dir, "compare.md");
    cr_assert(fileio_is_file(path), "%s missing", path);
    free(path);
    path = fileio_join(dir, "dom0/run-2/summary.json");
    cr_assert(fileio_is_file(path), "%s missing", path);
    free(path);
    json_decref(j);
    proc_buf_free(&out);
    proc_buf_free(&err);
    free(scenario);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A dtb module: the domain boots with the device tree the scenario gives it. */
Test(boot, given_dtb, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "given-dtb.dts");

    boot_run_path(path, NULL, 0, &b);
    cr_assert_not_null(strstr(b.console, "given: bootargs: expect-name=given expect-mem-kib=2048 "
                                         "expect-cpus=1 from=dtb-module"),
                       "the guest sees the given tree's /chosen: %s", b.console);
    cr_assert_not_null(strstr(b.console, "given: verdict: PASS (0 failed)"), "%s", b.console);
    free(path);
    boot_free(&b, true);
}

/* A passthrough device's interrupt: the PL031's SPI 2 reaches the owning guest through a
 * HW-linked list register, and the trace records the physical and the injected interrupt. */
Test(boot, irq_passthrough, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "irq-passthrough.dts");

    boot_run_path(path, NULL, 0, &b);
    cr_assert_not_null(strstr(b.console, "hyp: dom clock owns SPI 2 (INTID 34), routed to pCPU 0"),
                       "%s", b.console);
    cr_assert_not_null(strstr(b.console, "clock: PASS: the RTC's interrupt arrived as INTID 34 (1 "
                                         "time)"),
                       "%s", b.console);
    json_t *events = jget(jget(b.summary, "trace"), "per_event");
    cr_assert_eq(json_integer_value(jget(events, "irq_phys")), 1);
    cr_assert_eq(json_integer_value(jget(events, "irq_inject")), 1);
    free(path);
    boot_free(&b, true);
}

/* The board path: U-Boot (Debian's u-boot-qemu) loads the hypervisor and runs booti, which
 * must leave the same entry state QEMU's direct boot does. */
Test(boot, uboot, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "minimal.dts");

    boot_run_path(path, "--board=qemu-virt-uboot", 0, &b);
    check_summary(b.summary, "hello");
    cr_assert_str_eq(get_str(b.summary, "platform"), "qemu-virt-uboot");
    cr_assert_not_null(strstr(b.console, "U-Boot "), "no U-Boot banner:\n%s", b.console);
    cr_assert_not_null(strstr(b.console, "Loading Environment from Flash... OK"),
                       "U-Boot did not take the generated environment:\n%s", b.console);
    /* U-Boot ran the generated boot.scr (as on a board), which started the hypervisor */
    cr_assert_not_null(
        strstr(b.console, "tessera: scenario minimal (hyperlaunch) on qemu-virt-uboot"),
        "the board script did not run:\n%s", b.console);
    char *scr = out_file(&b, "board/boot.scr");
    cr_assert(fileio_is_file(scr), "%s missing", scr);
    free(scr);
    json_t *hyp = jget(b.summary, "hypervisor");
    cr_assert_gt(get_int(hyp, "firmware_ns"), 0, "U-Boot ran before the hypervisor");
    cr_assert_eq(get_int(hyp, "firmware_ns"), get_int(hyp, "entry_ns"));
    cr_assert_not_null(strstr(b.console, "] hello: "), "hello printed nothing:\n%s", b.console);
    free(path);
    boot_free(&b, true);
}

/* The board-farm flow on QEMU: U-Boot takes an address by DHCP, fetches boot.scr by TFTP from
 * the run's board/ folder, and the script fetches the hypervisor, the modules and the DTB. */
Test(boot, uboot_tftp, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "minimal.dts");

    boot_run_path(path, "--board=qemu-virt-uboot-tftp", 0, &b);
    check_summary(b.summary, "hello");
    cr_assert_str_eq(get_str(b.summary, "platform"), "qemu-virt-uboot-tftp");
    cr_assert_not_null(strstr(b.console, "DHCP client bound to address 10.0.2.15"), "%s",
                       b.console);
    cr_assert_not_null(strstr(b.console, "Filename 'boot.scr'"), "%s", b.console);
    cr_assert_not_null(strstr(b.console, "Filename 'modules.bin'"), "%s", b.console);
    cr_assert_not_null(strstr(b.console, "Filename 'boot.dtb'"), "%s", b.console);
    cr_assert_null(strstr(b.console, "tessera: cannot load"), "%s", b.console);
    json_t *hyp = jget(b.summary, "hypervisor");
    cr_assert_eq(get_int(hyp, "firmware_ns"), get_int(hyp, "entry_ns"));
    free(path);
    boot_free(&b, true);
}

/* ---- scenarios/gic: the virtual platform of a two-vCPU domain ---- */

/* The values of the guest's `lat SERIES` lines. */
static size_t lat_values(const struct boot *b, const char *name, const char *series)
{
    char prefix[64];
    size_t n = 0;

    snprintf(prefix, sizeof(prefix), "] %s: lat %s ", name, series);
    for (const char *p = strstr(b->console, prefix); p; p = strstr(p + 1, prefix)) {
        const char *v = p + strlen(prefix), *eol = strchr(v, '\n');
        while (v && (!eol || v < eol)) {
            char *end;
            unsigned long long x = strtoull(v, &end, 10);
            cr_assert_neq(end, v, "a lat value is not a number: %.60s", v);
            cr_assert_gt(x, 0);
            n++;
            v = *end == ' ' ? end + 1 : NULL;
        }
    }
    return n;
}

/* The guest probes its GICD and GICR frames, takes 20 virtual timer interrupts, starts its
 * vCPU 1 with PSCI CPU_ON and bounces SGIs with it; the trace shows each mechanism. */
Test(boot, gic, .timeout = 110)
{
    struct boot b = {0};

    boot_run("gic.dts", &b);
    check_summary(b.summary, "gic");
    check_console_has(&b, "] gic: verdict: PASS (0 failed)\n");
    cr_assert_null(strstr(b.console, "FAIL"), "%s", b.console);
    cr_assert_not_null(console_line(&b, "hyp", "dom gic vcpu 0 entry pc=0x40000000"), "%s",
                       b.console);
    cr_assert_not_null(console_line(&b, "hyp", "dom gic vcpu 1 entry pc="), "%s", b.console);
    check_console_has(&b, "] gic: vtimer: 20 interrupts\n");
    check_console_has(&b, "] gic: PASS: GICR1_TYPER: affinity 1, processor 1, Last\n");
    check_console_has(&b, "] gic: PASS: GICR_WAKER: awake once ProcessorSleep is cleared\n");
    check_console_has(&b, "] gic: PASS: an SPI the domain does not own reads as zero");
    check_console_has(&b, "] gic: PASS: AFFINITY_INFO: vCPU 1 off after its CPU_OFF\n");
    check_console_has(&b, "] gic: PASS: SGIs between vCPU 0 and vCPU 1, each delivered once\n");
    cr_assert_eq(lat_values(&b, "gic", "vtimer"), 20, "20 timer latency samples");
    cr_assert_eq(lat_values(&b, "gic", "sgi_rtt"), 10, "10 SGI round trips");
    cr_assert_eq(per_event(&b, "vtimer_fire"), 20);
    cr_assert_eq(per_event(&b, "psci_cpu_on"), 1);
    cr_assert_eq(per_event(&b, "psci_cpu_off"), 1);
    cr_assert_geq(per_event(&b, "vgic_sgi"), 2 * 10 + 1 + 8 + 1, "pings, pongs, IRM, flood, held");
    cr_assert_gt(per_event(&b, "vgic_lr"), 0);
    cr_assert_gt(per_event(&b, "sched_block"), 0, "WFI blocks the vCPU");
    cr_assert_gt(per_event(&b, "mmio"), 0, "GICD/GICR accesses are emulated and traced");
    boot_free(&b, true);
}

/* More pending than list registers (4 on QEMU): the 8 SGIs the guest pends on itself with
 * interrupts masked all arrive, once each and most urgent first, through the maintenance
 * interrupt that refills the list registers. */
Test(boot, gic_lr_overflow, .timeout = 110)
{
    struct boot b = {0};

    boot_run("gic.dts", &b);
    check_console_has(&b, "] gic: flood: 8 delivered, first 15 last 8\n");
    check_console_has(&b, "] gic: PASS: 8 SGIs pending at once over 4 list registers: each "
                          "delivered once, by priority\n");
    check_console_has(&b, "] gic: PASS: a disabled SGI is not delivered\n");
    cr_assert_gt(per_event(&b, "irq_lr_overflow"), 0);
    cr_assert_gt(per_event(&b, "vgic_maint"), 0);
    boot_free(&b, true);
}

/* A two-vCPU domain crashes while its vCPU 1 runs: each restart takes vCPU 1 off its pCPU
 * before rebuilding the domain, and the guest brings it up again; after three restarts the
 * domain is halted and the run fails by design (exit 1), with no hypervisor fault. */
Test(boot, smp_crash, .timeout = 110)
{
    struct boot b = {0};
    char *path = data_path("smp-crash.dts");
    unsigned entries = 0;

    boot_run_path(path, NULL, 1, &b);
    for (const char *p = b.console; (p = strstr(p, "hyp: dom phoenix vcpu 1 entry pc=")); p++) {
        entries++;
    }
    cr_assert_eq(entries, 4, "vCPU 1 started by each incarnation:\n%s", b.console);
    check_console_has(&b, "hyp: dom phoenix restart 3/3\n");
    check_console_has(&b, "hyp: dom phoenix crashed 4 times: halted\n");
    cr_assert_null(strstr(b.console, "FATAL"), "%s", b.console);
    cr_assert_eq(get_int(jget(b.summary, "hypervisor"), "exit_status"), 1);
    cr_assert_eq(per_event(&b, "psci_cpu_on"), 4);
    free(path);
    boot_free(&b, true);
}

/* ---- unmodified Linux (Debian's arm64 kernel, busybox initramfs) ---- */

/* A Linux domain's /init line: "tessera-linux: init uptime=U cpus=N kernel=K"; N, or -1. */
static int linux_cpus(const struct boot *b, const char *dom)
{
    const char *line = console_line(b, dom, "tessera-linux: init uptime=");
    const char *c = line ? strstr(line, " cpus=") : NULL;
    return c ? atoi(c + 6) : -1;
}

/* linux-pair: both Linux domains bring up both their vCPUs, reach /init and declare themselves
 * ready with the console marker; the bare-metal rt guest passes; a rerun repeats every time. */
Test(boot, linux_pair, .timeout = 240)
{
    struct boot a = {0}, b = {0};
    static const char *const doms[] = {"linux1", "linux2"};
    json_int_t na[32], nb[32];
    size_t n1 = 0, n2 = 0;

    boot_run("linux-pair.dts", &a);
    check_fleet(a.summary, true);
    for (size_t i = 0; i < 2; i++) {
        char want[64];
        cr_assert_eq(linux_cpus(&a, doms[i]), 2, "%s: /proc/cpuinfo count:\n%s", doms[i],
                     a.console);
        snprintf(want, sizeof(want), "hyp: dom %s ready via=console\n", doms[i]);
        check_console_has(&a, want);
        snprintf(want, sizeof(want), "hyp: dom %s vcpu 1 entry", doms[i]);
        check_console_has(&a, want);
        json_t *d = domain_named(a.summary, doms[i]);
        cr_assert_str_eq(get_str(jget(d, "kernel"), "format"), "image");
        cr_assert_str_eq(get_str(d, "shutdown_reason"), "poweroff");
    }
    cr_assert_null(strstr(a.console, " fault "), "a domain was refused something:\n%s", a.console);
    boot_run("linux-pair.dts", &b);
    numbers(a.summary, na, &n1);
    numbers(b.summary, nb, &n2);
    cr_assert_eq(n1, n2);
    for (size_t i = 0; i < n1; i++) {
        cr_assert_eq(na[i], nb[i], "number %zu differs between reruns", i);
    }
    boot_free(&a, true);
    boot_free(&b, true);
}

/* A Linux domain that panics (sysrq c) and asks for a reset is destroyed by its on-crash
 * policy; the other Linux domain and the bare-metal one run to the end untouched. */
Test(boot, linux_panic, .timeout = 240)
{
    struct boot b = {0};
    char *path = data_path("linux-panic.dts");

    boot_run_path(path, NULL, 1, &b);
    check_console_has(&b, "doomed: tessera-linux: panicking on purpose (sysrq c)\n");
    cr_assert_not_null(strstr(b.console, "doomed: [") &&
                           strstr(b.console, "Kernel panic - not syncing: sysrq triggered crash"),
                       "%s", b.console);
    check_console_has(&b, "hyp: dom doomed shutdown reason=reboot\n");
    cr_assert_not_null(strstr(b.console, "hyp: dom doomed destroyed"), "%s", b.console);
    check_console_has(&b, "hyp: dom steady ready via=console\n");
    check_console_has(&b, "hyp: dom steady shutdown reason=poweroff\n");
    check_console_has(&b, "hyp: dom rt shutdown reason=poweroff\n");
    cr_assert_eq(linux_cpus(&b, "steady"), 2);
    cr_assert_null(strstr(b.console, "FATAL"), "%s", b.console);
    cr_assert_eq(get_int(jget(b.summary, "hypervisor"), "exit_status"), 1,
                 "a destroyed domain did not power off");
    free(path);
    boot_free(&b, true);
}

/* The Linux Dom0 flavour: Debian's kernel as the control domain, whose /init runs
 * tessera-toolstack; it reads the fleet through /dev/mem and builds every other domain through
 * the control window's doorbell; the cluster is ready before infotainment starts. */
Test(boot, automotive_linux_dom0, .timeout = 240)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "automotive.dts");
    static const char *const fleet[] = {"rt", "cluster", "infotainment"};

    boot_run_mode(path, "dom0", NULL, 0, &b);
    check_console_has(&b, "dom0: tessera-toolstack: 5 domains in the fleet, 5 modules read "
                          "through /dev/mem\n");
    check_console_has(&b, "dom0: verdict: PASS (3 domains created)\n");
    check_console_has(&b, "hyp: dom dom0 ready via=console\n");
    for (size_t i = 0; i < 3; i++) {
        json_t *d = domain_named(b.summary, fleet[i]);
        cr_assert_gt(get_int(d, "ready_ns"),
                     get_int(domain_named(b.summary, "dom0"), "first_instr_ns"), "%s", fleet[i]);
    }
    cr_assert_lt(get_int(domain_named(b.summary, "cluster"), "ready_ns"),
                 get_int(domain_named(b.summary, "infotainment"), "first_instr_ns"),
                 "infotainment starts only once the cluster is ready");
    cr_assert_eq(linux_cpus(&b, "infotainment"), 2);
    cr_assert_eq(linux_cpus(&b, "dom0"), 1);
    /* every domctl of the Linux toolstack went through the doorbell */
    cr_assert_geq(per_event(&b, "ctlwin_call"), 3 * 3, "create, loads, vCPUs, unpause per domain");
    cr_assert_eq(per_event(&b, "domctl_denied"), 0);
    cr_assert_null(strstr(b.console, " fault "), "%s", b.console);
    free(path);
    boot_free(&b, true);
}

/* Under icount every instruction is time: the hypervisor's work must not depend on the results
 * folder, whose name is in the trace path it writes (dom0 mode also writes a snapshot). */
Test(boot, numbers_do_not_depend_on_the_results_folder, .timeout = 110)
{
    char base[] = "/tmp/tessera-path-XXXXXX", longer[256];
    char *path = fileio_join(TESSERA_SCENARIOS, "fleet4.dts");
    json_int_t na[64], nb[64];
    size_t n1 = 0, n2 = 0;
    json_t *s[2];

    cr_assert_not_null(mkdtemp(base));
    snprintf(longer, sizeof(longer), "%s/a/much/longer/results/folder/name/than/the/first", base);
    const char *outs[2] = {base, longer};
    for (int i = 0; i < 2; i++) {
        char *argv[] = {TESSERA_EXE, "run",           path,       "--mode",          "dom0",
                        "--out",     (char *)outs[i], "--images", TESSERA_IMAGE_DIR, "--quiet",
                        NULL};
        struct proc_buf out = {0}, err = {0};
        struct herr e;
        json_error_t je;
        int status;
        cr_assert_eq(proc_capture(argv, &out, &err, &status, &e), 0, "%s", e.msg);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", err.data ? err.data : "");
        char *sum = fileio_join(outs[i], "summary.json");
        s[i] = json_load_file(sum, 0, &je);
        cr_assert_not_null(s[i], "%s", je.text);
        free(sum);
        proc_buf_free(&out);
        proc_buf_free(&err);
    }
    numbers(s[0], na, &n1);
    numbers(s[1], nb, &n2);
    cr_assert_eq(n1, n2);
    for (size_t i = 0; i < n1; i++) {
        cr_assert_eq(na[i], nb[i], "number %zu differs with a longer results folder", i);
    }
    json_decref(s[0]);
    json_decref(s[1]);
    nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(path);
}
