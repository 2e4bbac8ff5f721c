/* How a pCPU's records become CTF packets: at most CTF_PACKET_EVENTS records each, a
 * trace_lost record ending its packet, and the lost count attached to the next packet (a final
 * empty one at the dump time if the buffer stayed full), as CTF 1.8's running events_discarded
 * counter and babeltrace2's sink.ctf.fs require. */
#include <errno.h>
#include <stdlib.h>
#include "ctf_internal.h"

static uint64_t ctf_plan_count(const struct trace_cpu_data *c)
{
    uint64_t n = 0, run = 0;

    for (uint64_t i = 0; i < c->nrecords; i++) {
        run++;
        if (run == CTF_PACKET_EVENTS || c->recs[i].id == TRACE_EV_trace_lost ||
            i + 1 == c->nrecords) {
            n++;
            run = 0;
        }
    }
    return n + 1; /* room for a final empty packet */
}

int ctf_plan_cpu(const struct trace_cpu_data *c, uint64_t dump_ts, struct ctf_pkt **pkts,
                 size_t *npkts)
{
    struct ctf_pkt *p = calloc(ctf_plan_count(c), sizeof(*p));
    size_t n = 0;
    uint64_t pending = 0;    /* lost before the next packet */
    uint64_t left = c->lost; /* the cpu header is the authority on how many were lost */

    if (!p) {
        return -ENOMEM;
    }
    for (uint64_t i = 0; i < c->nrecords; i++) {
        const struct trace_record *r = &c->recs[i];
        struct ctf_pkt *k = &p[n];
        if (k->count == 0) {
            *k = (struct ctf_pkt){.first = i, .begin = r->ts, .discarded = pending};
            pending = 0;
        }
        k->count++;
        k->end = r->ts;
        if (r->id == TRACE_EV_trace_lost) {
            pending = r->args[1] < left ? r->args[1] : left;
            left -= pending;
        }
        if (k->count == CTF_PACKET_EVENTS || r->id == TRACE_EV_trace_lost || i + 1 == c->nrecords) {
            n++;
        }
    }
    pending += left;
    if (pending && n) {
        uint64_t last = p[n - 1].end;
        p[n++] = (struct ctf_pkt){.first = c->nrecords,
                                  .begin = last,
                                  .end = dump_ts > last ? dump_ts : last,
                                  .discarded = pending};
    }
    *pkts = p;
    *npkts = n;
    return 0;
}
