/* Xen's console (console_timestamps=raw) read into the same milestones as Tessera's
 * (consolelog.h): docs/reference-xen.md names every line used. */
#ifndef TESSERA_HARNESS_XENLOG_H
#define TESSERA_HARNESS_XENLOG_H

#include <stdbool.h>
#include <stdint.h>

#include <tessera/manifest.h>

#include <tessera/harness/consolelog.h>

#define XENLOG_DEFAULT_HZ 62500000u /* QEMU virt's counter, until Xen's "Freq:" line says */
#define XENLOG_READY      "tessera-ready"

struct xenlog {
    struct clog *log;
    uint64_t hz;
    int64_t loading_ns; /* the last "*** LOADING DOMU" line, construction start */
    bool panic;         /* the last line was "Panic on CPU N:": the next one says why */
    char name[MF_MAX_DOMAINS][CLOG_NAME_MAX]; /* domid N is name[N - 1] */
    unsigned nnames;
};

void xenlog_init(struct xenlog *x, struct clog *log);
/* The next domid's domain name (Xen numbers dom0less domains 1, 2, ... in node order). */
int xenlog_add_domain(struct xenlog *x, const char *name);
/* Parses one line of Xen's console into x->log (clog_feed's contract; ctx is the xenlog). */
int xenlog_feed(void *ctx, const char *line, struct clog_note *n);
/* True once every domain the run expects is ready: Xen never ends a dom0less run itself. */
bool xenlog_all_ready(void *ctx);

#endif
