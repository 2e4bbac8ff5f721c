/* `tessera trace DUMP --ctf DIR | --perfetto FILE | --stats`: converts a trace dump (or a
 * console log holding a framed UART dump) with the trace library's outputs. `tessera run`
 * writes the same outputs through trace_cmd_write. */
#ifndef TESSERA_HARNESS_TRACE_CMD_H
#define TESSERA_HARNESS_TRACE_CMD_H

#include <stdio.h>

#include <tessera/trace_host.h>

/* The outputs of one conversion; NULL members are not written. */
struct trace_cmd_out {
    const char *ctf;      /* CTF 1.8 directory (must not exist or be empty) */
    const char *perfetto; /* Chrome trace-event JSON file */
    FILE *stats;          /* the statistics text */
};

/* Writes the outputs o names from d. If r is not NULL the statistics are computed into it (the
 * caller frees them with trace_report_free) even without o->stats. Returns 0, or a negative
 * errno with e naming the output and its path ("CTF: DIR exists and is not empty...",
 * "Perfetto: FILE: ...", "statistics: ..."); on failure r holds nothing to free. */
int trace_cmd_write(const struct trace_data *d, const struct trace_cmd_out *o,
                    struct trace_report *r, struct trace_err *e);

/* argv[0] is "trace"; returns one of the RUN_EXIT_* statuses. */
int trace_cmd_main(int argc, char **argv);

#endif
