/* Framed UART form of a dump: the byte stream of dump.c cut into CRC-checked frames of base64
 * lines (format in tessera/trace_dump.h), the way a dump leaves the machine: on the
 * hypervisor's own console lines. Streams: only one line of payload is buffered. Held
 * snapshots go out the same way, numbered. */
#include <tessera/errno.h>
#include <tessera/trace_dump.h>
#include "trace_internal.h"

#define TRACE_UART_LINE_MAX 96

struct trace_uart {
    trace_dump_line_fn line;
    void *ctx;
    size_t frames;      /* in the whole dump */
    unsigned dump;      /* 0: a dump of now; N: held snapshot N */
    size_t frame;       /* current frame */
    size_t frame_bytes; /* payload of the current frame so far */
    uint32_t crc;
    uint8_t buf[TRACE_UART_LINE_BYTES];
    size_t buf_len;
};

static const char trace_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Appends the decimal form of v at s[*n]. */
static void trace_uart_dec(char *s, size_t *n, size_t v)
{
    char tmp[24];
    int k = 0;

    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k) {
        s[(*n)++] = tmp[--k];
    }
}

static void trace_uart_hex32(char *s, size_t *n, uint32_t v)
{
    for (int shift = 28; shift >= 0; shift -= 4) {
        s[(*n)++] = "0123456789abcdef"[(v >> shift) & 15];
    }
}

/* "@TTRACE <kind> <frame>" at the start of s; returns its length. */
static size_t trace_uart_prefix(const struct trace_uart *u, char *s, char kind)
{
    static const char marker[] = TRACE_UART_MARKER;
    size_t n = 0;

    for (; marker[n]; n++) {
        s[n] = marker[n];
    }
    s[n++] = ' ';
    s[n++] = kind;
    s[n++] = ' ';
    trace_uart_dec(s, &n, u->frame);
    return n;
}

static void trace_uart_begin(struct trace_uart *u)
{
    char s[TRACE_UART_LINE_MAX];
    size_t n = trace_uart_prefix(u, s, 'B');

    s[n++] = ' ';
    trace_uart_dec(s, &n, u->frames);
    s[n++] = ' ';
    trace_uart_dec(s, &n, u->dump);
    u->line(u->ctx, s, n);
    u->frame_bytes = 0;
    u->crc = 0;
}

static void trace_uart_end(struct trace_uart *u)
{
    char s[TRACE_UART_LINE_MAX];
    size_t n = trace_uart_prefix(u, s, 'E');

    s[n++] = ' ';
    trace_uart_dec(s, &n, u->frame_bytes);
    s[n++] = ' ';
    trace_uart_hex32(s, &n, u->crc);
    u->line(u->ctx, s, n);
    u->frame++;
    u->frame_bytes = 0;
}

/* Emits the buffered payload as one D line. */
static void trace_uart_flush(struct trace_uart *u)
{
    char s[TRACE_UART_LINE_MAX];
    size_t n = trace_uart_prefix(u, s, 'D');

    s[n++] = ' ';
    for (size_t i = 0; i < u->buf_len; i += 3) {
        uint32_t v = (uint32_t)u->buf[i] << 16;
        size_t left = u->buf_len - i;
        v |= left > 1 ? (uint32_t)u->buf[i + 1] << 8 : 0;
        v |= left > 2 ? u->buf[i + 2] : 0;
        s[n++] = trace_b64[(v >> 18) & 63];
        s[n++] = trace_b64[(v >> 12) & 63];
        s[n++] = left > 1 ? trace_b64[(v >> 6) & 63] : '=';
        s[n++] = left > 2 ? trace_b64[v & 63] : '=';
    }
    u->line(u->ctx, s, n);
    u->crc = trace_crc32(u->crc, u->buf, u->buf_len);
    u->frame_bytes += u->buf_len;
    u->buf_len = 0;
    if (u->frame_bytes == TRACE_UART_FRAME_BYTES) {
        trace_uart_end(u);
    }
}

static void trace_uart_out(void *ctx, const void *buf, size_t len)
{
    struct trace_uart *u = ctx;
    const uint8_t *p = buf;

    for (size_t i = 0; i < len; i++) {
        if (u->frame_bytes == 0 && u->buf_len == 0) {
            trace_uart_begin(u);
        }
        u->buf[u->buf_len++] = p[i];
        if (u->buf_len == TRACE_UART_LINE_BYTES ||
            u->frame_bytes + u->buf_len == TRACE_UART_FRAME_BYTES) {
            trace_uart_flush(u);
        }
    }
}

/* Writes snapshot s as framed dump number dump. */
static void trace_uart_snap(const struct trace_dump_snap *s, unsigned dump, trace_dump_line_fn line,
                            void *ctx)
{
    struct trace_uart u = {.line = line, .ctx = ctx, .dump = dump};
    size_t bytes = trace_dump_bytes(s);

    u.frames = (bytes + TRACE_UART_FRAME_BYTES - 1) / TRACE_UART_FRAME_BYTES;
    trace_dump_emit(s, trace_uart_out, &u);
    if (u.buf_len) {
        trace_uart_flush(&u);
    }
    if (u.frame_bytes) {
        trace_uart_end(&u);
    }
}

int trace_dump_uart(trace_dump_line_fn line, void *ctx)
{
    struct trace_dump_snap s;

    if (!line) {
        return -EINVAL;
    }
    trace_dump_take(&s);
    trace_uart_snap(&s, 0, line, ctx);
    return 0;
}

int trace_dump_uart_held(unsigned n, trace_dump_line_fn line, void *ctx, struct trace_stats *st)
{
    const struct trace_dump_snap *s = trace_dump_held(n);

    if (!line) {
        return -EINVAL;
    }
    if (!s) {
        return -ENOENT;
    }
    if (st) {
        *st = (struct trace_stats){.ncpus = s->ncpus};
        for (unsigned cpu = 0; cpu < s->ncpus; cpu++) {
            st->records += s->head[cpu];
            st->lost += s->lost[cpu];
            st->capacity += trace_rings[cpu].cap;
        }
    }
    trace_uart_snap(s, n, line, ctx);
    return 0;
}
