/* The dump writer: a snapshot of every pCPU's buffer serialised as the byte stream described
 * in tessera/trace_dump.h, through a caller-supplied output function (bare-metal safe). */
#include <tessera/arch.h>
#include <tessera/errno.h>
#include <tessera/trace_dump.h>
#include "trace_internal.h"

/* Domain names, indexed by domid; used != 0 once the name is complete. */
static struct {
    char name[TRACE_DUMP_DOM_NAME_SIZE];
    uint32_t used;
} trace_domains[TRACE_DUMP_MAX_DOMAINS];

int trace_dump_set_domain(unsigned domid, const char *name)
{
    size_t i = 0;

    if (domid >= TRACE_DUMP_MAX_DOMAINS) {
        return -EINVAL;
    }
    __atomic_store_n(&trace_domains[domid].used, 0, __ATOMIC_RELEASE);
    if (!name) {
        return 0;
    }
    for (; name[i] && i + 1 < TRACE_DUMP_DOM_NAME_SIZE; i++) {
        trace_domains[domid].name[i] = name[i];
    }
    for (; i < TRACE_DUMP_DOM_NAME_SIZE; i++) {
        trace_domains[domid].name[i] = '\0';
    }
    __atomic_store_n(&trace_domains[domid].used, 1, __ATOMIC_RELEASE);
    return 0;
}

_Static_assert(TRACE_DUMP_MAX_DOMAINS <= 64, "a snapshot keeps the named domains as a 64-bit mask");

/* Snapshots held for later (trace_dump_hold): a slot is taken by one atomic increment, then
 * published by its ready flag. */
static struct trace_dump_snap trace_held_snaps[TRACE_DUMP_MAX_HELD];
static uint32_t trace_held_ready[TRACE_DUMP_MAX_HELD];
static unsigned trace_held_taken;

/* The domains named now, one bit per domid. */
static uint64_t trace_dump_named(void)
{
    uint64_t mask = 0;

    for (unsigned d = 0; d < TRACE_DUMP_MAX_DOMAINS; d++) {
        mask |= (uint64_t)(__atomic_load_n(&trace_domains[d].used, __ATOMIC_ACQUIRE) != 0) << d;
    }
    return mask;
}

void trace_dump_take(struct trace_dump_snap *s)
{
    s->ts = arch_counter();
    s->ncpus = __atomic_load_n(&trace_ncpus, __ATOMIC_ACQUIRE);
    s->domains = trace_dump_named();
    s->ndomains = 0;
    for (uint64_t m = s->domains; m; m &= m - 1) {
        s->ndomains++;
    }
    for (unsigned cpu = 0; cpu < s->ncpus; cpu++) {
        s->head[cpu] = __atomic_load_n(&trace_rings[cpu].head, __ATOMIC_ACQUIRE);
        s->lost[cpu] = __atomic_load_n(&trace_rings[cpu].lost, __ATOMIC_RELAXED);
    }
}

size_t trace_dump_bytes(const struct trace_dump_snap *s)
{
    size_t n = sizeof(struct trace_dump_header) + sizeof(struct trace_dump_trailer) +
               s->ndomains * sizeof(struct trace_dump_domain);

    for (unsigned cpu = 0; cpu < s->ncpus; cpu++) {
        n += sizeof(struct trace_dump_cpu) + (size_t)s->head[cpu] * sizeof(struct trace_record);
    }
    return n;
}

static void trace_dump_copy8(char *dst, const char *magic)
{
    for (int i = 0; i < 8; i++) {
        dst[i] = magic[i];
    }
}

static void trace_dump_put_header(const struct trace_dump_snap *s, trace_dump_out_fn out, void *ctx)
{
    struct trace_dump_header h = {
        .version = TRACE_DUMP_VERSION,
        .header_size = sizeof(h),
        .counter_hz = arch_counter_hz(),
        .dump_ts = s->ts,
        .schema_hash = trace_schema_hash(),
        .ncpus = s->ncpus,
        .record_size = TRACE_RECORD_SIZE,
        .ndomains = s->ndomains,
    };

    trace_dump_copy8(h.magic, TRACE_DUMP_MAGIC);
    out(ctx, &h, sizeof(h));
}

