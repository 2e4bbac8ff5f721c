/* Tessera tracing: per-pCPU record buffers written lock-free by their own pCPU, a run-time
 * class mask and a compile-time switch. The event list and every writer come from
 * trace/events.def; see docs/tracing.md. Freestanding: usable in the hypervisor and hosted. */
#ifndef TESSERA_TRACE_H
#define TESSERA_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tessera/trace_xmacro.h>

/* TESSERA_TRACE=0 removes every tracepoint: TRACE() and trace_<event>() compile to nothing
 * (their arguments are type-checked, never evaluated). The buffer functions stay callable. */
#ifndef TESSERA_TRACE
#define TESSERA_TRACE 1
#endif

#define TRACE_MAX_CPUS      32
#define TRACE_RECORD_SIZE   48
#define TRACE_EARLY_RECORDS 64    /* pCPU 0's buffer before trace_init() */
#define TRACE_MIN_RECORDS   128   /* per pCPU, for trace_init() */
#define TRACE_ID_LIMIT      0x400 /* event ids are below this */

/* Classes: bit numbers of the run-time mask. */
enum trace_class {
#define TRACE_CLASS(bit, name, desc) TRACE_CLASS_##name = (bit),
#include "../../events.def"
};
#define TRACE_CLASS_BIT(cls) (1u << TRACE_CLASS_##cls)
#define TRACE_MASK_ALL       0xffffffffu

/* Event ids, and the class of each event (TRACE_CLASS_OF_<name>). */
enum trace_event_id {
#define TRACE_EVENT(id, cls, name, args, desc, argdesc) TRACE_EV_##name = (id),
#include "../../events.def"
};
enum trace_event_class_of {
#define TRACE_EVENT(id, cls, name, args, desc, argdesc) TRACE_CLASS_OF_##name = TRACE_CLASS_##cls,
#include "../../events.def"
};

/* Argument values with a fixed meaning (documented in events.def). */
enum trace_boot_phase {
    TRACE_BOOT_ENTRY,
    TRACE_BOOT_MMU,
    TRACE_BOOT_HOSTDT,
    TRACE_BOOT_CONSOLE,
    TRACE_BOOT_FRAMES,
    TRACE_BOOT_SMP,
    TRACE_BOOT_MANIFEST,
    TRACE_BOOT_BUILD,
    TRACE_BOOT_INIT_DONE,
    TRACE_BOOT_START,
};
enum trace_dom_step {
    TRACE_DOM_STEP_ALLOC,
    TRACE_DOM_STEP_MAP_IMAGE,
    TRACE_DOM_STEP_COPY_IMAGE,
    TRACE_DOM_STEP_BUILD_DT,
    TRACE_DOM_STEP_VCPUS,
    TRACE_DOM_STEP_FIRST_ENTRY,
};
enum trace_switch_reason {
    TRACE_SWITCH_START,
    TRACE_SWITCH_PREEMPT,
    TRACE_SWITCH_BLOCK,
    TRACE_SWITCH_YIELD,
    TRACE_SWITCH_WAKE,
    TRACE_SWITCH_EXIT,
};
enum trace_gptr_why {
    TRACE_GPTR_WRAPS = 1, /* the range wraps around 2^64 */
    TRACE_GPTR_UNMAPPED,  /* a page not mapped, device memory, or without the access */
    TRACE_GPTR_NOT_RAM,   /* a page outside every RAM bank, or a free frame */
    TRACE_GPTR_FOREIGN,   /* another owner's frame, other than through a read-only window */
    TRACE_GPTR_FAULT,     /* the copy faulted at EL2 and the fixup returned -EFAULT */
};
#define TRACE_IDLE         0xffffffffu /* sched_switch prev/next: no vCPU */
#define TRACE_HYP_DOMID    0xffffu     /* console_line: the hypervisor's own line */
#define TRACE_MMIO_WRITE   (1u << 8)   /* mmio size_and_write: the access was a write */
#define TRACE_DV(dom, vcp) (((uint64_t)(dom) << 16) | (uint64_t)(vcp))

