/* The dump reader: checks every field of a dump (format in tessera/trace_dump.h) and loads it
 * into a struct trace_data, refusing with a message that says what is wrong and where. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_host.h>

#define TRACE_READ_MAX_CPUS    4096
#define TRACE_READ_MAX_DOMAINS 65536

int trace_err_set(struct trace_err *e, int rc, const char *fmt, ...)
{
    va_list ap;

    if (e) {
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* A cursor over the dump bytes. */
struct trace_rd {
    const uint8_t *buf;
    size_t len, off;
    struct trace_err *e;
};

/* Copies n bytes at the cursor into dst; what names the part for the error message. */
static int trace_rd_take(struct trace_rd *r, void *dst, size_t n, const char *what)
{
    if (n > r->len - r->off) {
        return trace_err_set(r->e, -EINVAL,
                             "dump truncated: %s needs %zu bytes at offset %zu, the dump has %zu",
                             what, n, r->off, r->len);
    }
    memcpy(dst, r->buf + r->off, n);
    r->off += n;
    return 0;
}

static int trace_rd_header(struct trace_rd *r, struct trace_dump_header *h)
{
    int rc = trace_rd_take(r, h, sizeof(*h), "the header");

    if (rc) {
        return rc;
    }
    if (memcmp(h->magic, TRACE_DUMP_MAGIC, 8) != 0) {
        return trace_err_set(r->e, -EINVAL, "not a Tessera trace dump (no %s magic)",
                             TRACE_DUMP_MAGIC);
    }
    if (h->version != TRACE_DUMP_VERSION || h->header_size != sizeof(*h)) {
        return trace_err_set(r->e, -EINVAL,
                             "dump format version %u (header %u bytes); this tessera reads "
                             "version %u (header %zu bytes)",
                             h->version, h->header_size, TRACE_DUMP_VERSION, sizeof(*h));
    }
    if (h->schema_hash != trace_schema_hash()) {
        return trace_err_set(r->e, -EINVAL,
                             "the dump was written by a hypervisor built from another "
                             "trace/events.def (schema hash %016llx, this tessera has %016llx): "
                             "decode it with the tessera built from the same tree",
                             (unsigned long long)h->schema_hash,
                             (unsigned long long)trace_schema_hash());
    }
    if (h->record_size != TRACE_RECORD_SIZE || h->counter_hz == 0 || h->ncpus == 0 ||
        h->ncpus > TRACE_READ_MAX_CPUS || h->ndomains > TRACE_READ_MAX_DOMAINS) {
        return trace_err_set(r->e, -EINVAL,
                             "implausible dump header: record_size %u, counter_hz %llu, ncpus "
                             "%u, ndomains %u",
                             h->record_size, (unsigned long long)h->counter_hz, h->ncpus,
                             h->ndomains);
    }
    return 0;
}

