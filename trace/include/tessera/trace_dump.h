/* The trace dump: a self-describing little-endian byte stream of every pCPU's buffer, written
 * by the hypervisor as framed lines on its console and read by `tessera trace`.
 * Layout (docs/tracing.md, "Dump format"):
 *   header (64 bytes) | domain table (ndomains x 40) | per pCPU: cpu header (32) + records (48
 *   each, in the order written) | trailer (16) */
#ifndef TESSERA_TRACE_DUMP_H
#define TESSERA_TRACE_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <tessera/trace.h>

#define TRACE_DUMP_MAGIC         "TSRTRACE" /* 8 bytes, no NUL */
#define TRACE_DUMP_END_MAGIC     "TSRTREND"
#define TRACE_DUMP_VERSION       1
#define TRACE_DUMP_MAX_DOMAINS   64 /* domain ids 0..63 can be named */
#define TRACE_DUMP_DOM_NAME_SIZE 32

struct trace_dump_header {
    char magic[8];
    uint32_t version;
    uint32_t header_size; /* sizeof(struct trace_dump_header) */
    uint64_t counter_hz;
    uint64_t dump_ts;     /* counter when the dump was taken: no record after it */
    uint64_t schema_hash; /* trace_schema_hash() of the writer's events.def */
    uint32_t ncpus;
    uint32_t record_size; /* TRACE_RECORD_SIZE */
    uint32_t ndomains;
    uint32_t flags; /* 0 */
    uint64_t reserved;
};

struct trace_dump_domain {
    uint32_t domid;
    uint32_t reserved;
    char name[TRACE_DUMP_DOM_NAME_SIZE]; /* NUL-terminated */
};

struct trace_dump_cpu {
    uint32_t cpu;
    uint32_t reserved;
    uint64_t nrecords; /* records that follow */
    uint64_t lost;     /* events dropped on this pCPU */
    uint64_t capacity; /* slots of its buffer */
};

struct trace_dump_trailer {
    char magic[8];
    uint64_t total_bytes; /* of the whole dump, trailer included */
};

_Static_assert(sizeof(struct trace_dump_header) == 64, "dump header layout");
_Static_assert(sizeof(struct trace_dump_domain) == 40, "dump domain layout");
_Static_assert(sizeof(struct trace_dump_cpu) == 32, "dump cpu layout");
_Static_assert(sizeof(struct trace_dump_trailer) == 16, "dump trailer layout");

/* Names domain domid in later dumps (NULL forgets it). The entry of one domain is written
 * only by whoever builds that domain, so builders on several pCPUs need no lock. Returns 0
 * or -EINVAL (domid >= TRACE_DUMP_MAX_DOMAINS). */
int trace_dump_set_domain(unsigned domid, const char *name);

/* Writes a dump of every buffer as it is now through out (called many times, in order).
 * Safe while other pCPUs keep tracing: their records after the snapshot are left out. Two
 * dumps must not run at once. Returns 0, or -EINVAL if out is NULL. */
typedef void (*trace_dump_out_fn)(void *ctx, const void *buf, size_t len);
int trace_dump(trace_dump_out_fn out, void *ctx);
/* Size in bytes a dump taken now would have. */
size_t trace_dump_size(void);

/* Framed UART form of a dump, the way a dump leaves the machine: calls line once per text line
 * (without a newline; printable ASCII; the hypervisor prints each as one of its own console
 * lines, "[S.NNNNNNNNN] hyp: @TTRACE ..."). Frames of TRACE_UART_FRAME_BYTES, each checked by
 * CRC-32:
 *   @TTRACE B <frame> <frames> <dump> frame begins (frames in this dump; dump 0: a dump of the
 *                                     buffers now, N: held snapshot N)
 *   @TTRACE D <frame> <base64>        up to 48 payload bytes
 *   @TTRACE E <frame> <bytes> <crc32> frame ends: payload length, CRC-32 (8 hex digits)
 * Returns 0, or -EINVAL if line is NULL. */
#define TRACE_UART_MARKER      "@TTRACE"
#define TRACE_UART_FRAME_BYTES 2048
#define TRACE_UART_LINE_BYTES  48
typedef void (*trace_dump_line_fn)(void *ctx, const char *line, size_t len);
int trace_dump_uart(trace_dump_line_fn line, void *ctx);

/* Snapshots for later (a control domain's trace_dump hypercall): trace_dump_hold takes what a
 * dump would hold now (the records so far, which a full buffer never overwrites) and returns
 * its number N, 1 to TRACE_DUMP_MAX_HELD, or -ENOSPC; nothing is written until
 * trace_dump_uart_held(N, ...) emits it as framed dump number N (its totals into *st, which may
 * be NULL), at the end of the run, so a snapshot costs the running domains no time. Returns 0,
 * -ENOENT (no snapshot N) or -EINVAL (line NULL). Any pCPU may hold a snapshot. */
#define TRACE_DUMP_MAX_HELD 16
int trace_dump_hold(void);
int trace_dump_uart_held(unsigned n, trace_dump_line_fn line, void *ctx, struct trace_stats *st);

/* FNV-1a hash of the schema in events.def (ids, classes, names, arguments). */
uint64_t trace_schema_hash(void);
/* CRC-32 (IEEE 802.3, as zlib's crc32): start with crc = 0. */
uint32_t trace_crc32(uint32_t crc, const void *buf, size_t len);

#endif
