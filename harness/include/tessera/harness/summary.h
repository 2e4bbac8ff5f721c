/* The results of one run (DESIGN §4.5): summary.json, report.md and the human summary printed
 * at the end of `tessera run`. */
#ifndef TESSERA_HARNESS_SUMMARY_H
#define TESSERA_HARNESS_SUMMARY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include <tessera/harness/consolelog.h>
#include <tessera/harness/error.h>
#include <tessera/harness/scenario.h>
#include <tessera/harness/strvec.h>

struct summary_input {
    const char *scenario;      /* scenario name: the file name without .dts */
    const char *scenario_file; /* as given on the command line */
    const char *mode;
    const char *backend; /* "tessera" or "xen" (--backend); NULL: "tessera" */
    const char *platform;
    bool firmware;      /* firmware (U-Boot) ran before the hypervisor: its time is entry_ns */
    const char *timing; /* "icount" */
    uint64_t seed;      /* the run's entropy seed (/chosen/tessera,seed) */
    const char *commit;
    const char *qemu_version;
    const struct strvec *flags; /* QEMU's argv */
    const char *command;        /* tessera's own command line, NULL if not known */
    const struct clog *log;
    const struct scenario_domains *domains; /* the manifest's, in order */
    bool qemu_exited;                       /* QEMU exited by itself (not killed, no signal) */
    int qemu_exit_status;
    bool pass;
    const struct strvec *reasons;
    json_t *trace; /* summary.json "trace" (run_trace.h); NULL: tracing was off */
};

/* The summary.json document (new reference). NULL only when out of memory. */
json_t *summary_json(const struct summary_input *in);
/* Writes summary.json (indented, keys in contract order) to path. */
int summary_write(const struct summary_input *in, const char *path, struct herr *e);
/* Writes the Markdown report. */
void summary_markdown(const struct summary_input *in, FILE *out);
/* Writes the short human summary (times in ms with 3 decimals). */
void summary_human(const struct summary_input *in, const char *out_dir, FILE *out);

#endif
