/* `tessera compare`: isolation and latency side by side (run 1 of each mode), in the table,
 * compare.json and one histogram plot per latency series. */
#include <stdlib.h>
#include <string.h>

#include "compare_out.h"

#define CMP_METRIC_W 18 /* "p50/p99/max" cells */

/* The latency series of summary s called (domain, series, source), NULL if none. */
static json_t *cmp_series(json_t *s, const char *domain, const char *series, const char *source)
{
    size_t i;
    json_t *l;

    json_array_foreach(json_object_get(s, "latency"), i, l)
    {
        const char *d = json_string_value(json_object_get(l, "domain")),
                   *n = json_string_value(json_object_get(l, "series")),
                   *src = json_string_value(json_object_get(l, "source"));
        if (d && n && src && !strcmp(d, domain) && !strcmp(n, series) && !strcmp(src, source)) {
            return l;
        }
    }
    return NULL;
}

/* Every series of any mode's run 1, each once, in order of first appearance: an array of
 * series objects (borrowed from the summaries). */
static json_t *cmp_all_series(const struct cmp_ctx *c)
{
    json_t *all = json_array();
    size_t i;
    json_t *l;

    for (size_t k = 0; all && k < c->nm; k++) {
        json_array_foreach(json_object_get(c->m[k].sum[0], "latency"), i, l)
        {
            bool seen = false;
            for (size_t j = 0; j < json_array_size(all) && !seen; j++) {
                json_t *a = json_array_get(all, j);
                seen = json_equal(json_object_get(a, "domain"), json_object_get(l, "domain")) &&
                       json_equal(json_object_get(a, "series"), json_object_get(l, "series")) &&
                       json_equal(json_object_get(a, "source"), json_object_get(l, "source"));
            }
            if (!seen) {
                json_array_append(all, l);
            }
        }
    }
    return all;
}

/* "1680/12016/17136" (p50/p99/max, "-" for a refused percentile) */
static const char *cmp_lat_cell(json_t *l, char *buf, size_t len)
{
    static const char *const key[] = {"p50", "p99", "max"};
    size_t used = 0;

    for (int i = 0; i < 3 && used < len; i++) {
        json_t *v = json_object_get(l, key[i]);
        int n = json_is_number(v)
                    ? snprintf(buf + used, len - used, "%s%.0f", i ? "/" : "", json_number_value(v))
                    : snprintf(buf + used, len - used, "%s-", i ? "/" : "");
        used += n > 0 ? (size_t)n : 0;
    }
    return buf;
}

static bool cmp_any_metrics(const struct cmp_ctx *c)
{
    for (size_t k = 0; k < c->nm; k++) {
        json_t *iso = json_object_get(c->m[k].sum[0], "isolation");
        if (json_array_size(json_object_get(c->m[k].sum[0], "latency")) ||
            json_integer_value(json_object_get(iso, "probes")) ||
            json_integer_value(json_object_get(iso, "faults"))) {
            return true;
        }
    }
    return false;
}

static void cmp_iso_row(const struct cmp_ctx *c, FILE *out, bool md, const char *label,
                        const char *k1, const char *k2)
{
    char buf[48];

    cmp_put_label(out, md, label);
    for (size_t k = 0; k < c->nm; k++) {
        json_t *iso = json_object_get(c->m[k].sum[0], "isolation");
        if (!json_is_object(iso)) {
            cmp_put(out, md, CMP_METRIC_W, "-");
            continue;
        }
        if (k2) {
            snprintf(buf, sizeof(buf), "%lld/%lld",
                     (long long)json_integer_value(json_object_get(iso, k1)),
                     (long long)json_integer_value(json_object_get(iso, k2)));
        } else {
            snprintf(buf, sizeof(buf), "%lld",
                     (long long)json_integer_value(json_object_get(iso, k1)));
        }
        cmp_put(out, md, CMP_METRIC_W, buf);
    }
    fprintf(out, "\n");
}

