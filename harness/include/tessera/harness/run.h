/* `tessera run`: one boot of a scenario in one launch mode, with its results in a directory. */
#ifndef TESSERA_HARNESS_RUN_H
#define TESSERA_HARNESS_RUN_H

#include <stdbool.h>

#include <tessera/harness/input.h>

/* Exit statuses of the tessera command. */
#define RUN_EXIT_PASS  0
#define RUN_EXIT_FAIL  1 /* the run happened and an expectation failed */
#define RUN_EXIT_USAGE 2 /* bad command line, scenario or setup: nothing was measured */

/* The entropy seed of a run without --seed: fixed, so benchmark runs are reproducible. */
#define RUN_DEFAULT_SEED 0x7e55e7a5eedull

struct run_opts {
    const char *scenario;
    const char *mode;
    const char *out;        /* NULL: tessera-out/SCENARIO-MODE */
    const char *qemu;       /* NULL: qemu-system-aarch64 from PATH */
    const char *images;     /* NULL: the build's image directory */
    const char *hypervisor; /* NULL: IMAGES/tessera.bin */
    const char *backend;    /* NULL or "tessera": Tessera; "xen": Xen 4.17 dom0less (xen.h) */
    unsigned smp;           /* 0: /experiment/cpus */
    unsigned timeout_ms;    /* 0: /experiment/timeout-ms */
    bool quiet;
    bool skip_check;     /* boot without validating the manifest on the host first */
    bool no_trace;       /* no trace= for the hypervisor: no dump, no trace outputs */
    unsigned trace_kib;  /* trace-kib= (KiB of trace buffer per pCPU); 0: the default */
    const char *seed;    /* --seed: a number or "random"; NULL: RUN_DEFAULT_SEED */
    bool realtime;       /* no -icount: multi-threaded TCG, wall-derived times */
    bool no_summary;     /* no human summary on stdout (compare prints its own table) */
    const char *board;   /* NULL: /experiment/platform; else a board file's name */
    const char *command; /* the tessera command line that asked for the run (provenance) */
    /* --input TEXT (C escapes) written to the serial line once a console line containing
     * input_after[i] was seen; --input-after sets it for the --input options that follow
     * (default INPUT_DEFAULT_AFTER). */
    const char *input[INPUT_MAX_STEPS];
    const char *input_after[INPUT_MAX_STEPS];
    unsigned ninput;
    const char *next_after; /* while parsing: the last --input-after */
};

/* Returns RUN_EXIT_USAGE with a message on stderr if mode cannot be run by this build. */
int run_check_mode(const char *mode);
/* Runs the command; returns one of the RUN_EXIT_* statuses. */
int run_command(const struct run_opts *o);

#endif
