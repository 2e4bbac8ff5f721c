/* The results of one run: summary.json (DESIGN §4.5, jansson), report.md and the human summary.
 * Domains come from the manifest, times from the console; unknown times are null. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/summary.h>

/* Sets key to value (a new reference, may be NULL after an allocation failure); false if either
 * the object or the value is missing, so a chain of sets fails as a whole. */
static bool summary_set(json_t *obj, const char *key, json_t *value)
{
    if (!obj || !value) {
        json_decref(value);
        return false;
    }
    return json_object_set_new(obj, key, value) == 0;
}

static json_t *summary_ns(int64_t ns)
{
    return ns == CLOG_NONE ? json_null() : json_integer(ns);
}

static json_t *summary_str(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static const struct clog_domain *summary_find(const struct clog *log, const char *name)
{
    long i = clog_find(log, name);
    return i < 0 ? NULL : &log->dom[i];
}

/* The domain's state at the end of the run, or NULL if it was never created. */
static const char *summary_state(const struct clog_domain *d)
{
    if (!d) {
        return NULL;
    }
    if (d->shutdown_ns != CLOG_NONE) {
        return strcmp(d->shutdown_reason, "crash") == 0 ? "crashed" : "shutdown";
    }
    if (d->first_instr_ns != CLOG_NONE || d->first_output_ns != CLOG_NONE) {
        return "running"; /* entered, or it could not have printed */
    }
    /* Built ("created" is printed once construction is over), not entered yet. */
    return d->created_ns != CLOG_NONE ? "paused" : NULL;
}

/* A module record: {format (kernel only), placement, bytes, entry | ipa}, or null if the
 * hypervisor never reported it. */
static json_t *summary_module(const struct clog_module *m, bool kernel)
{
    json_t *j;

    if (!m || !m->seen) {
        return json_null();
    }
    j = json_object();
    if ((!kernel || summary_set(j, "format", json_string(m->format))) &&
        summary_set(j, "placement", json_string(m->mapped ? "mapped" : "copied")) &&
        summary_set(j, "bytes", json_integer((json_int_t)m->bytes)) &&
        summary_set(j, kernel ? "entry" : "ipa", json_integer((json_int_t)m->addr))) {
        return j;
    }
    json_decref(j);
    return NULL;
}

/* The names of the domains sd waits for (start-after). */
static json_t *summary_after(const struct scenario_domain *sd)
{
    json_t *a = json_array();

    for (unsigned i = 0; a && i < sd->nafter; i++) {
        if (json_array_append_new(a, json_string(sd->after[i]))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* The domain's part in the launch: the fleet proper, or the helper of one mode. */
static const char *summary_role(unsigned roles)
{
    return roles & SCENARIO_ROLE_CONTROL ? "control"
           : roles & SCENARIO_ROLE_BOOT  ? "boot"
                                         : "fleet";
}

static json_t *summary_domain(const struct scenario_domain *sd, const struct clog_domain *d)
{
    json_t *j = json_object();

    if (summary_set(j, "id", sd->id < 0 ? json_null() : json_integer(sd->id)) &&
        summary_set(j, "name", json_string(sd->name)) &&
        summary_set(j, "role", json_string(summary_role(sd->roles))) &&
        summary_set(j, "start_after", summary_after(sd)) &&
        summary_set(j, "created_ns", summary_ns(d ? d->created_ns : CLOG_NONE)) &&
        summary_set(j, "build_ns", summary_ns(d ? d->build_ns : CLOG_NONE)) &&
        summary_set(j, "first_instr_ns", summary_ns(d ? d->first_instr_ns : CLOG_NONE)) &&
        summary_set(j, "first_output_ns", summary_ns(d ? d->first_output_ns : CLOG_NONE)) &&
        summary_set(j, "ready_ns", summary_ns(d ? d->ready_ns : CLOG_NONE)) &&
        summary_set(j, "state", summary_str(summary_state(d))) &&
        summary_set(j, "shutdown_reason", summary_str(d ? d->shutdown_reason : NULL)) &&
        summary_set(j, "faults", json_integer(d ? d->faults : 0)) &&
        summary_set(j, "kernel", summary_module(d ? &d->kernel : NULL, true)) &&
        summary_set(j, "ramdisk", summary_module(d ? &d->ramdisk : NULL, false))) {
        return j;
    }
    json_decref(j);
    return NULL;
}

/* True if the i-th manifest domain is built in this run's launch mode. */
static bool summary_in_mode(const struct summary_input *in, size_t i)
{
    return scenario_in_mode(in->domains->v[i].roles, in->mode);
}

/* Names of the manifest domains this launch mode does not build. */
static json_t *summary_not_in_mode(const struct summary_input *in)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < in->domains->n; i++) {
        if (!summary_in_mode(in, i) &&
            json_array_append_new(a, json_string(in->domains->v[i].name))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

/* Latest ready_ns of the mode's domains if all became ready, else CLOG_NONE. */
static int64_t summary_all_ready(const struct summary_input *in)
{
    int64_t all = CLOG_NONE;

    for (size_t i = 0; i < in->domains->n; i++) {
        const struct clog_domain *d = summary_find(in->log, in->domains->v[i].name);
        if (!summary_in_mode(in, i)) {
            continue;
        }
        if (!d || d->ready_ns == CLOG_NONE) {
            return CLOG_NONE;
        }
        all = d->ready_ns > all ? d->ready_ns : all;
    }
    return all;
}

static json_t *summary_domains(const struct summary_input *in)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < in->domains->n; i++) {
        const struct scenario_domain *sd = &in->domains->v[i];
        if (summary_in_mode(in, i) &&
            json_array_append_new(a, summary_domain(sd, summary_find(in->log, sd->name)))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *summary_strings(const struct strvec *sv)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < sv->n; i++) {
        if (json_array_append_new(a, json_string(sv->v[i]))) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *summary_hypervisor(const struct summary_input *in)
{
    const struct clog *log = in->log;
    json_t *j = json_object();

    /* Reset to hypervisor entry is firmware time (U-Boot), else QEMU jumps straight in: 0. */
    if (summary_set(j, "entry_ns", summary_ns(log->entry_ns)) &&
        summary_set(j, "firmware_ns", in->firmware ? summary_ns(log->entry_ns) : json_integer(0)) &&
        summary_set(j, "init_done_ns", summary_ns(log->init_done_ns)) &&
        summary_set(j, "exit_status",
                    log->have_exit ? json_integer(log->exit_status) : json_null()) &&
        summary_set(j, "fatal", summary_str(log->fatal)) &&
        summary_set(j, "dom0less_domains",
                    log->dom0less < 0 ? json_null() : json_integer(log->dom0less))) {
        return j;
    }
    json_decref(j);
    return NULL;
}

static json_t *summary_console(const struct clog *log)
{
    json_t *j = json_object();

    if (summary_set(j, "lines", json_integer((json_int_t)log->lines)) &&
        summary_set(j, "malformed", json_integer((json_int_t)log->malformed))) {
        return j;
    }
    json_decref(j);
    return NULL;
}

static json_t *summary_provenance(const struct summary_input *in)
{
    json_t *p = json_object();

    char date[32];
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (summary_set(p, "commit", json_string(in->commit)) &&
        summary_set(p, "qemu_version", json_string(in->qemu_version)) &&
        summary_set(p, "flags", summary_strings(in->flags)) &&
        summary_set(p, "command", summary_str(in->command)) &&
        summary_set(p, "date", json_string(date))) {
        return p;
    }
    json_decref(p);
    return NULL;
}

/* The form of the scenario's manifest, as named in summary.json. */
static const char *summary_kind(enum scenario_kind k)
{
    return k == SCENARIO_DOM0LESS ? "xen-dom0less" : "tessera";
}

/* "seed": the run's entropy seed as a 0x-prefixed hex string (JSON integers stop at 2^63). */
static bool summary_seed(json_t *j, uint64_t seed)
{
    char hex[24];

    snprintf(hex, sizeof(hex), "0x%016" PRIx64, seed);
    return summary_set(j, "seed", json_string(hex));
}

/* scenario, mode, platform, timing, seed, counter_hz and provenance. */
static bool summary_header(json_t *j, const struct summary_input *in)
{
    const struct clog *log = in->log;

    return summary_set(j, "scenario", json_string(in->scenario)) &&
           summary_set(j, "scenario_file", json_string(in->scenario_file)) &&
           summary_set(j, "manifest", json_string(summary_kind(in->domains->kind))) &&
           summary_set(j, "mode", json_string(in->mode)) &&
           summary_set(j, "backend", json_string(in->backend ? in->backend : "tessera")) &&
           summary_set(j, "platform", json_string(in->platform)) &&
           summary_set(j, "timing", json_string(in->timing)) && summary_seed(j, in->seed) &&
           summary_set(j, "counter_hz",
                       log->have_entry ? json_integer((json_int_t)log->counter_hz) : json_null()) &&
           summary_set(j, "provenance", summary_provenance(in));
}

/* Guest actions the hypervisor refused ("dom NAME fault" lines), over every domain. */
static unsigned long summary_faults(const struct clog *log)
{
    unsigned long faults = 0;

    for (size_t i = 0; i < log->ndom; i++) {
        faults += log->dom[i].faults;
    }
    return faults;
}

/* The guests' probe outcomes and the hypervisor's count of actions it refused. */
static json_t *summary_isolation(const struct clog *log)
{
    return metrics_isolation_json(&log->metrics, summary_faults(log));
}

/* Latency and isolation in the reports, when the run produced any. */
static void summary_metrics_text(const struct clog *log, bool md, int width, FILE *out)
{
    if (log->metrics.ns || log->metrics.np) {
        metrics_print(&log->metrics, summary_faults(log), md, width, out);
    }
}

/* Measurements, then the outcome. */
static bool summary_body(json_t *j, const struct summary_input *in)
{
    return summary_set(j, "hypervisor", summary_hypervisor(in)) &&
           summary_set(j, "domains", summary_domains(in)) &&
           summary_set(j, "not_in_mode", summary_not_in_mode(in)) &&
           summary_set(j, "all_ready_ns", summary_ns(summary_all_ready(in))) &&
           summary_set(j, "timeline", json_string(in->log->timeline_trace ? "trace" : "console")) &&
           summary_set(j, "isolation", summary_isolation(in->log)) &&
           summary_set(j, "latency", metrics_latency_json(&in->log->metrics)) &&
           summary_set(j, "trace", in->trace ? json_incref(in->trace) : json_null()) &&
           summary_set(j, "console", summary_console(in->log)) &&
           summary_set(j, "exit_status",
                       in->qemu_exited ? json_integer(in->qemu_exit_status) : json_null()) &&
           summary_set(j, "verdict", json_string(in->pass ? "pass" : "fail")) &&
           summary_set(j, "reasons", summary_strings(in->reasons));
}

json_t *summary_json(const struct summary_input *in)
{
    json_t *j = json_object();

    if (summary_header(j, in) && summary_body(j, in)) {
        return j;
    }
    json_decref(j);
    return NULL;
}

int summary_write(const struct summary_input *in, const char *path, struct herr *e)
{
    json_t *j = summary_json(in);
    char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
    char *line = NULL;
    int rc;

    json_decref(j);
    if (!text || asprintf(&line, "%s\n", text) < 0) {
        free(text);
        return herr_set(e, -ENOMEM, "out of memory building %s", path);
    }
    rc = fileio_write(path, line, strlen(line), e);
    free(text);
    free(line);
    return rc;
}

/* ns as milliseconds with 3 decimals into buf, or "-" when unknown. */
static const char *summary_ms(int64_t ns, char *buf, size_t len)
{
    if (ns == CLOG_NONE) {
        snprintf(buf, len, "-");
    } else {
        snprintf(buf, len, "%" PRId64 ".%03" PRId64, ns / 1000000, ns / 1000 % 1000);
    }
    return buf;
}

/* "elf, copied, 20432 bytes" (a ramdisk has no format), or "-" if never reported. */
static const char *summary_module_text(const struct clog_domain *d, bool kernel, char *buf,
                                       size_t len)
{
    const struct clog_module *m = d ? (kernel ? &d->kernel : &d->ramdisk) : NULL;

    if (!m || !m->seen) {
        snprintf(buf, len, "-");
    } else {
        snprintf(buf, len, "%s%s%s, %" PRIu64 " bytes", m->format, m->format[0] ? ", " : "",
                 m->mapped ? "mapped" : "copied", m->bytes);
    }
    return buf;
}

static void summary_md_domain(const struct scenario_domain *sd, const struct clog_domain *d,
                              FILE *out)
{
    char c[32], fi[32], fo[32], r[32], k[64], rd[64];
    const char *state = summary_state(d);

    fprintf(out, "| %s | %" PRId64 " | %s | %s | %s | %s | %s%s%s%s | %s | %s |\n", sd->name,
            sd->id, summary_ms(d ? d->created_ns : CLOG_NONE, c, sizeof(c)),
            summary_ms(d ? d->first_instr_ns : CLOG_NONE, fi, sizeof(fi)),
            summary_ms(d ? d->first_output_ns : CLOG_NONE, fo, sizeof(fo)),
            summary_ms(d ? d->ready_ns : CLOG_NONE, r, sizeof(r)), state ? state : "not created",
            d && d->shutdown_reason[0] ? " (" : "", d ? d->shutdown_reason : "",
            d && d->shutdown_reason[0] ? ")" : "", summary_module_text(d, true, k, sizeof(k)),
            summary_module_text(d, false, rd, sizeof(rd)));
}

/* "PREFIXctl, bootSUFFIX": the domains this mode does not build; nothing if there are none. */
static void summary_not_built(const struct summary_input *in, const char *prefix,
                              const char *suffix, FILE *out)
{
    unsigned n = 0;

    for (size_t i = 0; i < in->domains->n; i++) {
        if (!summary_in_mode(in, i)) {
            fprintf(out, "%s%s", n++ ? ", " : prefix, in->domains->v[i].name);
        }
    }
    if (n) {
        fprintf(out, "%s", suffix);
    }
}

/* The trace in one line: "N events, L lost (trace.dump, trace.ctf/, ...)", "off" or "no dump",
 * then the error if there was one. */
static const char *summary_trace_text(const json_t *t, char *buf, size_t len)
{
    const json_t *events = json_object_get(t, "events"), *err = json_object_get(t, "error");
    int n;

    if (!t) {
        n = snprintf(buf, len, "off");
    } else if (json_is_integer(events)) {
        n = snprintf(buf, len,
                     "%" JSON_INTEGER_FORMAT " events, %" JSON_INTEGER_FORMAT
                     " lost (trace.dump, trace.ctf/, trace.json, trace-stats.txt)",
                     json_integer_value(events), json_integer_value(json_object_get(t, "lost")));
    } else {
        n = snprintf(buf, len, "no dump");
    }
    if (json_is_string(err) && n >= 0 && (size_t)n < len) {
        snprintf(buf + n, len - (size_t)n, "; %s", json_string_value(err));
    }
    return buf;
}

void summary_markdown(const struct summary_input *in, FILE *out)
{
    char a[32], b[32], t[2400];

    fprintf(out, "# %s / %s: %s\n\n", in->scenario, in->mode, in->pass ? "pass" : "fail");
    fprintf(out, "Platform %s, timing %s, %s, commit %s, manifest %s.\n\n", in->platform,
            in->timing, in->qemu_version, in->commit, summary_kind(in->domains->kind));
    fprintf(out, "Hypervisor entry %s ms, init done %s ms.\n\n",
            summary_ms(in->log->entry_ns, a, sizeof(a)),
            summary_ms(in->log->init_done_ns, b, sizeof(b)));
    if (in->log->fatal) {
        fprintf(out, "The hypervisor stopped: `FATAL %s`.\n\n", in->log->fatal);
    }
    fprintf(out, "| domain | id | created (ms) | first instruction (ms) | first output (ms) "
                 "| ready (ms) | state | kernel | ramdisk |\n"
                 "|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < in->domains->n; i++) {
        if (summary_in_mode(in, i)) {
            summary_md_domain(&in->domains->v[i], summary_find(in->log, in->domains->v[i].name),
                              out);
        }
    }
    summary_not_built(in, "\nNot built in this mode: ", ".\n", out);
    fprintf(out, "\nAll ready: %s ms.\n", summary_ms(summary_all_ready(in), a, sizeof(a)));
    summary_metrics_text(in->log, true, 0, out);
    fprintf(out, "\nTrace: %s.\n", summary_trace_text(in->trace, t, sizeof(t)));
    for (size_t i = 0; i < in->reasons->n; i++) {
        fprintf(out, "%s- %s\n", i == 0 ? "\nReasons:\n\n" : "", in->reasons->v[i]);
    }
}

/* One domain of the human summary: its times and state, then its images if reported. */
static void summary_human_domain(const struct scenario_domain *sd, const struct clog_domain *dd,
                                 int width, FILE *out)
{
    char a[32], b[32], c[32], d[32], k[64], r[64];
    const char *state = summary_state(dd);

    fprintf(out, "  %-*s  created %s, first instr %s, first output %s, ready %s ms; %s%s%s%s\n",
            width, sd->name, summary_ms(dd ? dd->created_ns : CLOG_NONE, a, 32),
            summary_ms(dd ? dd->first_instr_ns : CLOG_NONE, b, 32),
            summary_ms(dd ? dd->first_output_ns : CLOG_NONE, c, 32),
            summary_ms(dd ? dd->ready_ns : CLOG_NONE, d, 32), state ? state : "not created",
            dd && dd->shutdown_reason[0] ? " (" : "", dd ? dd->shutdown_reason : "",
            dd && dd->shutdown_reason[0] ? ")" : "");
    if (dd && dd->kernel.seen) {
        fprintf(out, "  %-*s  kernel %s; ramdisk %s\n", width, "",
                summary_module_text(dd, true, k, 64), summary_module_text(dd, false, r, 64));
    }
}

void summary_human(const struct summary_input *in, const char *out_dir, FILE *out)
{
    char a[32], b[32], nb[SCENARIO_NAME_MAX + 8], t[2400];
    int width = 10; /* the name column: "hypervisor" or the longest domain name */

    for (size_t i = 0; i < in->domains->n; i++) {
        int n = (int)strlen(in->domains->v[i].name);
        width = n > width ? n : width;
    }
    fprintf(out, "%s/%s: %s\n", in->scenario, in->mode, in->pass ? "pass" : "FAIL");
    fprintf(out, "  %-*s  entry %s ms%s, init done %s ms\n", width, "hypervisor",
            summary_ms(in->log->entry_ns, a, sizeof(a)),
            in->firmware ? " (all firmware: U-Boot)" : "",
            summary_ms(in->log->init_done_ns, b, sizeof(b)));
    for (size_t i = 0; i < in->domains->n; i++) {
        if (summary_in_mode(in, i)) {
            summary_human_domain(&in->domains->v[i], summary_find(in->log, in->domains->v[i].name),
                                 width, out);
        }
    }
    snprintf(nb, sizeof(nb), "  %-*s  ", width, "not built");
    summary_not_built(in, nb, " (not in this mode)\n", out);
    fprintf(out, "  %-*s  %s ms\n", width, "all ready",
            summary_ms(summary_all_ready(in), a, sizeof(a)));
    summary_metrics_text(in->log, false, width, out);
    fprintf(out, "  %-*s  %s\n", width, "trace", summary_trace_text(in->trace, t, sizeof(t)));
    for (size_t i = 0; i < in->reasons->n; i++) {
        fprintf(out, "  reason: %s\n", in->reasons->v[i]);
    }
    fprintf(out, "  results in %s\n", out_dir);
}
