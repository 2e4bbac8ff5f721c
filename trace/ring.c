/* Per-pCPU trace buffers. Only the owning pCPU writes its buffer (hypervisor code runs with
 * interrupts masked, so a write is never re-entered): no lock, no allocation. A full buffer
 * drops new records and counts them, so the start of a run (the boot) is always kept. */
#include <tessera/arch.h>
#include <tessera/errno.h>
#include <tessera/trace.h>
#include "trace_internal.h"

/* The fast path wants the pCPU id and the counter without a call: an arch may provide
 * tessera/arch_inline.h with static inline arch_inline_cpu_id() and arch_inline_counter(). */
#if __has_include(<tessera/arch_inline.h>)
#include <tessera/arch_inline.h>
#define trace_cpu_id() arch_inline_cpu_id()
#define trace_now()    arch_inline_counter()
#else
#define trace_cpu_id() arch_cpu_id()
#define trace_now()    arch_counter()
#endif

uint32_t trace_mask = TRACE_MASK_ALL;

static struct trace_record trace_early[TRACE_EARLY_RECORDS];

struct trace_ring trace_rings[TRACE_MAX_CPUS] = {
    [0] = {.recs = trace_early, .cap = TRACE_EARLY_RECORDS},
};
unsigned trace_ncpus = 1;

/* Slow path of a full buffer: the first drop turns the last slot into a trace_lost record,
 * later drops count themselves in it. A pCPU without a buffer yet (cap 0) only counts. */
void trace_ring_overflow(struct trace_ring *r, unsigned cpu, uint64_t ts)
{
    uint32_t seq = (uint32_t)(r->head + r->lost); /* events attempted before this one */

    r->lost++;
    if (r->cap == 0) {
        return;
    }
    struct trace_record *last = &r->recs[r->cap - 1];
    if (r->head == r->cap) {
        last->args[1]++;
        return;
    }
    last->ts = ts;
    last->id = TRACE_EV_trace_lost;
    last->cpu = (uint16_t)cpu;
    last->seq = seq;
    last->args[0] = cpu;
    last->args[1] = 1;
    last->args[2] = 0;
    last->args[3] = 0;
    __atomic_store_n(&r->head, r->cap, __ATOMIC_RELEASE);
}

void trace_write(unsigned id, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    unsigned cpu = trace_cpu_id();

    if (cpu < trace_ncpus) {
        trace_ring_put(cpu, trace_now(), id, a0, a1, a2, a3);
    }
    trace_lttng_forward(id, a0, a1, a2, a3);
}

void trace_write_at(uint64_t ts, unsigned id, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    unsigned cpu = trace_cpu_id();

    if (cpu < trace_ncpus) {
        trace_ring_put(cpu, ts, id, a0, a1, a2, a3);
    }
    trace_lttng_forward(id, a0, a1, a2, a3);
}

/* Moves what pCPU 0 recorded in its early buffer to the start of its new buffer. */
_Static_assert(TRACE_EARLY_RECORDS < TRACE_MIN_RECORDS, "early records fit a new buffer");

static void trace_move_early(struct trace_ring *to)
{
    const struct trace_ring *from = &trace_rings[0];
    uint32_t n = from->head;

    for (uint32_t i = 0; i < n; i++) {
        to->recs[i] = from->recs[i];
    }
    to->head = n;
    to->seq = from->seq;
    to->lost = from->lost;
}

int trace_init(unsigned ncpus, void *mem, size_t bytes)
{
    struct trace_record *recs = mem;
    size_t per_cpu;

    if (ncpus == 0 || ncpus > TRACE_MAX_CPUS || ((uintptr_t)mem & 7) != 0) {
        return -EINVAL;
    }
    if (trace_rings[0].recs != trace_early) {
        return -EBUSY;
    }
    per_cpu = bytes / ncpus / sizeof(struct trace_record);
    if (per_cpu < TRACE_MIN_RECORDS) {
        return -ENOMEM;
    }
    if (per_cpu > UINT32_MAX) {
        per_cpu = UINT32_MAX;
    }
    for (unsigned cpu = 0; cpu < ncpus; cpu++) {
        struct trace_ring r = {.recs = recs + cpu * per_cpu, .cap = (uint32_t)per_cpu};
        if (cpu == 0) {
            trace_move_early(&r);
        }
        trace_rings[cpu] = r;
    }
    __atomic_store_n(&trace_ncpus, ncpus, __ATOMIC_RELEASE);
    return 0;
}

void trace_reset(void)
{
    for (unsigned cpu = 0; cpu < TRACE_MAX_CPUS; cpu++) {
        trace_rings[cpu] = (struct trace_ring){0};
    }
    trace_rings[0].recs = trace_early;
    trace_rings[0].cap = TRACE_EARLY_RECORDS;
    trace_ncpus = 1;
    trace_mask = TRACE_MASK_ALL;
    trace_dump_held_reset();
}

void trace_set_mask(uint32_t mask)
{
    trace_mask = mask;
}

int trace_cpu_stats(unsigned cpu, struct trace_cpu_stats *out)
{
    const struct trace_ring *r;

    if (cpu >= trace_ncpus) {
        return -EINVAL;
    }
    r = &trace_rings[cpu];
    out->records = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
    out->lost = r->lost;
    out->capacity = r->cap;
    return 0;
}

void trace_stats(struct trace_stats *out)
{
    struct trace_cpu_stats c;

    *out = (struct trace_stats){.ncpus = trace_ncpus};
    for (unsigned cpu = 0; trace_cpu_stats(cpu, &c) == 0; cpu++) {
        out->records += c.records;
        out->lost += c.lost;
        out->capacity += c.capacity;
    }
}
