/* The trace side of `tessera run`: the hypervisor is asked for its dump as framed lines on its
 * console (/chosen/tessera,trace = "uart"); after the run the dumps are taken from the
 * hypervisor's lines of console.log into trace.dump (and trace.dump.N for snapshots), loaded,
 * converted with `tessera trace`'s own code (trace_cmd_write) and summarised as summary.json's
 * "trace". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/run_trace.h>
#include <tessera/harness/timeline.h>
#include <tessera/harness/trace_cmd.h>

static const char *const run_trace_files[] = {RUN_TRACE_DUMP, RUN_TRACE_CTF, RUN_TRACE_PERFETTO,
                                              RUN_TRACE_STATS};

/* Removes the trace files of an earlier run, so that none of them outlives its run. */
static int run_trace_clean(const char *out_dir, struct herr *e)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < sizeof(run_trace_files) / sizeof(run_trace_files[0]); i++) {
        char *path = fileio_join(out_dir, run_trace_files[i]);
        rc = path ? fileio_remove_tree(path, e) : herr_set(e, -ENOMEM, "out of memory");
        free(path);
    }
    /* Snapshots a control domain asked for (HC_TRACE_DUMP) are trace.dump.1, .2, ... */
    for (unsigned n = 1; rc == 0 && n <= RUN_TRACE_MAX_SNAPSHOTS; n++) {
        char name[64];
        snprintf(name, sizeof(name), "%s.%u", RUN_TRACE_DUMP, n);
        char *path = fileio_join(out_dir, name);
        rc = path ? fileio_remove_tree(path, e) : herr_set(e, -ENOMEM, "out of memory");
        free(path);
    }
    return rc;
}

int run_trace_prepare(struct run_trace *t, const char *out_dir, bool on, unsigned kib,
                      struct herr *e)
{
    int rc;

    t->on = on;
    t->kib = kib;
    if (!(t->out_dir = strdup(out_dir))) {
        return herr_set(e, -ENOMEM, "out of memory");
    }
    if ((rc = run_trace_clean(out_dir, e)) || !on) {
        return rc;
    }
    t->dump = fileio_join(out_dir, RUN_TRACE_DUMP);
    return t->dump ? 0 : herr_set(e, -ENOMEM, "out of memory");
}

int run_trace_bootargs(const struct run_trace *t, char *buf, size_t len)
{
    size_t used = strlen(buf);
    int n = 0;

    if (t->on && t->kib) {
        n = snprintf(buf + used, len - used, " trace-kib=%u", t->kib);
    }
    return n < 0 || (size_t)n >= len - used ? -ENOSPC : 0;
}

/* ---- after the run ---- */

/* Sets key to value (a new reference); false if either is missing. */
static bool run_trace_set(json_t *obj, const char *key, json_t *value)
{
    if (!obj || !value) {
        json_decref(value);
        return false;
    }
    return json_object_set_new(obj, key, value) == 0;
}

static json_t *run_trace_u64(const struct trace_data *d, uint64_t v)
{
    return d ? json_integer((json_int_t)v) : json_null();
}

/* Records per class, every class of events.def (0 for those the run did not exercise). */
static json_t *run_trace_classes(const struct trace_report *r)
{
    json_t *j = json_object();

    for (size_t c = 0; j && c < trace_class_count(); c++) {
        const struct trace_class_info *ci = trace_class_at(c);
        json_int_t n = 0;
        for (size_t i = 0; i < trace_event_count(); i++) {
            const struct trace_event_info *ev = trace_event_at(i);
            n += ev->cls == ci->bit ? (json_int_t)r->counts[ev->id] : 0;
        }
        if (!run_trace_set(j, ci->name, json_integer(n))) {
            json_decref(j);
            return NULL;
        }
    }
    return j;
}

/* Records per event, every event of events.def. */
static json_t *run_trace_events(const struct trace_report *r)
{
    json_t *j = json_object();

    for (size_t i = 0; j && i < trace_event_count(); i++) {
        const struct trace_event_info *ev = trace_event_at(i);
        if (!run_trace_set(j, ev->name, json_integer((json_int_t)r->counts[ev->id]))) {
            json_decref(j);
            return NULL;
        }
    }
    return j;
}

/* "trace" of summary.json with what is known so far: d and r may be NULL (no dump); the
 * outputs and the error are filled in later. */
static json_t *run_trace_json(const struct trace_data *d, const struct trace_report *r)
{
    json_t *j = json_object();

    if (run_trace_set(j, "file", json_string(RUN_TRACE_DUMP)) &&
        run_trace_set(j, "events", run_trace_u64(d, d ? d->nrecords : 0)) &&
        run_trace_set(j, "lost", run_trace_u64(d, d ? d->lost : 0)) &&
        run_trace_set(j, "counter_hz", run_trace_u64(d, d ? d->counter_hz : 0)) &&
        run_trace_set(j, "cpus", run_trace_u64(d, d ? d->ncpus : 0)) &&
        run_trace_set(j, "per_class", r ? run_trace_classes(r) : json_null()) &&
        run_trace_set(j, "per_event", r ? run_trace_events(r) : json_null()) &&
        run_trace_set(j, "ctf", json_null()) && run_trace_set(j, "perfetto", json_null()) &&
        run_trace_set(j, "stats", json_null()) && run_trace_set(j, "error", json_null())) {
        return j;
    }
    json_decref(j);
    return NULL;
}

