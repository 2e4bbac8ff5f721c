/* `tessera compare`: every launch mode of a scenario, repeated, side by side; plus the pieces
 * it is made of that tests reach directly (statistics, comparing two summaries). */
#ifndef TESSERA_HARNESS_COMPARE_H
#define TESSERA_HARNESS_COMPARE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include <tessera/harness/run.h>
#include <tessera/harness/strvec.h>

#define COMPARE_P99_NA "n/a (needs >= 100 samples)"

struct compare_opts {
    const char *scenario;
    const char *out;   /* NULL: tessera-out/SCENARIO */
    const char *modes; /* comma-separated; NULL: /experiment/modes */
    unsigned repeat;   /* runs per mode; 0 means 1 */
    bool realtime;     /* --timing realtime */
    bool quiet;
    /* What every run gets as `tessera run` would (qemu, images, hypervisor, board, timeout_ms,
     * no_trace); compare sets scenario, mode, out and the rest itself. */
    struct run_opts run;
};

/* Pushes onto diffs the name of every boot number ("hypervisor.init_done_ns", "all_ready_ns",
 * "DOMAIN.created_ns", first_instr_ns, first_output_ns, ready_ns) that differs between two
 * summary.json objects (including a number one has and the other has not, or a domain only one
 * has). Returns how many differ, or -ENOMEM. */
int compare_diff(json_t *a, json_t *b, struct strvec *diffs);

/* Runs the command; returns RUN_EXIT_PASS, RUN_EXIT_FAIL or RUN_EXIT_USAGE. */
int compare_command(const struct compare_opts *o);

#endif
