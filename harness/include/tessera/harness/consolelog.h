/* Parser of the hypervisor's console lines (docs/console.md) into boot milestones: one line at a
 * time, timestamps from the line prefix only (never a host clock). */
#ifndef TESSERA_HARNESS_CONSOLELOG_H
#define TESSERA_HARNESS_CONSOLELOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tessera/harness/metrics.h>

#define CLOG_NONE       (-1) /* a time or id that was never seen */
#define CLOG_NAME_MAX   64
#define CLOG_TAIL       3 /* last lines kept per domain, for timeout reports */
#define CLOG_REASON_MAX 16
#define CLOG_FORMAT_MAX 16

/* Last lines of one source, oldest first through clog_tail(). */
struct clog_tail {
    char *line[CLOG_TAIL];
    unsigned next;
    unsigned count;
};

/* A boot module as the hypervisor reported giving it to a domain ("dom NAME kernel ..." and
 * "dom NAME ramdisk ..."); the first report counts. */
struct clog_module {
    bool seen;
    char format[CLOG_FORMAT_MAX]; /* kernel: "raw", "elf" or "image"; "" for a ramdisk */
    bool mapped;                  /* handed over by stage-2 mapping in place, else copied */
    uint64_t bytes;
    uint64_t addr; /* kernel: its entry point; ramdisk: the IPA it was put at */
};

struct clog_domain {
    char name[CLOG_NAME_MAX];
    bool declared; /* named by the manifest (clog_declare), not only by the console */
    bool expected; /* must become ready in this run (not so for a domain of another mode) */
    int64_t id;    /* from "created id=", CLOG_NONE if not seen */
    int64_t created_ns;
    int64_t build_ns;        /* from "created id=ID build_ns=NS", CLOG_NONE if not given */
    int64_t first_instr_ns;  /* vCPU 0 entered */
    int64_t first_output_ns; /* first line with the domain's name */
    int64_t ready_ns;
    int64_t shutdown_ns;
    char shutdown_reason[CLOG_REASON_MAX]; /* "poweroff", "reboot", "crash"; "" if none */
    unsigned faults;
    struct clog_module kernel;
    struct clog_module ramdisk;
    unsigned long lines;   /* lines with the domain's name */
    struct clog_tail tail; /* its own lines and the hypervisor's "dom NAME ..." lines */
};

struct clog {
    bool have_entry;
    uint64_t counter_hz;
    uint64_t entry_ticks;
    int64_t entry_ns;
    unsigned cpus;
    int64_t init_done_ns;
    bool have_exit;
    int exit_status; /* from "exit status=S" */
    int64_t exit_ns;
    char *fatal; /* text after "FATAL " of the first such line (new string), NULL if none */
    int64_t fatal_ns;
    int dom0less;    /* N of "manifest: N Xen dom0less domains translated", -1 if not seen */
    int64_t last_ns; /* timestamp of the latest well-formed line */
    unsigned long lines;
    unsigned long malformed; /* no valid prefix, or a milestone line that breaks its format */
    char *first_malformed;   /* the first such line, for the report; NULL if none */
    struct clog_domain *dom;
    size_t ndom;
    size_t cap;
    struct clog_tail hyp_tail;
    struct clog_tail other_tail; /* lines without a valid prefix */
    struct metrics metrics;      /* `lat` and `isolation` lines of the domains */
    bool timeline_trace;         /* the milestones' times came from the trace (timeline.h) */
};

enum clog_event {
    CLOG_EV_OTHER,
    CLOG_EV_MALFORMED,
    CLOG_EV_ENTRY,
    CLOG_EV_INIT_DONE,
    CLOG_EV_CREATED,
    CLOG_EV_FIRST_INSTR,
    CLOG_EV_FIRST_OUTPUT,
    CLOG_EV_READY,
    CLOG_EV_SHUTDOWN,
    CLOG_EV_FAULT,
    CLOG_EV_EXIT,
    CLOG_EV_KERNEL,   /* "dom NAME kernel ..." */
    CLOG_EV_RAMDISK,  /* "dom NAME ramdisk ..." */
    CLOG_EV_FATAL,    /* "FATAL WHAT: MESSAGE": the hypervisor stopped */
    CLOG_EV_DOM0LESS, /* "manifest: N Xen dom0less domains translated" */
};

/* What one line meant: the event, its time and the domain it concerns (index, or -1). */
struct clog_note {
    enum clog_event ev;
    int64_t ns;
    long dom;
};

void clog_init(struct clog *c);
void clog_free(struct clog *c);
/* Declares a manifest domain the run expects to become ready, so it is listed even if the
 * console never names it. Returns its index, or -ENOMEM / -EINVAL (a name outside
 * domctl_name_valid: empty, too long, "hyp", or a character other than A-Z, a-z, 0-9, _ and -). */
long clog_declare(struct clog *c, const char *name);
/* Declares a manifest domain the launch mode does not build (the console may still name it):
 * not expected to become ready. Same returns. */
long clog_declare_idle(struct clog *c, const char *name);
/* Index of the domain called name, or -1. */
long clog_find(const struct clog *c, const char *name);
/* Parses one console line (no newline) and records what it says. Returns -ENOMEM or 0. */
int clog_feed(struct clog *c, const char *line, struct clog_note *note);
/* One-line description of a milestone note ("hello ready"); returns false for other events. */
bool clog_describe(const struct clog *c, const struct clog_note *n, char *buf, size_t len);
/* The lines kept in t, oldest first; returns how many (at most CLOG_TAIL). */
unsigned clog_tail_lines(const struct clog_tail *t, const char *out[CLOG_TAIL]);
/* For parsers of other hypervisors' consoles (xenlog.h): a line of domain name's own output
 * (first output, tail, `lat` and `isolation` lines), with clog_feed's returns; a line that
 * breaks the console's format; a line kept in a tail. */
int clog_feed_guest(struct clog *c, int64_t ns, const char *name, const char *line,
                    const char *text, struct clog_note *n);
void clog_malformed(struct clog *c, const char *line);
void clog_tail_push(struct clog_tail *t, const char *line);
/* Every parser's start of a line: counted, and n set to "no event, no time, no domain". */
void clog_line_start(struct clog *c, struct clog_note *n);
/* A line that breaks the console's format: kept in the tail, counted and noted; returns 0. */
int clog_line_malformed(struct clog *c, const char *line, struct clog_note *n);
/* Number of expected domains that have ready_ns. */
unsigned clog_ready_count(const struct clog *c);

#endif
