/* Boot milestones from a trace dump (tessera/harness/timeline.h). */
#include <stdlib.h>

#include <tessera/harness/timeline.h>

/* The time of the first record of each kind, per domain index of log. */
static void timeline_set(int64_t *slot, bool *seen, int64_t ns, unsigned *n)
{
    if (!*seen) {
        *slot = ns;
        *seen = true;
        (*n)++;
    }
}

unsigned timeline_from_trace(const struct trace_data *d, struct clog *log)
{
    size_t nrec;
    const struct trace_record **all;
    bool *seen, init_seen = false;
    unsigned n = 0;

    if (d->lost > 0 || !(all = trace_data_merge(d, &nrec))) {
        return 0;
    }
    if (!(seen = calloc(log->ndom * 3 + 1, sizeof(*seen)))) {
        free(all);
        return 0;
    }
    for (size_t i = 0; i < nrec; i++) {
        const struct trace_record *r = all[i];
        int64_t ns = (int64_t)trace_data_ns(d, r->ts);
        const char *name;
        long k;
        if (r->id == TRACE_EV_boot_phase && r->args[0] == TRACE_BOOT_INIT_DONE) {
            timeline_set(&log->init_done_ns, &init_seen, ns, &n);
            continue;
        }
        if (r->id != TRACE_EV_dom_create && r->id != TRACE_EV_dom_ready &&
            !(r->id == TRACE_EV_boot_dom_step && r->args[1] == TRACE_DOM_STEP_FIRST_ENTRY)) {
            continue;
        }
        if (!(name = trace_data_domain_name(d, r->args[0])) || (k = clog_find(log, name)) < 0) {
            continue;
        }
        struct clog_domain *dom = &log->dom[k];
        if (r->id == TRACE_EV_dom_create) {
            timeline_set(&dom->created_ns, &seen[3 * k], ns, &n);
        } else if (r->id == TRACE_EV_boot_dom_step) {
            timeline_set(&dom->first_instr_ns, &seen[3 * k + 1], ns, &n);
        } else {
            timeline_set(&dom->ready_ns, &seen[3 * k + 2], ns, &n);
        }
    }
    log->timeline_trace = n > 0;
    free(seen);
    free(all);
    return n;
}