/* One record as stored in the buffers and in a dump (little-endian). seq counts the events
 * the pCPU tried to record (written or lost), so it is also each record's position. */
struct trace_record {
    uint64_t ts; /* platform counter (arch_counter) */
    uint16_t id; /* enum trace_event_id */
    uint16_t cpu;
    uint32_t seq;
    uint64_t args[4]; /* unused arguments are 0 */
};
_Static_assert(sizeof(struct trace_record) == TRACE_RECORD_SIZE, "record layout");

/* Classes currently recorded (bit TRACE_CLASS_x); all of them at boot. */
extern uint32_t trace_mask __attribute__((visibility("hidden")));

static inline bool trace_class_on(unsigned cls)
{
    return TESSERA_TRACE && ((trace_mask >> cls) & 1u);
}

/* Gives the tracer its buffers: mem (8-byte aligned, bytes long) is split evenly between
 * ncpus pCPUs. Records pCPU 0 wrote before (into its early buffer) move to its new buffer.
 * Call once, on the boot pCPU, before other pCPUs trace. Returns 0, -EINVAL (ncpus 0 or above
 * TRACE_MAX_CPUS, mem misaligned), -ENOMEM (fewer than TRACE_MIN_RECORDS per pCPU) or -EBUSY
 * (already initialised). */
int trace_init(unsigned ncpus, void *mem, size_t bytes);
/* Back to the boot state: empty early buffer of pCPU 0, nothing else. Only while no other
 * pCPU traces (tests, or before a re-initialisation). */
void trace_reset(void);
/* Chooses the recorded classes (a mask of TRACE_CLASS_BIT(x)). */
void trace_set_mask(uint32_t mask);

struct trace_cpu_stats {
    uint64_t records;  /* records in the buffer */
    uint64_t lost;     /* events dropped because the buffer was full */
    uint64_t capacity; /* records the buffer holds */
};
struct trace_stats {
    unsigned ncpus;
    uint64_t records, lost, capacity; /* sums over the pCPUs */
};
void trace_stats(struct trace_stats *out);
/* -EINVAL if cpu has no buffer. */
int trace_cpu_stats(unsigned cpu, struct trace_cpu_stats *out);

/* The out-of-line writers: record an event with the current counter, or with ts. The calling
 * pCPU appends to its own buffer; when the buffer is full the event is dropped and counted,
 * and the buffer's last slot holds a trace_lost record counting the drops. */
