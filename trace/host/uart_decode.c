/* Decoder of framed UART dumps (format in tessera/trace_dump.h): finds the last dump in a
 * console log, whatever prefix the console put before each line, checks every frame's length
 * and CRC-32 and reassembles the dump bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_host.h>

#define TRACE_UD_LINE_MAX 256

struct trace_ud {
    uint8_t *out;
    size_t len, cap;
    size_t frames;      /* announced by frame 0 */
    size_t frame;       /* expected next */
    size_t frame_start; /* offset of the current frame's payload in out */
    bool in_frame;
    size_t lineno;
    struct trace_err *e;
};

static int trace_b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

static int trace_ud_put(struct trace_ud *u, uint8_t b)
{
    if (u->len == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 1 << 16;
        uint8_t *n = realloc(u->out, cap);
        if (!n) {
            return trace_err_set(u->e, -ENOMEM, "out of memory");
        }
        u->out = n;
        u->cap = cap;
    }
    u->out[u->len++] = b;
    return 0;
}

/* Decodes one group of four base64 characters. */
static int trace_ud_quad(struct trace_ud *u, const char *q)
{
    int v[4], pad = (q[3] == '=') + (q[2] == '=' && q[3] == '=');
    uint32_t w;

    for (int i = 0; i < 4; i++) {
        v[i] = (i >= 4 - pad) ? 0 : trace_b64_value(q[i]);
        if (v[i] < 0) {
            return -EINVAL;
        }
    }
    w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
    for (int i = 0; i < 3 - pad; i++) {
        if (trace_ud_put(u, (uint8_t)(w >> (16 - 8 * i))) != 0) {
            return -ENOMEM;
        }
    }
    return pad ? 1 : 0;
}

static int trace_ud_data(struct trace_ud *u, const char *s, size_t n)
{
    if (n == 0 || n % 4 != 0) {
        return trace_err_set(u->e, -EINVAL, "frame %zu (log line %zu): payload of %zu characters",
                             u->frame, u->lineno, n);
    }
    for (size_t i = 0; i < n; i += 4) {
        int rc = trace_ud_quad(u, s + i);
        if (rc < 0 || (rc == 1 && i + 4 != n)) {
            return trace_err_set(u->e, rc == -ENOMEM ? rc : -EINVAL,
                                 "frame %zu (log line %zu): invalid base64", u->frame, u->lineno);
        }
    }
    return 0;
}

static int trace_ud_end(struct trace_ud *u, unsigned long long bytes, unsigned long crc)
{
    size_t got = u->len - u->frame_start;
    uint32_t mine = trace_crc32(0, u->out + u->frame_start, got);

    if (got != bytes) {
        return trace_err_set(u->e, -EINVAL,
                             "frame %zu of %zu (end at log line %zu): %zu payload bytes received, "
                             "the end marker says %llu (lost or extra lines)",
                             u->frame, u->frames, u->lineno, got, bytes);
    }
    if (mine != crc) {
        return trace_err_set(u->e, -EINVAL,
                             "frame %zu of %zu (end at log line %zu): CRC mismatch, computed "
                             "%08x, the end marker says %08lx (corrupted line)",
                             u->frame, u->frames, u->lineno, mine, crc);
    }
    u->in_frame = false;
    u->frame++;
    return 0;
}

static int trace_ud_begin(struct trace_ud *u, unsigned long long frame, unsigned long long n)
{
    if (u->in_frame) {
        return trace_err_set(u->e, -EINVAL, "frame %zu of %zu: no end marker before log line %zu",
                             u->frame, u->frames, u->lineno);
    }
    if (u->frame == 0 && u->frames == 0) {
        u->frames = (size_t)n; /* the first line of the dump: frame 0 of n */
    }
    if (frame != u->frame || n != u->frames || n == 0) {
        return trace_err_set(u->e, -EINVAL,
                             "frame %zu of %zu missing: log line %zu begins frame %llu of %llu",
                             u->frame, u->frames, u->lineno, frame, n);
    }
    u->in_frame = true;
    u->frame_start = u->len;
    return 0;
}

