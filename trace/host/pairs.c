/* Latency pairs of a time-ordered record walk (trace_pairs_feed): the one place that decides
 * which hc_exit ends which hc_entry, and which irq_inject delivers which irq_phys. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_host.h>

struct trace_pair_open {
    uint64_t dv, fn, ts; /* fn UINT64_MAX: nothing open */
};

/* The open hypercall of vCPU dv (added if absent), NULL when out of memory. */
static struct trace_pair_open *pairs_open_of(struct trace_pairs *p, uint64_t dv)
{
    struct trace_pair_open *n;

    for (size_t i = 0; i < p->nopen; i++) {
        if (p->open[i].dv == dv) {
            return &p->open[i];
        }
    }
    n = realloc(p->open, (p->nopen + 1) * sizeof(*n));
    if (!n) {
        return NULL;
    }
    p->open = n;
    p->open[p->nopen] = (struct trace_pair_open){dv, UINT64_MAX, 0};
    return &p->open[p->nopen++];
}

static int pairs_hc(struct trace_pairs *p, const struct trace_data *d,
                    const struct trace_record *rec, struct trace_pair *out)
{
    struct trace_pair_open *o = pairs_open_of(p, rec->args[0]);
    uint64_t t0;

    if (!o) {
        return -ENOMEM;
    }
    if (rec->id == TRACE_EV_hc_entry) {
        p->unmatched += o->fn != UINT64_MAX;
        *o = (struct trace_pair_open){rec->args[0], rec->args[1], rec->ts};
        return 0;
    }
    if (o->fn != rec->args[1]) {
        p->unmatched++;
        o->fn = UINT64_MAX;
        return 0;
    }
    t0 = o->ts;
    o->fn = UINT64_MAX;
    *out = (struct trace_pair){TRACE_PAIR_HYPERCALL, rec->args[0], rec->args[1],
                               trace_data_ns(d, rec->ts) - trace_data_ns(d, t0)};
    return 1;
}

/* irq_phys marks the INTID taken; the irq_inject that follows for it (the interrupt made pending
 * for a vCPU) closes the pair. An INTID the hypervisor keeps for itself (its timer) is never
 * injected and never paired; SGIs are left out, as a physical SGI 15 (the hypervisor's kick)
 * would otherwise pair with a guest's own virtual SGI 15. */
static int pairs_irq(struct trace_pairs *p, const struct trace_data *d,
                     const struct trace_record *rec, struct trace_pair *out)
{
    uint64_t intid = rec->id == TRACE_EV_irq_phys ? rec->args[0] : rec->args[1];

    if (intid < TRACE_PAIR_MIN_INTID || intid > TRACE_PAIR_MAX_INTID) {
        return 0; /* SGIs are the hypervisor's own (its kick) or purely virtual */
    }
    if (rec->id == TRACE_EV_irq_phys) {
        p->irq_taken[intid] = rec->ts + 1;
        return 0;
    }
    if (!p->irq_taken[intid]) {
        return 0; /* a purely virtual interrupt */
    }
    *out =
        (struct trace_pair){TRACE_PAIR_IRQ_FORWARD, rec->args[0], intid,
                            trace_data_ns(d, rec->ts) - trace_data_ns(d, p->irq_taken[intid] - 1)};
    p->irq_taken[intid] = 0;
    return 1;
}

int trace_pairs_feed(struct trace_pairs *p, const struct trace_data *d,
                     const struct trace_record *rec, struct trace_pair *out)
{
    switch (rec->id) {
    case TRACE_EV_hc_entry:
    case TRACE_EV_hc_exit:
        return pairs_hc(p, d, rec, out);
    case TRACE_EV_irq_phys:
    case TRACE_EV_irq_inject:
        return pairs_irq(p, d, rec, out);
    default:
        return 0;
    }
}

void trace_pairs_finish(struct trace_pairs *p)
{
    for (size_t i = 0; i < p->nopen; i++) {
        p->unmatched += p->open[i].fn != UINT64_MAX;
    }
    free(p->open);
    p->open = NULL;
    p->nopen = 0;
}