void cmp_metrics_table(const struct cmp_ctx *c, FILE *out, bool md)
{
    json_t *all, *l;
    char label[160], buf[64];
    size_t i;

    if (!cmp_any_metrics(c)) {
        return;
    }
    fprintf(out, md ? "\n### Isolation and latency (run 1 of each mode; latency in ns, "
                      "p50/p99/max, - when the samples cannot support a p99)\n\n"
                    : "\nisolation and latency (run 1 of each mode; latency ns p50/p99/max)\n");
    cmp_header(c, out, md, CMP_METRIC_W);
    cmp_iso_row(c, out, md, "isolation probes blocked/leaked", "blocked", "leaked");
    cmp_iso_row(c, out, md, "guest actions refused (faults)", "faults", NULL);
    all = cmp_all_series(c);
    json_array_foreach(all, i, l)
    {
        const char *d = json_string_value(json_object_get(l, "domain")),
                   *s = json_string_value(json_object_get(l, "series")),
                   *src = json_string_value(json_object_get(l, "source"));
        snprintf(label, sizeof(label), "%s %s (%s)", d, s, src);
        cmp_put_label(out, md, label);
        for (size_t k = 0; k < c->nm; k++) {
            json_t *ml = cmp_series(c->m[k].sum[0], d, s, src);
            cmp_put(out, md, CMP_METRIC_W, ml ? cmp_lat_cell(ml, buf, sizeof(buf)) : "-");
        }
        fprintf(out, "\n");
    }
    fprintf(out, "\n");
    json_decref(all);
}

void cmp_metrics_json(const struct cmp_mode *m, json_t *mode_obj)
{
    json_t *s = m->sum[0];

    json_object_set(mode_obj, "isolation",
                    s ? json_object_get(s, "isolation") ?: json_null() : json_null());
    json_object_set(mode_obj, "latency",
                    s ? json_object_get(s, "latency") ?: json_null() : json_null());
}

/* latency-DOMAIN-SERIES.dat: one block per mode (bin centre ns, count), for gnuplot's index. */
static bool cmp_latency_dat(const struct cmp_ctx *c, json_t *series, FILE *f, char *keys,
                            size_t len)
{
    const char *d = json_string_value(json_object_get(series, "domain")),
               *s = json_string_value(json_object_get(series, "series")),
               *src = json_string_value(json_object_get(series, "source"));
    size_t used = 0, blocks = 0;

    keys[0] = '\0';
    for (size_t k = 0; k < c->nm; k++) {
        json_t *l = cmp_series(c->m[k].sum[0], d, s, src), *h = json_object_get(l, "histogram");
        json_t *counts = json_object_get(h, "counts");
        double lo = json_number_value(json_object_get(h, "lo_ns")),
               w = json_number_value(json_object_get(h, "width_ns"));
        if (!json_array_size(counts)) {
            continue;
        }
        fprintf(f, "%s# %s\n", blocks ? "\n\n" : "", c->m[k].name);
        for (size_t b = 0; b < json_array_size(counts); b++) {
            fprintf(f, "%.1f %lld\n", lo + w * ((double)b + 0.5),
                    (long long)json_integer_value(json_array_get(counts, b)));
        }
        int n = snprintf(keys + used, len - used, "%s%s", blocks ? " " : "", c->m[k].name);
        used += n > 0 && (size_t)n < len - used ? (size_t)n : 0;
        blocks++;
    }
    return blocks > 0;
}

void cmp_plot_latency(const struct cmp_ctx *c, const char *gnuplot)
{
    json_t *all = cmp_all_series(c), *l;
    size_t i;

    json_array_foreach(all, i, l)
    {
        const char *d = json_string_value(json_object_get(l, "domain")),
                   *s = json_string_value(json_object_get(l, "series")),
                   *src = json_string_value(json_object_get(l, "source"));
        char name[160], datname[176], keys[256], body[2048], *dat;
        FILE *f;

        snprintf(name, sizeof(name), "latency-%s-%s%s", d, s, strcmp(src, "trace") ? "" : "-trace");
        snprintf(datname, sizeof(datname), "%s.dat", name);
        if (!(f = cmp_open(c, datname, &dat))) {
            free(dat);
            continue;
        }
        bool any = cmp_latency_dat(c, l, f, keys, sizeof(keys));
        fclose(f);
        if (any) {
            snprintf(body, sizeof(body),
                     "set title \"%s: %s latency of %s (%s), run 1 of each mode\" noenhanced\n"
                     "set xlabel \"ns (bin centre)\"\nset ylabel \"samples (log scale)\"\n"
                     "set logscale y\nset yrange [0.8:*]\nset grid\nset key top right\n"
                     "modes = \"%s\"\n"
                     "set key noenhanced\nplot for [i=0:words(modes)-1] \"%s\" index i using 1:2 "
                     "with histeps "
                     "lw 2 title word(modes, i+1)\n",
                     c->name, s, d, src, keys, dat);
            cmp_plot(c, gnuplot, name, body, 420);
        }
        free(dat);
    }
    json_decref(all);
}
