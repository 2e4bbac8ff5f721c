/* Statistics on known data: nearest-rank percentiles, the sample counts each percentile needs
 * (p90 10, p99 100, p99.9 1000), mean and median, and histogram binning. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>

#include <tessera/harness/stats.h>

Test(stats, percentile_nearest_rank)
{
    double v[100];

    for (int i = 0; i < 100; i++) {
        v[i] = i + 1;
    }
    cr_assert_float_eq(stats_percentile(v, 100, 99.0), 99.0, 1e-9);
    cr_assert_float_eq(stats_percentile(v, 100, 50.0), 50.0, 1e-9);
    cr_assert_float_eq(stats_percentile(v, 100, 100.0), 100.0, 1e-9);
    cr_assert_float_eq(stats_percentile(v, 100, 0.5), 1.0, 1e-9);
    /* 10 samples: p99 is the 10th (ceil(9.9)), p90 the 9th, p91 the 10th */
    cr_assert_float_eq(stats_percentile(v, 10, 99.0), 10.0, 1e-9);
    cr_assert_float_eq(stats_percentile(v, 10, 90.0), 9.0, 1e-9);
    cr_assert_float_eq(stats_percentile(v, 10, 91.0), 10.0, 1e-9);
}

Test(stats, samples_each_percentile_needs)
{
    cr_assert_eq(stats_min_samples(50.0), 2);
    cr_assert_eq(stats_min_samples(90.0), 10);
    cr_assert_eq(stats_min_samples(99.0), 100);
    cr_assert_eq(stats_min_samples(99.9), 1000);
}

Test(stats, of_200_samples)
{
    double v[200];
    struct stats s;

    for (int i = 0; i < 200; i++) {
        v[i] = 200 - i; /* unsorted: 200 .. 1 */
    }
    cr_assert_eq(stats_compute(v, 200, &s), 0);
    cr_assert_eq(s.n, 200);
    cr_assert_float_eq(s.min, 1.0, 1e-9);
    cr_assert_float_eq(s.max, 200.0, 1e-9);
    cr_assert_float_eq(s.mean, 100.5, 1e-9);
    cr_assert_float_eq(s.median, 100.5, 1e-9);
    cr_assert(s.has_pct[STATS_P50] && s.has_pct[STATS_P90] && s.has_pct[STATS_P99]);
    cr_assert_float_eq(s.pct[STATS_P50], 100.0, 1e-9);
    cr_assert_float_eq(s.pct[STATS_P90], 180.0, 1e-9);
    cr_assert_float_eq(s.pct[STATS_P99], 198.0, 1e-9);
    cr_assert_not(s.has_pct[STATS_P999], "200 samples cannot support a p99.9");
    cr_assert_float_eq(v[0], 200.0, 1e-9, "the samples are left as they were");
}

Test(stats, percentiles_refused_below_their_sample_count)
{
    static double v[1000];
    struct stats s;

    for (int i = 0; i < 1000; i++) {
        v[i] = i;
    }
    cr_assert_eq(stats_compute(v, 99, &s), 0);
    cr_assert_not(s.has_pct[STATS_P99], "99 samples cannot support a p99");
    cr_assert(s.has_pct[STATS_P90]);
    cr_assert_eq(stats_compute(v, 100, &s), 0);
    cr_assert(s.has_pct[STATS_P99]);
    cr_assert_float_eq(s.pct[STATS_P99], 98.0, 1e-9);
    cr_assert_eq(stats_compute(v, 999, &s), 0);
    cr_assert_not(s.has_pct[STATS_P999]);
    cr_assert_eq(stats_compute(v, 1000, &s), 0);
    cr_assert(s.has_pct[STATS_P999]);
    cr_assert_float_eq(s.pct[STATS_P999], 998.0, 1e-9, "the 999th of 1000");
    cr_assert_eq(stats_compute(v, 9, &s), 0);
    cr_assert_not(s.has_pct[STATS_P90], "9 samples cannot support a p90");
}

Test(stats, median_odd_and_even)
{
    double odd[] = {5, 1, 3}, even[] = {4, 1, 3, 2}, one[] = {7};
    struct stats s;

    cr_assert_eq(stats_compute(odd, 3, &s), 0);
    cr_assert_float_eq(s.median, 3.0, 1e-9);
    cr_assert_eq(stats_compute(even, 4, &s), 0);
    cr_assert_float_eq(s.median, 2.5, 1e-9);
    cr_assert_float_eq(s.mean, 2.5, 1e-9);
    cr_assert_eq(stats_compute(one, 1, &s), 0);
    cr_assert_float_eq(s.median, 7.0, 1e-9);
    cr_assert_float_eq(s.min, 7.0, 1e-9);
    cr_assert_float_eq(s.max, 7.0, 1e-9);
    cr_assert_not(s.has_pct[STATS_P50], "one sample supports no percentile");
    cr_assert_eq(stats_compute(one, 0, &s), -EINVAL);
}

Test(stats, histogram_bins)
{
    double v[] = {10, 11, 12, 19, 20, 30, 10};
    struct stats_hist h;

    cr_assert_eq(stats_histogram(v, 7, 4, &h), 0);
    cr_assert_eq(h.nbins, 4);
    cr_assert_float_eq(h.lo, 10.0, 1e-9);
    cr_assert_float_eq(h.width, 5.0, 1e-9);
    cr_assert_eq(h.count[0], 4, "10, 11, 12, 10");
    cr_assert_eq(h.count[1], 1, "19");
    cr_assert_eq(h.count[2], 1, "20");
    cr_assert_eq(h.count[3], 1, "30, the maximum, closes the last bin");
    stats_hist_free(&h);

    double same[] = {5, 5, 5};
    cr_assert_eq(stats_histogram(same, 3, 10, &h), 0);
    cr_assert_eq(h.nbins, 1);
    cr_assert_eq(h.count[0], 3);
    stats_hist_free(&h);
    cr_assert_eq(stats_histogram(same, 0, 10, &h), -EINVAL);
}
