/* Host side of Tessera tracing: the event tables of events.def, the dump reader and validator,
 * the framed-UART decoder, and the three outputs of `tessera trace` (CTF, Perfetto JSON,
 * statistics). Every function that can fail returns 0 or a negative errno and explains the
 * failure in a struct trace_err. */
#ifndef TESSERA_TRACE_HOST_H
#define TESSERA_TRACE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <tessera/trace.h>
#include <tessera/trace_dump.h>

#define TRACE_ERR_MAX 1024
struct trace_err {
    char msg[TRACE_ERR_MAX];
};
/* Formats e (if not NULL) and returns rc. */
int trace_err_set(struct trace_err *e, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* events.def as tables. */
struct trace_class_info {
    unsigned bit;
    const char *name;
    const char *desc;
};
struct trace_event_info {
    unsigned id;
    unsigned cls;
    const char *name;
    unsigned nargs;
    const char *args[4];
    const char *desc;
    const char *argdesc;
};
size_t trace_event_count(void);
/* The i-th event in events.def order, NULL past the end. */
const struct trace_event_info *trace_event_at(size_t i);
/* NULL if id is not in events.def. */
const struct trace_event_info *trace_event_by_id(unsigned id);
const struct trace_event_info *trace_event_by_name(const char *name);
size_t trace_class_count(void);
const struct trace_class_info *trace_class_at(size_t i);
/* Name of class bit cls, NULL if none. */
const char *trace_class_name(unsigned cls);
/* True for arguments best read in hexadecimal (addresses, ESR values, encodings). */
bool trace_arg_is_hex(const char *name);

/* A dump in memory, validated. Each pCPU's records are sorted by time (ties by seq). */
struct trace_cpu_data {
    uint32_t cpu;
    uint64_t nrecords, lost, capacity;
    struct trace_record *recs;
};
struct trace_data {
    uint64_t counter_hz;
    uint64_t dump_ts;
    uint32_t ncpus;
    struct trace_cpu_data *cpus;
    uint32_t ndomains;
    struct trace_dump_domain *domains;
    uint64_t nrecords, lost; /* over all pCPUs */
};
/* Parses and validates a dump (copies what it needs from buf). */
int trace_data_parse(const void *buf, size_t len, struct trace_data *d, struct trace_err *e);
/* Reads path: a dump file, or a console log holding a framed UART dump. */
int trace_data_load(const char *path, struct trace_data *d, struct trace_err *e);
void trace_data_free(struct trace_data *d);
/* Name of domid from the dump's domain table, NULL if it has none. */
const char *trace_data_domain_name(const struct trace_data *d, uint64_t domid);
/* Counter ticks as nanoseconds. */
uint64_t trace_data_ns(const struct trace_data *d, uint64_t ticks);
/* Every record of every pCPU in time order (ties: pCPU, then seq); caller frees the array. */
const struct trace_record **trace_data_merge(const struct trace_data *d, size_t *n);

/* Finds the last framed UART dump in a console log (text of len bytes), checks every frame
 * and returns the dump bytes in *out (caller frees). Only the hypervisor's lines count: a frame
 * line is "@TTRACE ..." at the start of a line or right after "[S.NNNNNNNNN] hyp: ". Errors
 * name the frame and log line; -ENOENT when the log holds no dump. trace_uart_decode_dump
 * takes the last dump numbered dump (0: a dump of the buffers as they were, N: snapshot N). */
int trace_uart_decode(const char *text, size_t len, void **out, size_t *out_len,
                      struct trace_err *e);
int trace_uart_decode_dump(const char *text, size_t len, unsigned dump, void **out, size_t *out_len,
                           struct trace_err *e);

/* CTF 1.8 trace in dir (created; must not exist or be empty), written by babeltrace2's
 * sink.ctf.fs from an in-process source component. */
int trace_ctf_write(const struct trace_data *d, const char *dir, struct trace_err *e);

/* Chrome trace-event JSON (for ui.perfetto.dev) at path. */
int trace_perfetto_write(const struct trace_data *d, const char *path, struct trace_err *e);

/* Latency pairs in a time-ordered walk (trace_data_merge): hc_entry -> hc_exit of one vCPU and
 * function ("hypercall"), irq_phys -> irq_inject of the same INTID, a PPI or SPI ("irq_forward": a
 * physical interrupt taken at EL2 until it is pending for a guest's vCPU). Feed every record. */
enum trace_pair_kind { TRACE_PAIR_HYPERCALL, TRACE_PAIR_IRQ_FORWARD };
#define TRACE_PAIR_MIN_INTID 16 /* PPIs and SPIs: SGIs never pair */
#define TRACE_PAIR_MAX_INTID 1020
struct trace_pair {
    enum trace_pair_kind kind;
    uint64_t domid_vcpu; /* (domid << 16 | vcpu) of the vCPU that made or received it */
    uint64_t what;       /* the hypercall function id, or the INTID */
    uint64_t ns;
};
struct trace_pairs {
    struct trace_pair_open *open; /* one open hypercall per vCPU */
    size_t nopen;
    uint64_t unmatched;                           /* hc_entry without hc_exit or the reverse */
    uint64_t irq_taken[TRACE_PAIR_MAX_INTID + 1]; /* ticks + 1 of a pending irq_phys, 0: none */
};
/* Returns 1 with *out filled when rec completes a pair, 0 if not, -ENOMEM. */
int trace_pairs_feed(struct trace_pairs *p, const struct trace_data *d,
                     const struct trace_record *rec, struct trace_pair *out);
/* Counts the hypercalls still open as unmatched and frees p's memory. */
void trace_pairs_finish(struct trace_pairs *p);

/* Statistics of a dump. */
#define TRACE_STATS_MAX_DOMAINS 256
struct trace_latency {
    uint64_t count, min_ns, max_ns, p99_ns;
    double avg_ns;
};
struct trace_hc_stats {
    uint64_t fn; /* UINT64_MAX: every function */
    struct trace_latency lat;
};
struct trace_dom_traps {
    uint32_t domid;
    uint64_t by_ec[64]; /* ESR_EL2.EC is 6 bits */
    uint64_t total;
};
struct trace_report {
    uint64_t records, lost, span_ns;
    uint64_t counts[TRACE_ID_LIMIT]; /* per event id */
    size_t ndoms;
    struct trace_dom_traps doms[TRACE_STATS_MAX_DOMAINS];
    size_t nhc;                /* entries of hc: [0] is every function, then one per fn */
    struct trace_hc_stats *hc; /* caller frees with trace_report_free */
    uint64_t hc_unmatched;     /* hc_entry without hc_exit or the reverse */
};
int trace_report_compute(const struct trace_data *d, struct trace_report *r, struct trace_err *e);
void trace_report_print(const struct trace_data *d, const struct trace_report *r, FILE *out);
void trace_report_free(struct trace_report *r);
/* The class and event tables of docs/tracing.md, in Markdown. */
void trace_reference_markdown(FILE *out);

/* A short name of an ESR_EL2 exception class ("HVC64", ...), or NULL. */
const char *trace_ec_name(unsigned ec);

#endif
