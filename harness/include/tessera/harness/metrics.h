/* A run's metrics beyond boot times: latency series (samples the guests print as `lat` lines,
 * and pairs the trace yields: hypercall and interrupt-forwarding latency) and isolation probe
 * outcomes (`isolation` lines), for summary.json's "latency" and "isolation" (docs/console.md). */
#ifndef TESSERA_HARNESS_METRICS_H
#define TESSERA_HARNESS_METRICS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define METRICS_NAME_MAX   33 /* a series or probe name, with its NUL */
#define METRICS_DOMAIN_MAX 64
#define METRICS_HIST_BINS  20

struct metric_series {
    char domain[METRICS_DOMAIN_MAX];
    char name[METRICS_NAME_MAX];
    const char *source; /* "guest" or "trace" (a string literal) */
    double *v;          /* ns */
    size_t n, cap;
};

struct metric_probe {
    char domain[METRICS_DOMAIN_MAX];
    char name[METRICS_NAME_MAX];
    unsigned long blocked, leaked;
};

struct metrics {
    struct metric_series *s;
    size_t ns;
    struct metric_probe *p;
    size_t np;
};

void metrics_free(struct metrics *m);
/* Adds one sample to the series (domain, name, source), created on first use. Returns 0,
 * -EINVAL (a name empty or too long), -ENOMEM. */
int metrics_add(struct metrics *m, const char *domain, const char *name, const char *source,
                double ns);
/* Counts one outcome of probe name in domain. Same returns. */
int metrics_probe(struct metrics *m, const char *domain, const char *name, bool blocked);
/* Reads one line of a domain's output (the text after "NAME: "). Returns 1 if it was a `lat` or
 * `isolation` line and was recorded, 0 if it is neither, -EINVAL if it starts like one but
 * breaks the form (nothing is recorded then), -ENOMEM. */
int metrics_feed(struct metrics *m, const char *domain, const char *text);
/* The series of (domain, name), NULL if none. */
const struct metric_series *metrics_series(const struct metrics *m, const char *domain,
                                           const char *name);
/* Number of leaked probe outcomes over every domain. */
unsigned long metrics_leaked(const struct metrics *m);

/* summary.json "latency": one object per series {domain, series, source, unit, count, min,
 * mean, p50, p90, p99, p99_9 (null when the count cannot support it), max, histogram {lo_ns,
 * width_ns, counts}}; NULL when out of memory. */
json_t *metrics_latency_json(const struct metrics *m);
/* summary.json "isolation": {probes, blocked, leaked, faults, by_probe [{domain, probe,
 * blocked, leaked}]}; faults is the hypervisor's count of refused guest actions. */
json_t *metrics_isolation_json(const struct metrics *m, unsigned long faults);

/* The latency table (one row per series, "-" for a refused percentile) and the isolation line,
 * as Markdown (md) or as the indented human summary (width: its label column). */
void metrics_print(const struct metrics *m, unsigned long faults, bool md, int width, FILE *out);

#endif