static int trace_rd_domains(struct trace_rd *r, struct trace_data *d)
{
    d->domains = calloc(d->ndomains ? d->ndomains : 1, sizeof(*d->domains));
    if (!d->domains) {
        return trace_err_set(r->e, -ENOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < d->ndomains; i++) {
        int rc = trace_rd_take(r, &d->domains[i], sizeof(d->domains[i]), "the domain table");
        if (rc) {
            return rc;
        }
        d->domains[i].name[TRACE_DUMP_DOM_NAME_SIZE - 1] = '\0';
    }
    return 0;
}

static int trace_rd_check_record(struct trace_rd *r, uint32_t cpu, uint64_t i,
                                 const struct trace_record *rec)
{
    if (!trace_event_by_id(rec->id)) {
        return trace_err_set(r->e, -EINVAL, "cpu %u record %llu: unknown event id 0x%x", cpu,
                             (unsigned long long)i, rec->id);
    }
    if (rec->cpu != cpu) {
        return trace_err_set(r->e, -EINVAL, "cpu %u record %llu: written by cpu %u", cpu,
                             (unsigned long long)i, rec->cpu);
    }
    return 0;
}

static int trace_rec_cmp(const void *pa, const void *pb)
{
    const struct trace_record *a = pa, *b = pb;

    if (a->ts != b->ts) {
        return a->ts < b->ts ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Records are written in time order by one pCPU; sort anyway (a counter that went back, or a
 * TRACE_AT with an old timestamp), because every output needs time order. */
static void trace_rd_sort(struct trace_cpu_data *c)
{
    for (uint64_t i = 1; i < c->nrecords; i++) {
        if (trace_rec_cmp(&c->recs[i - 1], &c->recs[i]) > 0) {
            qsort(c->recs, c->nrecords, sizeof(*c->recs), trace_rec_cmp);
            return;
        }
    }
}

static int trace_rd_cpu(struct trace_rd *r, uint32_t index, struct trace_cpu_data *c)
{
    struct trace_dump_cpu h;
    char what[64];
    int rc = trace_rd_take(r, &h, sizeof(h), "a cpu header");

    if (rc) {
        return rc;
    }
    if (h.cpu != index || h.nrecords > h.capacity) {
        return trace_err_set(r->e, -EINVAL,
                             "cpu block %u: says cpu %u with %llu records in %llu slots", index,
                             h.cpu, (unsigned long long)h.nrecords, (unsigned long long)h.capacity);
    }
    *c = (struct trace_cpu_data){h.cpu, h.nrecords, h.lost, h.capacity, NULL};
    if (h.nrecords > (r->len - r->off) / sizeof(struct trace_record)) {
        return trace_err_set(r->e, -EINVAL,
                             "dump truncated: cpu %u has %llu records (%llu bytes) at offset %zu, "
                             "the dump has %zu bytes",
                             index, (unsigned long long)h.nrecords,
                             (unsigned long long)h.nrecords * sizeof(struct trace_record), r->off,
                             r->len);
    }
    c->recs = malloc(h.nrecords ? h.nrecords * sizeof(*c->recs) : 1);
    if (!c->recs) {
        return trace_err_set(r->e, -ENOMEM, "out of memory");
    }
    snprintf(what, sizeof(what), "cpu %u records", index);
    trace_rd_take(r, c->recs, h.nrecords * sizeof(*c->recs), what);
    for (uint64_t i = 0; i < h.nrecords; i++) {
        if ((rc = trace_rd_check_record(r, index, i, &c->recs[i])) != 0) {
            return rc;
        }
    }
    trace_rd_sort(c);
    return 0;
}

static int trace_rd_trailer(struct trace_rd *r)
{
    struct trace_dump_trailer t;
    int rc = trace_rd_take(r, &t, sizeof(t), "the trailer");

    if (rc) {
        return rc;
    }
    if (memcmp(t.magic, TRACE_DUMP_END_MAGIC, 8) != 0 || t.total_bytes != r->len) {
        return trace_err_set(r->e, -EINVAL,
                             "bad trailer at offset %zu (the dump has %zu bytes, the trailer "
                             "says %llu)",
                             r->off - sizeof(t), r->len, (unsigned long long)t.total_bytes);
    }
    return 0;
}

static int trace_rd_all(struct trace_rd *r, struct trace_data *d)
{
    struct trace_dump_header h;
    int rc;

    if ((rc = trace_rd_header(r, &h)) != 0) {
        return rc;
    }
    d->counter_hz = h.counter_hz;
    d->dump_ts = h.dump_ts;
    d->ndomains = h.ndomains;
    if ((rc = trace_rd_domains(r, d)) != 0) {
        return rc;
    }
    d->cpus = calloc(h.ncpus, sizeof(*d->cpus));
    if (!d->cpus) {
        return trace_err_set(r->e, -ENOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < h.ncpus; i++, d->ncpus++) {
        if ((rc = trace_rd_cpu(r, i, &d->cpus[i])) != 0) {
            free(d->cpus[i].recs);
            return rc;
        }
        d->nrecords += d->cpus[i].nrecords;
        d->lost += d->cpus[i].lost;
    }
    return trace_rd_trailer(r);
}

int trace_data_parse(const void *buf, size_t len, struct trace_data *d, struct trace_err *e)
{
    struct trace_rd r = {buf, len, 0, e};
    int rc;

    *d = (struct trace_data){0};
    rc = trace_rd_all(&r, d);
    if (rc) {
        trace_data_free(d);
    }
    return rc;
}

void trace_data_free(struct trace_data *d)
{
    for (uint32_t i = 0; d->cpus && i < d->ncpus; i++) {
        free(d->cpus[i].recs);
    }
    free(d->cpus);
    free(d->domains);
    *d = (struct trace_data){0};
}

const char *trace_data_domain_name(const struct trace_data *d, uint64_t domid)
{
    for (uint32_t i = 0; i < d->ndomains; i++) {
        if (d->domains[i].domid == domid && d->domains[i].name[0]) {
            return d->domains[i].name;
        }
    }
    return NULL;
}

uint64_t trace_data_ns(const struct trace_data *d, uint64_t ticks)
{
    return (uint64_t)((unsigned __int128)ticks * 1000000000u / d->counter_hz);
}
