/* State shared by the trace buffer writer (ring.c) and the dump writer (dump.c); not part of
 * the interface. */
#ifndef TESSERA_TRACE_INTERNAL_H
#define TESSERA_TRACE_INTERNAL_H

#include <stdint.h>
#include <tessera/trace.h>
#include <tessera/trace_dump.h>

/* What a dump contains, fixed once at its start (dump.c). */
struct trace_dump_snap {
    uint64_t ts;
    unsigned ncpus;
    unsigned ndomains;
    uint64_t domains; /* bit d: domain d was named */
    uint32_t head[TRACE_MAX_CPUS];
    uint64_t lost[TRACE_MAX_CPUS];
};
void trace_dump_take(struct trace_dump_snap *s);
size_t trace_dump_bytes(const struct trace_dump_snap *s);
void trace_dump_emit(const struct trace_dump_snap *s, trace_dump_out_fn out, void *ctx);
/* The snapshot held as number n (1...), NULL if there is none. */
const struct trace_dump_snap *trace_dump_held(unsigned n);
/* Forgets the held snapshots (trace_reset). */
void trace_dump_held_reset(void);

/* The hosted build can also hand every event to LTTng-UST (lttng/forward.c). */
#ifdef TESSERA_TRACE_LTTNG
void trace_lttng_forward(unsigned id, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
#else
static inline void trace_lttng_forward(unsigned id, uint64_t a0, uint64_t a1, uint64_t a2,
                                       uint64_t a3)
{
    (void)id, (void)a0, (void)a1, (void)a2, (void)a3;
}
#endif

#endif
