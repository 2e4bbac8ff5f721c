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

static unsigned trace_dump_ndomains(void)
{
    unsigned n = 0;

    for (unsigned d = 0; d < TRACE_DUMP_MAX_DOMAINS; d++) {
        n += __atomic_load_n(&trace_domains[d].used, __ATOMIC_ACQUIRE) != 0;
    }
    return n;
}

void trace_dump_take(struct trace_dump_snap *s)
{
    s->ts = arch_counter();
    s->ncpus = __atomic_load_n(&trace_ncpus, __ATOMIC_ACQUIRE);
    s->ndomains = trace_dump_ndomains();
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

/* Writes at most s->ndomains entries, so the count in the header always holds. */
static void trace_dump_put_domains(const struct trace_dump_snap *s, trace_dump_out_fn out,
                                   void *ctx)
{
    unsigned left = s->ndomains;

    for (unsigned d = 0; d < TRACE_DUMP_MAX_DOMAINS && left; d++) {
        struct trace_dump_domain e = {.domid = d};
        if (!__atomic_load_n(&trace_domains[d].used, __ATOMIC_ACQUIRE)) {
            continue;
        }
        for (unsigned i = 0; i < TRACE_DUMP_DOM_NAME_SIZE; i++) {
            e.name[i] = trace_domains[d].name[i];
        }
        e.name[TRACE_DUMP_DOM_NAME_SIZE - 1] = '\0';
        out(ctx, &e, sizeof(e));
        left--;
    }
    /* A domain forgotten since the snapshot: keep the entry count. */
    for (; left; left--) {
        struct trace_dump_domain e = {.domid = UINT32_MAX};
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
