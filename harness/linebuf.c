/* Splits a byte stream into lines: "\n" ends a line, a "\r" before it is dropped, and a line
 * longer than LINEBUF_MAX is delivered in pieces (counted, never dropped). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/linebuf.h>

void linebuf_init(struct linebuf *lb)
{
    memset(lb, 0, sizeof(*lb));
}

void linebuf_free(struct linebuf *lb)
{
    free(lb->buf);
    linebuf_init(lb);
}

static int linebuf_reserve(struct linebuf *lb, size_t need)
{
    size_t cap = lb->cap ? lb->cap : 256;
    char *bigger;

    if (need <= lb->cap) {
        return 0;
    }
    while (cap < need) {
        cap *= 2;
    }
    bigger = realloc(lb->buf, cap);
    if (!bigger) {
        return -ENOMEM;
    }
    lb->buf = bigger;
    lb->cap = cap;
    return 0;
}

static int linebuf_emit(struct linebuf *lb, linebuf_fn fn, void *ctx)
{
    size_t len = lb->len;

    if (len > 0 && lb->buf[len - 1] == '\r') {
        len--;
    }
    lb->buf[len] = '\0';
    lb->len = 0;
    return fn(ctx, lb->buf, len);
}

int linebuf_feed(struct linebuf *lb, const char *data, size_t len, linebuf_fn fn, void *ctx)
{
    int rc;

    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\n') {
            if ((rc = linebuf_reserve(lb, lb->len + 1)) || (rc = linebuf_emit(lb, fn, ctx))) {
                return rc;
            }
            continue;
        }
        if (lb->len == LINEBUF_MAX) {
            lb->split_lines++;
            if ((rc = linebuf_emit(lb, fn, ctx))) {
                return rc;
            }
        }
        if ((rc = linebuf_reserve(lb, lb->len + 2))) {
            return rc;
        }
        lb->buf[lb->len++] = data[i];
    }
    return 0;
}

int linebuf_flush(struct linebuf *lb, linebuf_fn fn, void *ctx)
{
    if (lb->len == 0) {
        return 0;
    }
    return linebuf_emit(lb, fn, ctx);
}
