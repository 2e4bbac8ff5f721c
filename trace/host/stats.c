/* `tessera trace --stats`: per-event counts, per-domain exit histograms by exception class,
 * hypercall latency (hc_entry to hc_exit of the same vCPU and function, paired by pairs.c) and
 * lost records. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_host.h>

const char *trace_ec_name(unsigned ec)
{
    /* ESR_EL2.EC values of the Arm ARM (ESR_EL2 register description) a guest can cause. */
    static const char *const names[64] = {
        [0x00] = "UNKNOWN",  [0x01] = "WFx",      [0x03] = "MCR/MRC cp15", [0x07] = "FP/SIMD",
        [0x0e] = "ILLEGAL",  [0x11] = "SVC32",    [0x12] = "HVC32",        [0x13] = "SMC32",
        [0x15] = "SVC64",    [0x16] = "HVC64",    [0x17] = "SMC64",        [0x18] = "SYS64",
        [0x19] = "SVE",      [0x20] = "IABT_LOW", [0x21] = "IABT_CUR",     [0x22] = "PC_ALIGN",
        [0x24] = "DABT_LOW", [0x25] = "DABT_CUR", [0x26] = "SP_ALIGN",     [0x2c] = "FP_EXC64",
        [0x2f] = "SERROR",   [0x30] = "BRK_LOW",  [0x32] = "STEP_LOW",     [0x34] = "WATCH_LOW",
        [0x3c] = "BRK64",
    };

    return ec < 64 ? names[ec] : NULL;
}

/* Latencies of one hypercall function (or of all: fn = UINT64_MAX). */
struct st_lat {
    uint64_t fn;
    uint64_t *ns;
    size_t n, cap;
};

struct st {
    const struct trace_data *d;
    struct trace_report *r;
    struct st_lat *lat; /* [0] all functions */
    size_t nlat;
    struct trace_pairs pairs;
};

static struct trace_dom_traps *st_dom(struct trace_report *r, uint32_t domid)
{
    for (size_t i = 0; i < r->ndoms; i++) {
        if (r->doms[i].domid == domid) {
            return &r->doms[i];
        }
    }
    if (r->ndoms == TRACE_STATS_MAX_DOMAINS) {
        return NULL;
    }
    r->doms[r->ndoms] = (struct trace_dom_traps){.domid = domid};
    return &r->doms[r->ndoms++];
}

static int st_push(struct st_lat *l, uint64_t ns)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        uint64_t *n = realloc(l->ns, cap * sizeof(*n));
        if (!n) {
            return -ENOMEM;
        }
        l->ns = n;
        l->cap = cap;
    }
    l->ns[l->n++] = ns;
    return 0;
}

static struct st_lat *st_lat_of(struct st *s, uint64_t fn)
{
    struct st_lat *n;

    for (size_t i = 1; i < s->nlat; i++) {
        if (s->lat[i].fn == fn) {
            return &s->lat[i];
        }
    }
    n = realloc(s->lat, (s->nlat + 1) * sizeof(*n));
    if (!n) {
        return NULL;
    }
    s->lat = n;
    s->lat[s->nlat] = (struct st_lat){.fn = fn};
    return &s->lat[s->nlat++];
}

static int st_hc(struct st *s, const struct trace_record *rec)
{
    struct trace_pair pair;
    struct st_lat *l;
    int rc = trace_pairs_feed(&s->pairs, s->d, rec, &pair);

    if (rc <= 0 || pair.kind != TRACE_PAIR_HYPERCALL) {
        return rc;
    }
    l = st_lat_of(s, pair.what);
    if (!l || st_push(&s->lat[0], pair.ns) || st_push(l, pair.ns)) {
        return -ENOMEM;
    }
    return 0;
}

static void st_trap(struct st *s, const struct trace_record *rec)
{
    struct trace_dom_traps *t = st_dom(s->r, (uint32_t)(rec->args[0] >> 16));

    if (t) {
        t->by_ec[rec->args[1] & 63]++;
        t->total++;
    }
}

static int st_u64_cmp(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

    return a < b ? -1 : a > b;
}

/* min, average, p99 (nearest rank) and max of l. */
static void st_summarise(struct st_lat *l, struct trace_hc_stats *out)
{
    uint64_t sum = 0;

    out->fn = l->fn;
    out->lat = (struct trace_latency){.count = l->n};
    if (l->n == 0) {
        return;
    }
    qsort(l->ns, l->n, sizeof(*l->ns), st_u64_cmp);
    for (size_t i = 0; i < l->n; i++) {
        sum += l->ns[i];
    }
    out->lat.min_ns = l->ns[0];
    out->lat.max_ns = l->ns[l->n - 1];
    out->lat.avg_ns = (double)sum / (double)l->n;
    out->lat.p99_ns = l->ns[(99 * l->n + 99) / 100 - 1];
}

static int st_walk(struct st *s)
{
    size_t n;
    const struct trace_record **all = trace_data_merge(s->d, &n);
    int rc = 0;

    if (!all) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        s->r->counts[all[i]->id]++;
        if (all[i]->id == TRACE_EV_trap) {
            st_trap(s, all[i]);
        } else if (all[i]->id == TRACE_EV_hc_entry || all[i]->id == TRACE_EV_hc_exit) {
            rc = st_hc(s, all[i]);
        }
    }
    if (n) {
        s->r->span_ns = trace_data_ns(s->d, all[n - 1]->ts) - trace_data_ns(s->d, all[0]->ts);
    }
    free(all);
    return rc;
}

int trace_report_compute(const struct trace_data *d, struct trace_report *r, struct trace_err *e)
{
    struct st s = {.d = d, .r = r};
    int rc = -ENOMEM;

    memset(r, 0, sizeof(*r));
    r->records = d->nrecords;
    r->lost = d->lost;
    s.lat = calloc(1, sizeof(*s.lat));
    if (s.lat) {
        s.lat[0].fn = UINT64_MAX;
        s.nlat = 1;
        rc = st_walk(&s);
    }
    trace_pairs_finish(&s.pairs);
    r->hc_unmatched = s.pairs.unmatched;
    if (rc == 0 && (r->hc = calloc(s.nlat, sizeof(*r->hc))) != NULL) {
        r->nhc = s.nlat;
        for (size_t i = 0; i < s.nlat; i++) {
            st_summarise(&s.lat[i], &r->hc[i]);
        }
    } else if (rc == 0) {
        rc = -ENOMEM;
    }
    for (size_t i = 0; i < s.nlat; i++) {
        free(s.lat[i].ns);
    }
    free(s.lat);
    return rc ? trace_err_set(e, rc, "out of memory computing statistics") : 0;
}

void trace_report_free(struct trace_report *r)
{
    free(r->hc);
    r->hc = NULL;
    r->nhc = 0;
}