/* One marker line, s (NUL-terminated) holding what follows "@TTRACE ". */
static int trace_ud_line(struct trace_ud *u, const char *s)
{
    char kind = s[0];
    char *end;
    unsigned long long frame, a;
    unsigned long crc;

    if ((kind != 'B' && kind != 'D' && kind != 'E') || s[1] != ' ' || s[2] < '0' || s[2] > '9') {
        return trace_err_set(u->e, -EINVAL, "log line %zu: malformed %s line", u->lineno,
                             TRACE_UART_MARKER);
    }
    frame = strtoull(s + 2, &end, 10);
    if (kind == 'D') {
        if (!u->in_frame || frame != u->frame || *end != ' ') {
            return trace_err_set(u->e, -EINVAL,
                                 "log line %zu: payload of frame %llu outside frame %zu", u->lineno,
                                 frame, u->frame);
        }
        return trace_ud_data(u, end + 1, strlen(end + 1));
    }
    a = strtoull(end, &end, 10);
    if (kind == 'B') {
        return trace_ud_begin(u, frame, a);
    }
    crc = strtoul(end, &end, 16);
    if (!u->in_frame || frame != u->frame) {
        return trace_err_set(u->e, -EINVAL, "log line %zu: end of frame %llu outside frame %zu",
                             u->lineno, frame, u->frame);
    }
    return trace_ud_end(u, a, crc);
}

/* Start of the last "@TTRACE B 0 " in text, and its line number. */
static const char *trace_ud_last_start(const char *text, size_t len, size_t *lineno)
{
    static const char start[] = TRACE_UART_MARKER " B 0 ";
    const char *last = NULL, *p = text, *end = text + len;
    size_t line = 1, last_line = 0;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (memmem(p, (size_t)(eol - p), start, sizeof(start) - 1)) {
            last = p;
            last_line = line;
        }
        p = eol + 1;
        line++;
    }
    *lineno = last_line;
    return last;
}

static int trace_ud_scan(struct trace_ud *u, const char *p, const char *end)
{
    static const char marker[] = TRACE_UART_MARKER " ";
    int rc;

    for (; p < end && (u->frames == 0 || u->frame < u->frames); p++, u->lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *m = memmem(p, (size_t)(eol - p), marker, sizeof(marker) - 1);
        if (m) {
            char line[TRACE_UD_LINE_MAX];
            const char *s = m + sizeof(marker) - 1;
            size_t n = (size_t)(eol - s);
            while (n && (s[n - 1] == '\r' || s[n - 1] == ' ')) {
                n--;
            }
            if (n >= sizeof(line)) {
                return trace_err_set(u->e, -EINVAL, "log line %zu: %s line too long", u->lineno,
                                     TRACE_UART_MARKER);
            }
            memcpy(line, s, n);
            line[n] = '\0';
            if ((rc = trace_ud_line(u, line)) != 0) {
                return rc;
            }
        }
        p = eol;
    }
    if (u->frame < u->frames) {
        return trace_err_set(u->e, -EINVAL, "frame %zu of %zu %s: the log ends at line %zu",
                             u->frame, u->frames, u->in_frame ? "has no end marker" : "missing",
                             u->lineno - 1);
    }
    return 0;
}

int trace_uart_decode(const char *text, size_t len, void **out, size_t *out_len,
                      struct trace_err *e)
{
    struct trace_ud u = {.e = e};
    const char *start = trace_ud_last_start(text, len, &u.lineno);
    int rc;

    if (!start) {
        return trace_err_set(e, -EINVAL, "no framed dump (%s B 0 ...) in the log",
                             TRACE_UART_MARKER);
    }
    rc = trace_ud_scan(&u, start, text + len);
    if (rc) {
        free(u.out);
        return rc;
    }
    *out = u.out;
    *out_len = u.len;
    return 0;
}