/* Records what went wrong as t->result's error (the first one) and, when explain, as a reason
 * of the verdict. Returns false. */
static bool run_trace_fail(struct run_trace *t, bool explain, struct strvec *reasons,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static bool run_trace_fail(struct run_trace *t, bool explain, struct strvec *reasons,
                           const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (t->result && json_is_null(json_object_get(t->result, "error"))) {
        json_object_set_new(t->result, "error", json_string(msg));
    }
    if (explain) {
        strvec_pushf(reasons, "trace: %s", msg);
    }
    return false;
}

/* The hypervisor's last word on the dump ("trace not written: ...", "trace write FAILED: ..."),
 * or NULL if it printed none. */
static const char *run_trace_said(const struct clog *log)
{
    const char *lines[CLOG_TAIL], *hit = NULL;
    unsigned n = clog_tail_lines(&log->hyp_tail, lines);

    for (unsigned i = 0; i < n; i++) {
        const char *s = strstr(lines[i], "hyp: trace ");
        hit = s ? s + strlen("hyp: ") : hit;
    }
    return hit;
}

/* One output: o names it, key is its summary.json key and name its file name. */
static bool run_trace_output(struct run_trace *t, const struct trace_data *d,
                             const struct trace_cmd_out *o, const char *key, const char *name)
{
    struct trace_err e;

    if (trace_cmd_write(d, o, NULL, &e) != 0) {
        json_object_set_new(t->result, "error", json_string(e.msg));
        return false;
    }
    json_object_set_new(t->result, key, json_string(name));
    return true;
}

/* trace-stats.txt, with the statistics into r; false (r empty) if they could not be written. */
static bool run_trace_stats(struct run_trace *t, const struct trace_data *d, struct trace_report *r,
                            struct trace_err *e)
{
    char *path = fileio_join(t->out_dir, RUN_TRACE_STATS);
    FILE *f = path ? fopen(path, "w") : NULL;
    struct trace_cmd_out o = {.stats = f};
    int rc = f ? trace_cmd_write(d, &o, r, e) : trace_err_set(e, -EIO, "cannot create %s", path);

    if (f && fclose(f) != 0 && rc == 0) {
        trace_report_free(r);
        rc = trace_err_set(e, -EIO, "cannot write %s", path);
    }
    free(path);
    return rc == 0;
}

/* trace.ctf/ and trace.json; false after the first that fails (its message in the error). */
static bool run_trace_views(struct run_trace *t, const struct trace_data *d)
{
    char *ctf = fileio_join(t->out_dir, RUN_TRACE_CTF);
    char *json = fileio_join(t->out_dir, RUN_TRACE_PERFETTO);
    struct trace_cmd_out oc = {.ctf = ctf}, op = {.perfetto = json};
    bool ok = ctf && json && run_trace_output(t, d, &oc, "ctf", RUN_TRACE_CTF) &&
              run_trace_output(t, d, &op, "perfetto", RUN_TRACE_PERFETTO);

    free(ctf);
    free(json);
    return ok;
}

/* The trace's latency pairs as series of m: "hypercall" and "irq_forward" per domain; none when
 * the trace lost records. */
static int run_trace_latency(const struct trace_data *d, struct metrics *m)
{
    static const char *const series[] = {
        [TRACE_PAIR_HYPERCALL] = "hypercall", [TRACE_PAIR_IRQ_FORWARD] = "irq_forward"};
    struct trace_pairs *p;
    const struct trace_record **all;
    size_t n;
    int rc;

    if (d->lost > 0) {
        return 0; /* pairs across a gap would be wrong, and the samples biased */
    }
    p = calloc(1, sizeof(*p));
    all = trace_data_merge(d, &n);
    rc = p && all ? 0 : -ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        struct trace_pair pair;
        char fallback[24];
        const char *dom;
        if ((rc = trace_pairs_feed(p, d, all[i], &pair)) <= 0) {
            continue;
        }
        if (!(dom = trace_data_domain_name(d, pair.domid_vcpu >> 16))) {
            snprintf(fallback, sizeof(fallback), "dom%llu",
                     (unsigned long long)(pair.domid_vcpu >> 16));
            dom = fallback;
        }
        rc = metrics_add(m, dom, series[pair.kind], "trace", (double)pair.ns);
    }
    if (p) {
        trace_pairs_finish(p);
    }
    free(p);
    free(all);
    return rc < 0 ? rc : 0;
}

