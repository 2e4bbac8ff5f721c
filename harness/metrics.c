/* Latency series and isolation probes (tessera/harness/metrics.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/metrics.h>
#include <tessera/harness/stats.h>

void metrics_free(struct metrics *m)
{
    for (size_t i = 0; i < m->ns; i++) {
        free(m->s[i].v);
    }
    free(m->s);
    free(m->p);
    *m = (struct metrics){0};
}

static bool metrics_name_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    return n > 0 && n < max;
}

static struct metric_series *metrics_series_get(struct metrics *m, const char *domain,
                                                const char *name, const char *source)
{
    struct metric_series *n;

    for (size_t i = 0; i < m->ns; i++) {
        if (!strcmp(m->s[i].domain, domain) && !strcmp(m->s[i].name, name) &&
            !strcmp(m->s[i].source, source)) {
            return &m->s[i];
        }
    }
    if (!(n = realloc(m->s, (m->ns + 1) * sizeof(*n)))) {
        return NULL;
    }
    m->s = n;
    n = &m->s[m->ns++];
    *n = (struct metric_series){.source = source};
    strcpy(n->domain, domain);
    strcpy(n->name, name);
    return n;
}

int metrics_add(struct metrics *m, const char *domain, const char *name, const char *source,
                double ns)
{
    struct metric_series *s;

    if (!metrics_name_ok(domain, METRICS_DOMAIN_MAX) || !metrics_name_ok(name, METRICS_NAME_MAX)) {
        return -EINVAL;
    }
    if (!(s = metrics_series_get(m, domain, name, source))) {
        return -ENOMEM;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        double *v = realloc(s->v, cap * sizeof(*v));
        if (!v) {
            return -ENOMEM;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = ns;
    return 0;
}

int metrics_probe(struct metrics *m, const char *domain, const char *name, bool blocked)
{
    struct metric_probe *p = NULL;

    if (!metrics_name_ok(domain, METRICS_DOMAIN_MAX) || !metrics_name_ok(name, METRICS_NAME_MAX)) {
        return -EINVAL;
    }
    for (size_t i = 0; i < m->np && !p; i++) {
        p = !strcmp(m->p[i].domain, domain) && !strcmp(m->p[i].name, name) ? &m->p[i] : NULL;
    }
    if (!p) {
        if (!(p = realloc(m->p, (m->np + 1) * sizeof(*p)))) {
            return -ENOMEM;
        }
        m->p = p;
        p = &m->p[m->np++];
        *p = (struct metric_probe){0};
        strcpy(p->domain, domain);
        strcpy(p->name, name);
    }
    *(blocked ? &p->blocked : &p->leaked) += 1;
    return 0;
}

/* The next space-separated word of *s into buf (at most len bytes with the NUL); false if there
 * is none or it does not fit. */
static bool metrics_word(const char **s, char *buf, size_t len)
{
    const char *p = *s + strspn(*s, " ");
    size_t n = strcspn(p, " ");

    if (n == 0 || n >= len) {
        return false;
    }
    memcpy(buf, p, n);
    buf[n] = '\0';
    *s = p + n;
    return true;
}

/* "lat SERIES V [V ...]": every value is checked before any is recorded. */
static int metrics_lat(struct metrics *m, const char *domain, const char *rest)
{
    char series[METRICS_NAME_MAX], num[24];
    const char *p = rest, *q;
    size_t count = 0;
    int rc = 0;

    if (!metrics_word(&p, series, sizeof(series))) {
        return -EINVAL;
    }
    for (q = p; metrics_word(&q, num, sizeof(num)); count++) {
        char *end;
        errno = 0;
        strtoull(num, &end, 10);
        if (*end || errno || num[0] == '-' || num[0] == '+') {
            return -EINVAL;
        }
    }
    if (count == 0 || q[strspn(q, " ")] != '\0') {
        return -EINVAL; /* no value, or an over-long word the loop stopped at */
    }
    while (rc == 0 && metrics_word(&p, num, sizeof(num))) {
        rc = metrics_add(m, domain, series, "guest", (double)strtoull(num, NULL, 10));
    }
    return rc ? rc : 1;
}

/* "isolation PROBE blocked|leaked" */
static int metrics_isolation(struct metrics *m, const char *domain, const char *rest)
{
    char probe[METRICS_NAME_MAX], outcome[8];
    const char *p = rest;
    int rc;

    if (!metrics_word(&p, probe, sizeof(probe)) || !metrics_word(&p, outcome, sizeof(outcome)) ||
        p[strspn(p, " ")] != '\0' || (strcmp(outcome, "blocked") && strcmp(outcome, "leaked"))) {
        return -EINVAL;
    }
    rc = metrics_probe(m, domain, probe, !strcmp(outcome, "blocked"));
    return rc ? rc : 1;
}

int metrics_feed(struct metrics *m, const char *domain, const char *text)
{
    if (!strncmp(text, "lat ", 4)) {
        return metrics_lat(m, domain, text + 4);
    }
    if (!strncmp(text, "isolation ", 10)) {
        return metrics_isolation(m, domain, text + 10);
    }
    return 0;
}

const struct metric_series *metrics_series(const struct metrics *m, const char *domain,
                                           const char *name)
{
    for (size_t i = 0; i < m->ns; i++) {
        if (!strcmp(m->s[i].domain, domain) && !strcmp(m->s[i].name, name)) {
            return &m->s[i];
        }
    }
    return NULL;
}

