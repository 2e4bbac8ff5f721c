/* Shared by the CTF writer's parts: the packet plan of each pCPU (ctf_plan.c), the message
 * source component (ctf_source.c) and the graph that feeds babeltrace2's sink.ctf.fs (ctf.c). */
#ifndef TESSERA_TRACE_CTF_INTERNAL_H
#define TESSERA_TRACE_CTF_INTERNAL_H

#include <babeltrace2/babeltrace.h>
#include <tessera/trace_host.h>

#define CTF_PACKET_EVENTS 1024 /* records per CTF packet at most */

/* One CTF packet of a pCPU's stream: records [first, first + count), the time range, and the
 * events discarded just before it (CTF 1.8 counts them in the packet that follows the gap).
 * A final packet with count 0 carries the records lost at the end of the buffer. */
struct ctf_pkt {
    uint64_t first, count;
    uint64_t begin, end;
    uint64_t discarded;
};

/* Cuts the records of c into packets; a trace_lost record closes its packet. Returns the
 * number of packets in *pkts (caller frees), or -ENOMEM. */
int ctf_plan_cpu(const struct trace_cpu_data *c, uint64_t dump_ts, struct ctf_pkt **pkts,
                 size_t *npkts);

struct ctf_cpu {
    bt_stream *stream;
    struct ctf_pkt *pkts;
    size_t npkts, cur;
    bt_packet *packet; /* open packet, NULL between packets */
};

#define CTF_QUEUE 8

/* The source component's state; lives in ctf.c's caller for the whole graph run. */
struct ctf_src {
    const struct trace_data *d;
    const struct trace_record **merged;
    size_t nmerged, pos;
    bt_trace_class *tc;
    bt_clock_class *cc;
    bt_stream_class *sc;
    bt_trace *trace;
    const bt_event_class *ec[TRACE_ID_LIMIT];
    struct ctf_cpu *cpus;
    enum { CTF_PHASE_BEGIN, CTF_PHASE_RECORDS, CTF_PHASE_END, CTF_PHASE_DONE } phase;
    uint32_t phase_cpu; /* next pCPU whose stream begins or ends */
    const bt_message *queue[CTF_QUEUE];
    size_t qlen, qhead;
    bool failed;
};

/* The component class of the in-process source; caller puts its reference. */
bt_component_class_source *ctf_source_class(void);
/* Releases what the source created. */
void ctf_source_release(struct ctf_src *s);

#endif
