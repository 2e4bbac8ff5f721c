/* Text form of the statistics of `tessera trace --stats`. */
#include <tessera/trace_host.h>

static void stp_summary(const struct trace_data *d, const struct trace_report *r, FILE *out)
{
    fprintf(out, "trace: %u pCPUs, counter %llu Hz, %llu records, %llu lost, span %llu ns\n",
            d->ncpus, (unsigned long long)d->counter_hz, (unsigned long long)r->records,
            (unsigned long long)r->lost, (unsigned long long)r->span_ns);
    fprintf(out, "\nbuffers:\n");
    for (uint32_t c = 0; c < d->ncpus; c++) {
        const struct trace_cpu_data *cd = &d->cpus[c];
        fprintf(out, "  pCPU %-3u %10llu of %10llu slots used, %llu lost\n", c,
                (unsigned long long)cd->nrecords, (unsigned long long)cd->capacity,
                (unsigned long long)cd->lost);
    }
}

static void stp_events(const struct trace_report *r, FILE *out)
{
    fprintf(out, "\nevents:\n  %-6s %-10s %-18s %12s\n", "id", "class", "name", "count");
    for (size_t i = 0; i < trace_event_count(); i++) {
        const struct trace_event_info *ev = trace_event_at(i);
        if (r->counts[ev->id]) {
            fprintf(out, "  0x%-4x %-10s %-18s %12llu\n", ev->id, trace_class_name(ev->cls),
                    ev->name, (unsigned long long)r->counts[ev->id]);
        }
    }
}

static void stp_traps(const struct trace_data *d, const struct trace_report *r, FILE *out)
{
    fprintf(out, "\nexits by domain and exception class:%s\n", r->ndoms ? "" : " none");
    for (size_t i = 0; i < r->ndoms; i++) {
        const struct trace_dom_traps *t = &r->doms[i];
        const char *name = trace_data_domain_name(d, t->domid);
        fprintf(out, "  %s%sdomain %u: %llu exits\n", name ? name : "", name ? ", " : "", t->domid,
                (unsigned long long)t->total);
        for (unsigned ec = 0; ec < 64; ec++) {
            if (t->by_ec[ec]) {
                const char *n = trace_ec_name(ec);
                fprintf(out, "    EC 0x%02x %-12s %12llu\n", ec, n ? n : "?",
                        (unsigned long long)t->by_ec[ec]);
            }
        }
    }
}

static void stp_hc(const struct trace_report *r, FILE *out)
{
    fprintf(out, "\nhypercall latency in ns (hc_entry to hc_exit of one vCPU):\n");
    fprintf(out, "  %-12s %10s %10s %12s %10s %10s\n", "function", "count", "min", "avg", "p99",
            "max");
    for (size_t i = 0; i < r->nhc; i++) {
        const struct trace_hc_stats *h = &r->hc[i];
        char fn[24];
        if (h->fn == UINT64_MAX) {
            snprintf(fn, sizeof(fn), "all");
        } else {
            snprintf(fn, sizeof(fn), "0x%llx", (unsigned long long)h->fn);
        }
        fprintf(out, "  %-12s %10llu %10llu %12.1f %10llu %10llu\n", fn,
                (unsigned long long)h->lat.count, (unsigned long long)h->lat.min_ns, h->lat.avg_ns,
                (unsigned long long)h->lat.p99_ns, (unsigned long long)h->lat.max_ns);
    }
    fprintf(out, "  unmatched entries or exits: %llu\n", (unsigned long long)r->hc_unmatched);
}

void trace_report_print(const struct trace_data *d, const struct trace_report *r, FILE *out)
{
    stp_summary(d, r, out);
    stp_events(r, out);
    stp_traps(d, r, out);
    stp_hc(r, out);
}