void trace_write(unsigned id, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

/* One pCPU's buffer. head only grows (records are never overwritten); slot cap - 1 is kept
 * for the trace_lost record. Aligned so that two pCPUs never write the same cache line.
 * Public only for the inline writer below. */
struct trace_ring {
    struct trace_record *recs;
    uint32_t cap;  /* slots */
    uint32_t head; /* slots filled; published with release order */
    uint32_t seq;  /* events attempted: the next record's seq */
    uint32_t reserved;
    uint64_t lost; /* events dropped */
} __attribute__((aligned(64)));

extern struct trace_ring trace_rings[TRACE_MAX_CPUS] __attribute__((visibility("hidden")));
extern unsigned trace_ncpus __attribute__((visibility("hidden")));

/* Slow path of a full buffer (ring.c). */
void trace_ring_overflow(struct trace_ring *r, unsigned cpu, uint64_t ts);

/* Appends one record to pCPU cpu's buffer: the whole fast path, shared by the out-of-line
 * writers (ring.c) and the inline one below. A pCPU whose buffer is not set up has cap 0:
 * the overflow path only counts. */
static inline __attribute__((always_inline)) void trace_ring_put(unsigned cpu, uint64_t ts,
                                                                 unsigned id, uint64_t a0,
                                                                 uint64_t a1, uint64_t a2,
                                                                 uint64_t a3)
{
    struct trace_ring *r = &trace_rings[cpu];
    uint32_t head = r->head;

    if (head + 1 >= r->cap) {
        trace_ring_overflow(r, cpu, ts);
        return;
    }
    struct trace_record *rec = &r->recs[head];
    rec->ts = ts;
    rec->id = (uint16_t)id;
    rec->cpu = (uint16_t)cpu;
    rec->seq = head; /* nothing was dropped before a stored record: seq = slots used */
    rec->args[0] = a0;
    rec->args[1] = a1;
    rec->args[2] = a2;
    rec->args[3] = a3;
    __atomic_store_n(&r->head, head + 1, __ATOMIC_RELEASE); /* publishes it to a dump */
}

#if TESSERA_TRACE && __has_include(<tessera/arch_inline.h>)
#include <tessera/arch_inline.h>
/* Where the arch offers inline pCPU id and counter (the hypervisor), records are written in
 * line at each tracepoint: no call, no argument shuffling (about a fifth of the cost). */
static inline __attribute__((always_inline)) void
trace_write_fast(unsigned id, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    trace_ring_put(arch_inline_cpu_id(), arch_inline_counter(), id, a0, a1, a2, a3);
}
#define TRACE_WRITE_FN trace_write_fast
#else
#define TRACE_WRITE_FN trace_write
#endif
void trace_write_at(uint64_t ts, unsigned id, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

/* Per event NAME of events.def, three writers with exactly its arguments:
 *   trace_NAME(args...)             records if NAME's class is enabled (one mask test if not)
 *   trace_emit_NAME(args...)        records without testing the mask
 *   trace_emit_at_NAME(ts, args...) the same with an explicit timestamp */
#define TRACE_EVENT(id, cls, name, args, desc, argdesc)                                            \
    static inline void trace_emit_##name(TRACE_XM_MAP(TRACE_XM_PARAM, TRACE_XM_COMMA, args))       \
    {                                                                                              \
        if (TESSERA_TRACE) {                                                                       \
            TRACE_WRITE_FN(TRACE_EV_##name, TRACE_XM_PAD4(args));                                  \
        }                                                                                          \
    }                                                                                              \
    static inline void trace_emit_at_##name(uint64_t trace_ts_,                                    \
                                            TRACE_XM_MAP(TRACE_XM_PARAM, TRACE_XM_COMMA, args))    \
    {                                                                                              \
        if (TESSERA_TRACE) {                                                                       \
            trace_write_at(trace_ts_, TRACE_EV_##name, TRACE_XM_PAD4(args));                       \
        }                                                                                          \
    }                                                                                              \
    static inline void trace_##name(TRACE_XM_MAP(TRACE_XM_PARAM, TRACE_XM_COMMA, args))            \
    {                                                                                              \
        if (TESSERA_TRACE && trace_class_on(TRACE_CLASS_##cls)) {                                  \
            TRACE_WRITE_FN(TRACE_EV_##name, TRACE_XM_PAD4(args));                                  \
        }                                                                                          \
    }
#include "../../events.def"

/* The tracepoint to use in the hypervisor: TRACE(dom_create, d->id, nvcpus, kib). The
 * arguments are evaluated only when the event's class is enabled, and not at all (not even
 * compiled into code) with TESSERA_TRACE=0. TRACE_AT takes the timestamp first. */
#define TRACE(name, ...)                                                                           \
    do {                                                                                           \
        if (TESSERA_TRACE && trace_class_on(TRACE_CLASS_OF_##name)) {                              \
            trace_emit_##name(__VA_ARGS__);                                                        \
        }                                                                                          \
    } while (0)
#define TRACE_AT(ts, name, ...)                                                                    \
    do {                                                                                           \
        if (TESSERA_TRACE && trace_class_on(TRACE_CLASS_OF_##name)) {                              \
            trace_emit_at_##name((ts), __VA_ARGS__);                                               \
        }                                                                                          \
    } while (0)

#endif