/* Writes the s->ndomains domains named when s was taken, so the count in the header always
 * holds; one forgotten since (its name gone) is written with domid UINT32_MAX. */
static void trace_dump_put_domains(const struct trace_dump_snap *s, trace_dump_out_fn out,
                                   void *ctx)
{
    for (unsigned d = 0; d < TRACE_DUMP_MAX_DOMAINS; d++) {
        struct trace_dump_domain e = {.domid = d};
        if (!(s->domains >> d & 1)) {
            continue;
        }
        if (!__atomic_load_n(&trace_domains[d].used, __ATOMIC_ACQUIRE)) {
            e.domid = UINT32_MAX;
        }
        for (unsigned i = 0; e.domid != UINT32_MAX && i < TRACE_DUMP_DOM_NAME_SIZE; i++) {
            e.name[i] = trace_domains[d].name[i];
        }
        e.name[TRACE_DUMP_DOM_NAME_SIZE - 1] = '\0';
        out(ctx, &e, sizeof(e));
    }
}

static void trace_dump_put_cpu(const struct trace_dump_snap *s, unsigned cpu, trace_dump_out_fn out,
                               void *ctx)
{
    struct trace_dump_cpu c = {
        .cpu = cpu,
        .nrecords = s->head[cpu],
        .lost = s->lost[cpu],
        .capacity = trace_rings[cpu].cap,
    };

    out(ctx, &c, sizeof(c));
    if (s->head[cpu]) {
        out(ctx, trace_rings[cpu].recs, (size_t)s->head[cpu] * sizeof(struct trace_record));
    }
}

void trace_dump_emit(const struct trace_dump_snap *s, trace_dump_out_fn out, void *ctx)
{
    struct trace_dump_trailer t = {.total_bytes = trace_dump_bytes(s)};

    trace_dump_put_header(s, out, ctx);
    trace_dump_put_domains(s, out, ctx);
    for (unsigned cpu = 0; cpu < s->ncpus; cpu++) {
        trace_dump_put_cpu(s, cpu, out, ctx);
    }
    trace_dump_copy8(t.magic, TRACE_DUMP_END_MAGIC);
    out(ctx, &t, sizeof(t));
}

int trace_dump(trace_dump_out_fn out, void *ctx)
{
    struct trace_dump_snap s;

    if (!out) {
        return -EINVAL;
    }
    trace_dump_take(&s);
    trace_dump_emit(&s, out, ctx);
    return 0;
}

size_t trace_dump_size(void)
{
    struct trace_dump_snap s;

    trace_dump_take(&s);
    return trace_dump_bytes(&s);
}

int trace_dump_hold(void)
{
    unsigned slot = __atomic_fetch_add(&trace_held_taken, 1, __ATOMIC_RELAXED);

    if (slot >= TRACE_DUMP_MAX_HELD) {
        return -ENOSPC;
    }
    struct trace_dump_snap *s = &trace_held_snaps[slot];
    uint64_t records = 0;

    trace_dump_take(s);
    __atomic_store_n(&trace_held_ready[slot], 1, __ATOMIC_RELEASE);
    for (unsigned cpu = 0; cpu < s->ncpus; cpu++) {
        records += s->head[cpu];
    }
    TRACE(trace_snapshot, slot + 1, records);
    return (int)slot + 1;
}

const struct trace_dump_snap *trace_dump_held(unsigned n)
{
    if (n == 0 || n > TRACE_DUMP_MAX_HELD ||
        !__atomic_load_n(&trace_held_ready[n - 1], __ATOMIC_ACQUIRE)) {
        return NULL;
    }
    return &trace_held_snaps[n - 1];
}

void trace_dump_held_reset(void)
{
    for (unsigned i = 0; i < TRACE_DUMP_MAX_HELD; i++) {
        trace_held_ready[i] = 0;
    }
    trace_held_taken = 0;
}