unsigned long metrics_leaked(const struct metrics *m)
{
    unsigned long n = 0;

    for (size_t i = 0; i < m->np; i++) {
        n += m->p[i].leaked;
    }
    return n;
}

static json_t *metrics_histogram_json(const struct metric_series *s)
{
    struct stats_hist h;
    json_t *counts, *j;

    if (stats_histogram(s->v, s->n, METRICS_HIST_BINS, &h)) {
        return NULL;
    }
    counts = json_array();
    for (size_t i = 0; counts && i < h.nbins; i++) {
        if (json_array_append_new(counts, json_integer((json_int_t)h.count[i]))) {
            json_decref(counts);
            counts = NULL;
        }
    }
    j = counts ? json_pack("{s:f,s:f,s:o}", "lo_ns", h.lo, "width_ns", h.width, "counts", counts)
               : NULL;
    stats_hist_free(&h);
    return j;
}

static json_t *metrics_series_json(const struct metric_series *s)
{
    static const char *const key[STATS_NPCT] = {"p50", "p90", "p99", "p99_9"};
    struct stats st;
    json_t *j;

    if (stats_compute(s->v, s->n, &st)) {
        return NULL;
    }
    j = json_pack("{s:s,s:s,s:s,s:s,s:I,s:f,s:f}", "domain", s->domain, "series", s->name, "source",
                  s->source, "unit", "ns", "count", (json_int_t)s->n, "min", st.min, "mean",
                  st.mean);
    for (int i = 0; j && i < STATS_NPCT; i++) {
        if (json_object_set_new(j, key[i], st.has_pct[i] ? json_real(st.pct[i]) : json_null())) {
            json_decref(j);
            j = NULL;
        }
    }
    if (j && (json_object_set_new(j, "max", json_real(st.max)) ||
              json_object_set_new(j, "histogram", metrics_histogram_json(s)))) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

json_t *metrics_latency_json(const struct metrics *m)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < m->ns; i++) {
        if (json_array_append_new(a, metrics_series_json(&m->s[i]))) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

json_t *metrics_isolation_json(const struct metrics *m, unsigned long faults)
{
    json_t *by = json_array();
    unsigned long blocked = 0, leaked = 0;

    for (size_t i = 0; by && i < m->np; i++) {
        const struct metric_probe *p = &m->p[i];
        blocked += p->blocked;
        leaked += p->leaked;
        if (json_array_append_new(by, json_pack("{s:s,s:s,s:I,s:I}", "domain", p->domain, "probe",
                                                p->name, "blocked", (json_int_t)p->blocked,
                                                "leaked", (json_int_t)p->leaked))) {
            json_decref(by);
            by = NULL;
        }
    }
    return by ? json_pack("{s:I,s:I,s:I,s:I,s:o}", "probes", (json_int_t)(blocked + leaked),
                          "blocked", (json_int_t)blocked, "leaked", (json_int_t)leaked, "faults",
                          (json_int_t)faults, "by_probe", by)
              : NULL;
}

void metrics_print(const struct metrics *m, unsigned long faults, bool md, int width, FILE *out)
{
    unsigned long blocked = 0, leaked = 0;
    char b[STATS_NPCT][32];

    for (size_t i = 0; i < m->ns; i++) {
        const struct metric_series *s = &m->s[i];
        struct stats st;
        if (stats_compute(s->v, s->n, &st)) {
            continue;
        }
        for (int k = 0; k < STATS_NPCT; k++) {
            if (st.has_pct[k]) {
                snprintf(b[k], sizeof(b[k]), "%.0f", st.pct[k]);
            } else {
                strcpy(b[k], "-");
            }
        }
        if (md) {
            fprintf(out, "%s| %s | %s | %s | %zu | %.0f | %.0f | %s | %s | %s | %s | %.0f |\n",
                    i ? ""
                      : "\n| domain | series | source | n | min | mean | p50 | p90 | p99 | "
                        "p99.9 | max |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
                    s->domain, s->name, s->source, s->n, st.min, st.mean, b[0], b[1], b[2], b[3],
                    st.max);
        } else {
            fprintf(out, "  %-*s  %s %s (%s): n=%zu min %.0f mean %.0f", width,
                    i ? "" : "latency ns", s->domain, s->name, s->source, s->n, st.min, st.mean);
            for (int k = 0; k < STATS_NPCT; k++) {
                if (st.has_pct[k]) {
                    fprintf(out, " %s %s", stats_pct_name[k], b[k]);
                }
            }
            fprintf(out, " max %.0f\n", st.max);
        }
    }
    for (size_t i = 0; i < m->np; i++) {
        blocked += m->p[i].blocked;
        leaked += m->p[i].leaked;
    }
    if (md) {
        fprintf(out,
                "\nIsolation: %lu probes, %lu blocked, %lu leaked; %lu guest actions refused by "
                "the hypervisor.\n",
                blocked + leaked, blocked, leaked, faults);
    } else {
        fprintf(out, "  %-*s  %lu probes, %lu blocked, %lu leaked; %lu guest actions refused\n",
                width, "isolation", blocked + leaked, blocked, leaked, faults);
    }
}
