/* Watching one QEMU boot: its serial output (stdout) is split into lines, written to
 * console.log as received and parsed into milestones; a wall-clock limit ends a hung run. */
#ifndef TESSERA_HARNESS_WATCH_H
#define TESSERA_HARNESS_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include <tessera/harness/consolelog.h>
#include <tessera/harness/error.h>
#include <tessera/harness/input.h>
#include <tessera/harness/proc.h>

#define WATCH_PROGRESS_MS 2000
#define WATCH_STDERR_CAP  (64u * 1024u)

struct watch_params {
    char *const *argv;        /* QEMU's command line */
    const char *console_path; /* console.log */
    uint32_t timeout_ms;      /* wall-clock limit */
    bool quiet;               /* no progress on stderr */
    const char *label;        /* "minimal/hyperlaunch", for progress lines */
    struct clog *log;         /* receives every line */
    /* Written to QEMU's stdin (the serial line) in this order, each once a console line
     * containing its `after` was seen (at any time since the start) and the steps before it
     * were written; stdin is closed after the last. None: stdin is /dev/null. */
    const struct input_step *input;
    size_t ninput;
    /* Another hypervisor's console (xenlog.h): each line goes to feed(feed_ctx, ...) instead of
     * clog_feed(log, ...); NULL: Tessera's console. */
    int (*feed)(void *ctx, const char *line, struct clog_note *n);
    void *feed_ctx;
    /* Checked after every line: once it is true the run is over and QEMU is ended (a hypervisor
     * that never powers the machine off, such as Xen dom0less). NULL: QEMU ends by itself. */
    bool (*finished)(void *ctx);
};

struct watch_result {
    int status;     /* QEMU's wait status (after a kill too) */
    bool timed_out; /* the limit was reached and QEMU was killed */
    bool finished;  /* finished() became true and the harness ended QEMU */
    double wall_s;
    struct proc_buf err; /* QEMU's stderr (capped at WATCH_STDERR_CAP, the rest counted) */
    unsigned long long split_lines; /* console lines too long to keep whole */
};

/* Runs QEMU to its end or the time limit. Returns 0 once QEMU ran (how it ended is in r),
 * or a negative errno with e set if it could not be run or its output not recorded. */
int watch_run(const struct watch_params *p, struct watch_result *r, struct herr *e);
void watch_result_free(struct watch_result *r);

#endif
