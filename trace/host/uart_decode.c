/* Decoder of framed UART dumps (format in tessera/trace_dump.h): finds the last dump (of a given
 * number, or of any) in a console log, checks every frame's length and CRC-32 and reassembles
 * the dump bytes. Only the hypervisor's lines count: a frame line is "@TTRACE ..." at the start
 * of a line, or right after the console prefix of a hypervisor line, "[S.NNNNNNNNN] hyp: "; a
 * guest's lines may hold the same text, but never there (docs/console.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_host.h>

#define TRACE_UD_LINE_MAX 256

struct trace_ud {
    uint8_t *out;
    size_t len, cap;
    size_t frames;      /* announced by frame 0 */
    unsigned long dump; /* its number: 0 the buffers when dumped, N snapshot N */
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

static int trace_ud_begin(struct trace_ud *u, unsigned long long frame, unsigned long long n,
                          unsigned long dump)
{
    if (dump != u->dump) {
        return trace_err_set(u->e, -EINVAL,
                             "frame %zu of %zu: log line %zu begins a frame of dump %lu inside "
                             "dump %lu",
                             u->frame, u->frames, u->lineno, dump, u->dump);
    }
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
        /* A dump number follows the frame count (none: an older writer's, dump 0). */
        return trace_ud_begin(u, frame, a, *end == ' ' ? strtoul(end, &end, 10) : 0);
    }
    crc = strtoul(end, &end, 16);
    if (!u->in_frame || frame != u->frame) {
        return trace_err_set(u->e, -EINVAL, "log line %zu: end of frame %llu outside frame %zu",
                             u->lineno, frame, u->frame);
    }
    return trace_ud_end(u, a, crc);
}

/* What follows "@TTRACE " on the line p..eol if it is a frame line of the hypervisor's (the
 * marker at the start of the line, or right after "[...] hyp: "), else NULL. */
static const char *trace_ud_marker(const char *p, const char *eol)
{
    static const char marker[] = TRACE_UART_MARKER " ", hyp[] = "] hyp: ";
    const char *close = p < eol && *p == '[' ? memchr(p, ']', (size_t)(eol - p)) : NULL;

    if (close && (size_t)(eol - close) >= sizeof(hyp) - 1 &&
        memcmp(close, hyp, sizeof(hyp) - 1) == 0) {
        p = close + sizeof(hyp) - 1;
    }
    if ((size_t)(eol - p) < sizeof(marker) - 1 || memcmp(p, marker, sizeof(marker) - 1) != 0) {
        return NULL;
    }
    return p + sizeof(marker) - 1;
}

/* The dump number of a first-frame line "B 0 <frames> [<dump>]" (s: after the marker), or -1
 * if s..eol is not one. */
static long trace_ud_first_frame(const char *s, const char *eol)
{
    const char *p = s + 4;
    unsigned long dump = 0;

    if (eol - s < 5 || memcmp(s, "B 0 ", 4) != 0 || *p < '0' || *p > '9') {
        return -1;
    }
    while (p < eol && *p >= '0' && *p <= '9') {
        p++;
    }
    if (p + 1 < eol && *p == ' ' && p[1] >= '0' && p[1] <= '9') {
        for (p++; p < eol && *p >= '0' && *p <= '9' && dump <= 0x7fffffffUL; p++) {
            dump = dump * 10 + (unsigned long)(*p - '0');
        }
    }
    return dump > 0x7fffffffUL ? -1 : (long)dump;
}

/* Start of the line that begins the last dump numbered want (-1: any), its line number and its
 * dump number; NULL if the log has none. */
static const char *trace_ud_last_start(const char *text, size_t len, long want, size_t *lineno,
                                       unsigned long *dump)
{
    const char *last = NULL, *p = text, *end = text + len;
    size_t line = 1;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *m = trace_ud_marker(p, eol);
        long n = m ? trace_ud_first_frame(m, eol) : -1;
        if (n >= 0 && (want < 0 || n == want)) {
            last = p;
            *lineno = line;
            *dump = (unsigned long)n;
        }
        p = eol + 1;
        line++;
    }
    return last;
}

static int trace_ud_scan(struct trace_ud *u, const char *p, const char *end)
{
    int rc;

    for (; p < end && (u->frames == 0 || u->frame < u->frames); p++, u->lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *s = trace_ud_marker(p, eol);
        if (s) {
            char line[TRACE_UD_LINE_MAX];
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

static int trace_ud_decode(const char *text, size_t len, long want, void **out, size_t *out_len,
                           struct trace_err *e)
{
    struct trace_ud u = {.e = e};
    const char *start = trace_ud_last_start(text, len, want, &u.lineno, &u.dump);
    int rc;

    if (!start && want >= 0) {
        return trace_err_set(e, -ENOENT, "no framed dump number %ld (%s B 0 N %ld) in the log",
                             want, TRACE_UART_MARKER, want);
    }
    if (!start) {
        return trace_err_set(e, -ENOENT, "no framed dump (%s B 0 ...) in the log",
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

int trace_uart_decode(const char *text, size_t len, void **out, size_t *out_len,
                      struct trace_err *e)
{
    return trace_ud_decode(text, len, -1, out, out_len, e);
}

int trace_uart_decode_dump(const char *text, size_t len, unsigned dump, void **out, size_t *out_len,
                           struct trace_err *e)
{
    if (dump > 0x7fffffffu) {
        return trace_err_set(e, -ENOENT, "no framed dump number %u in the log", dump);
    }
    return trace_ud_decode(text, len, (long)dump, out, out_len, e);
}
