/* Sample statistics and histograms (tessera/harness/stats.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/harness/stats.h>

const double stats_pct[STATS_NPCT] = {50.0, 90.0, 99.0, 99.9};
const char *const stats_pct_name[STATS_NPCT] = {"p50", "p90", "p99", "p99.9"};

size_t stats_min_samples(double p)
{
    /* The rounding guard keeps 100 / 0.1 (p99.9) at 1000 despite binary fractions. */
    return (size_t)ceil(100.0 / (100.0 - p) - 1e-9);
}

static int stats_double_order(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stats_percentile(const double *sorted, size_t n, double p)
{
    /* ceil(p/100 * n), guarded against binary fractions (0.999 * 1000 is not quite 999) */
    size_t rank = (size_t)ceil(p / 100.0 * (double)n - 1e-9);

    rank = rank < 1 ? 1 : rank > n ? n : rank;
    return sorted[rank - 1];
}

int stats_compute(const double *v, size_t n, struct stats *s)
{
    double *w, sum = 0.0;

    if (n == 0) {
        return -EINVAL;
    }
    if (!(w = malloc(n * sizeof(*w)))) {
        return -ENOMEM;
    }
    memcpy(w, v, n * sizeof(*w));
    qsort(w, n, sizeof(*w), stats_double_order);
    for (size_t i = 0; i < n; i++) {
        sum += w[i];
    }
    *s = (struct stats){.n = n, .min = w[0], .max = w[n - 1], .mean = sum / (double)n};
    s->median = n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2.0;
    for (int i = 0; i < STATS_NPCT; i++) {
        s->has_pct[i] = n >= stats_min_samples(stats_pct[i]);
        s->pct[i] = s->has_pct[i] ? stats_percentile(w, n, stats_pct[i]) : 0.0;
    }
    free(w);
    return 0;
}

int stats_histogram(const double *v, size_t n, size_t nbins, struct stats_hist *h)
{
    double lo, hi;

    *h = (struct stats_hist){0};
    if (n == 0 || nbins == 0) {
        return -EINVAL;
    }
    lo = hi = v[0];
    for (size_t i = 1; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    if (hi == lo) {
        nbins = 1;
    }
    if (!(h->count = calloc(nbins, sizeof(*h->count)))) {
        return -ENOMEM;
    }
    h->lo = lo;
    h->nbins = nbins;
    h->width = hi > lo ? (hi - lo) / (double)nbins : 1.0;
    for (size_t i = 0; i < n; i++) {
        size_t b = (size_t)((v[i] - lo) / h->width);
        h->count[b < nbins ? b : nbins - 1]++; /* the maximum closes the last bin */
    }
    return 0;
}

void stats_hist_free(struct stats_hist *h)
{
    free(h->count);
    *h = (struct stats_hist){0};
}
