/* Statistics over samples (nearest-rank percentiles, refusing a percentile the sample count
 * cannot support) and fixed-width histograms, for the comparison tables and the latency
 * metrics. */
#ifndef TESSERA_HARNESS_STATS_H
#define TESSERA_HARNESS_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The percentiles reported: p50, p90, p99, p99.9 (indices STATS_P50 ...). */
enum { STATS_P50, STATS_P90, STATS_P99, STATS_P999, STATS_NPCT };
extern const double stats_pct[STATS_NPCT];
extern const char *const stats_pct_name[STATS_NPCT]; /* "p50", "p90", "p99", "p99.9" */

/* has_pct[i] is false when n is too small for stats_pct[i] (stats_min_samples). */
struct stats {
    size_t n;
    double min, mean, median, max;
    double pct[STATS_NPCT];
    bool has_pct[STATS_NPCT];
};

/* Samples needed before the p-th percentile (0 < p < 100) says more than the maximum:
 * ceil(100 / (100 - p)), so 100 for p99 and 1000 for p99.9. */
size_t stats_min_samples(double p);
/* The nearest-rank percentile p (0 < p <= 100) of n >= 1 sorted samples. */
double stats_percentile(const double *sorted, size_t n, double p);
/* Fills s from n samples (any order; v is not changed). -EINVAL if n == 0, -ENOMEM. */
int stats_compute(const double *v, size_t n, struct stats *s);

/* A histogram of nbins equal bins from lo (the minimum) to the maximum inclusive. */
struct stats_hist {
    double lo, width;
    size_t nbins;
    uint64_t *count;
};

/* nbins >= 1; one sample value (or equal ones) gives a single bin of width 1. -EINVAL, -ENOMEM. */
int stats_histogram(const double *v, size_t n, size_t nbins, struct stats_hist *h);
void stats_hist_free(struct stats_hist *h);

#endif
