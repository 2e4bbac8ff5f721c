/* The trace of a `tessera run`: the hypervisor's trace target and trace-kib= argument, then the
 * dumps it printed as framed lines on its console, taken from console.log, converted (CTF,
 * Perfetto JSON, statistics) and summarised for summary.json. */
#ifndef TESSERA_HARNESS_RUN_TRACE_H
#define TESSERA_HARNESS_RUN_TRACE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include <tessera/harness/consolelog.h>
#include <tessera/harness/error.h>
#include <tessera/harness/strvec.h>

/* The hypervisor's trace target (/chosen/tessera,trace): framed lines on its own console. */
#define RUN_TRACE_TARGET "uart"
/* The console log of a run, where the dumps are found. */
#define RUN_CONSOLE_LOG "console.log"

/* File names in the results directory. */
#define RUN_TRACE_DUMP          "trace.dump"
#define RUN_TRACE_MAX_SNAPSHOTS 64 /* trace.dump.1 ... removed before a run */
#define RUN_TRACE_CTF           "trace.ctf"
#define RUN_TRACE_PERFETTO      "trace.json"
#define RUN_TRACE_STATS         "trace-stats.txt"

struct run_trace {
    bool on;
    unsigned kib;   /* trace-kib=, 0: the hypervisor's default */
    char *out_dir;  /* the results directory */
    char *dump;     /* OUT/trace.dump */
    json_t *result; /* summary.json "trace" once collected; NULL: tracing was off */
};

/* Removes the trace outputs of an earlier run from out_dir (dumps, snapshots, conversions).
 * Returns 0 or a negative errno with e saying what is wrong. */
int run_trace_prepare(struct run_trace *t, const char *out_dir, bool on, unsigned kib,
                      struct herr *e);
/* The hypervisor arguments (" trace-kib=N", or "" when off or default) appended to buf, which
 * holds a string of at most len bytes with its NUL. Returns 0, or -ENOSPC if they do not fit. */
int run_trace_bootargs(const struct run_trace *t, char *buf, size_t len);
/* After the run: takes the final dump (dump 0) and the snapshots (1, 2, ...) from the
 * hypervisor's lines of OUT/console.log into trace.dump and trace.dump.N, loads the dump,
 * writes trace.ctf/, trace.json and trace-stats.txt, and builds t->result. A missing, damaged
 * or invalid dump (or snapshot), or an output that failed, is t->result's "error"; it
 * is also appended to reasons when explain (the run ended by itself), with what the
 * hypervisor said about the dump (from log). A complete trace also gives log its boot timeline
 * (timeline.h) and its hypercall and interrupt-forwarding latencies (log->metrics: series
 * "hypercall" and "irq_forward" of each domain, source "trace").
 * Returns true if the trace is complete. */
bool run_trace_collect(struct run_trace *t, struct clog *log, bool explain, struct strvec *reasons);
void run_trace_free(struct run_trace *t);

#endif
