/* Splits a byte stream (QEMU's serial output, read in arbitrary chunks) into lines. */
#ifndef TESSERA_HARNESS_LINEBUF_H
#define TESSERA_HARNESS_LINEBUF_H

#include <stddef.h>

/* Longest line kept whole; a longer one is delivered in pieces of this size and counted. */
#define LINEBUF_MAX (64u * 1024u)

struct linebuf {
    char *buf;
    size_t len;
    size_t cap;
    unsigned long long split_lines; /* lines longer than LINEBUF_MAX, delivered in pieces */
};

/* Called once per line, without its "\n" (and without a "\r" before it), NUL-terminated. */
typedef int (*linebuf_fn)(void *ctx, const char *line, size_t len);

void linebuf_init(struct linebuf *lb);
void linebuf_free(struct linebuf *lb);
/* Feeds len bytes; calls fn for every line completed. Returns 0, -ENOMEM, or the first nonzero
 * value fn returned. */
int linebuf_feed(struct linebuf *lb, const char *data, size_t len, linebuf_fn fn, void *ctx);
/* End of stream: delivers a last unterminated line, if any. */
int linebuf_flush(struct linebuf *lb, linebuf_fn fn, void *ctx);

#endif