/* A dump that loaded: statistics, summary, CTF and Perfetto. */
static bool run_trace_convert(struct run_trace *t, const struct trace_data *d, struct clog *log,
                              bool explain, struct strvec *reasons)
{
    struct trace_report r;
    struct trace_err e;
    bool have_stats = run_trace_stats(t, d, &r, &e);

    t->result = run_trace_json(d, have_stats ? &r : NULL);
    if (have_stats) {
        trace_report_free(&r);
        json_object_set_new(t->result, "stats", json_string(RUN_TRACE_STATS));
    } else {
        return run_trace_fail(t, explain, reasons, "%s", e.msg);
    }
    timeline_from_trace(d, log);
    if (run_trace_latency(d, &log->metrics)) {
        return run_trace_fail(t, explain, reasons, "out of memory pairing latencies");
    }
    if (!run_trace_views(t, d)) {
        json_t *err = json_object_get(t->result, "error");
        return run_trace_fail(t, explain, reasons, "%s", err ? json_string_value(err) : "?");
    }
    return true;
}

/* Writes the framed dump numbered n of the console log (text) to path; -ENOENT if the
 * hypervisor's lines hold none. */
static int run_trace_extract(const char *text, size_t len, unsigned n, const char *path,
                             struct trace_err *e)
{
    struct herr he;
    void *dump;
    size_t dump_len;
    int rc = trace_uart_decode_dump(text, len, n, &dump, &dump_len, e);

    if (rc) {
        return rc;
    }
    if (fileio_write(path, dump, dump_len, &he) != 0) {
        rc = trace_err_set(e, -EIO, "%s", he.msg);
    }
    free(dump);
    return rc;
}

/* The snapshots a control domain asked for: dumps 1, 2, ... of the log, into trace.dump.N. A
 * damaged one is a failure like a damaged final dump. */
static bool run_trace_snapshots(struct run_trace *t, const char *text, size_t len, bool explain,
                                struct strvec *reasons)
{
    bool ok = true;

    for (unsigned n = 1; n <= RUN_TRACE_MAX_SNAPSHOTS; n++) {
        char name[64];
        struct trace_err e;
        snprintf(name, sizeof(name), "%s.%u", RUN_TRACE_DUMP, n);
        char *path = fileio_join(t->out_dir, name);
        int rc = path ? run_trace_extract(text, len, n, path, &e) : -ENOMEM;
        free(path);
        if (rc == -ENOENT) {
            break;
        }
        if (rc) {
            ok = run_trace_fail(t, explain, reasons, "snapshot %u in %s: %s", n, RUN_CONSOLE_LOG,
                                rc == -ENOMEM ? "out of memory" : e.msg);
        }
    }
    return ok;
}

/* The final dump (number 0) from the hypervisor's lines of console.log into trace.dump, the
 * snapshots into trace.dump.N. */
static bool run_trace_from_console(struct run_trace *t, const struct clog *log, bool explain,
                                   struct strvec *reasons)
{
    char *console = fileio_join(t->out_dir, RUN_CONSOLE_LOG), *text = NULL;
    struct herr he;
    struct trace_err e;
    size_t len = 0;
    const char *said;
    int rc = console ? fileio_read(console, (void **)&text, &len, &he) : -ENOMEM;
    bool ok;

    free(console);
    if (rc) {
        return run_trace_fail(t, explain, reasons, "%s", rc == -ENOMEM ? "out of memory" : he.msg);
    }
    rc = run_trace_extract(text, len, 0, t->dump, &e);
    ok = run_trace_snapshots(t, text, len, explain, reasons);
    free(text);
    if (rc == -ENOENT) {
        said = run_trace_said(log);
        return run_trace_fail(t, explain, reasons, "no dump in %s: %s%s%s", RUN_CONSOLE_LOG,
                              said ? "the hypervisor said '" : "the hypervisor did not say why",
                              said ? said : "", said ? "'" : "");
    }
    if (rc) {
        return run_trace_fail(t, explain, reasons, "the dump in %s is damaged: %s", RUN_CONSOLE_LOG,
                              e.msg);
    }
    return ok;
}

bool run_trace_collect(struct run_trace *t, struct clog *log, bool explain, struct strvec *reasons)
{
    struct trace_data d;
    struct trace_err e;
    bool ok;

    if (!t->on) {
        return true;
    }
    t->result = run_trace_json(NULL, NULL);
    if (!run_trace_from_console(t, log, explain, reasons) && !fileio_is_file(t->dump)) {
        return false;
    }
    if (trace_data_load(t->dump, &d, &e) != 0) {
        return run_trace_fail(t, explain, reasons, "the dump is unreadable: %s", e.msg);
    }
    /* A damaged snapshot leaves its error in the result and the final dump is still converted. */
    json_t *early = json_incref(json_object_get(t->result, "error"));
    json_decref(t->result);
    ok = run_trace_convert(t, &d, log, explain, reasons);
    if (!json_is_null(early) && t->result) {
        json_object_set(t->result, "error", early);
        ok = false;
    }
    json_decref(early);
    trace_data_free(&d);
    return ok;
}

void run_trace_free(struct run_trace *t)
{
    free(t->out_dir);
    free(t->dump);
    json_decref(t->result);
    t->out_dir = t->dump = NULL;
    t->result = NULL;
}
