/* The hypervisor console: timestamped, whole lines under one lock (each domain's line buffer
 * under its own), so the harness can time
 * every event from the serial log alone (docs/console.md). Only the hypervisor starts a line:
 * every control byte in a line's text, a guest's or its own, goes out as \xNN. */
#include <stdarg.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/lib.h>
#include <tessera/spinlock.h>
#include <tessera/trace.h>

static struct spinlock console_lock = SPINLOCK_INIT;

int console_format_time(char *buf, size_t size, uint64_t ticks, uint64_t hz)
{
    uint64_t secs = ticks / hz;
    uint64_t ns = (ticks % hz) * 1000000000ull / hz;
    return lib_snprintf(buf, size, "%llu.%09llu", (unsigned long long)secs, (unsigned long long)ns);
}

/* Bytes that could end, start, rewrite or hide a line on the serial line or a terminal: every
 * control character but the tab, and DEL. */
static bool console_unsafe(char c)
{
    return ((unsigned char)c < 0x20 && c != '\t') || c == 0x7f;
}

/* Writes text with each unsafe byte as \xNN (lock held). */
static void console_write_escaped(const char *text, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;

    for (size_t i = 0; i < len; i++) {
        if (!console_unsafe(text[i])) {
            continue;
        }
        char esc[4] = {'\\', 'x', hex[(unsigned char)text[i] >> 4], hex[text[i] & 15]};
        arch_serial_write(text + run, i - run);
        arch_serial_write(esc, sizeof(esc));
        run = i + 1;
    }
    arch_serial_write(text + run, len - run);
}

/* Writes "[time] name: " + prefix + text + "\n" as one unit. */
static void console_emit(int domid, const char *name, const char *prefix, const char *text,
                         size_t len)
{
    char head[64];
    int n;

    TRACE(console_line, (uint64_t)domid, len);
    spin_lock(&console_lock);
    n = lib_snprintf(head, sizeof(head), "[");
    n += console_format_time(head + n, sizeof(head) - n, arch_counter(), arch_counter_hz());
    n += lib_snprintf(head + n, sizeof(head) - n, "] %s: %s", name, prefix);
    arch_serial_write(head, MIN((size_t)n, sizeof(head) - 1));
    console_write_escaped(text, len);
    arch_serial_write("\n", 1);
    spin_unlock(&console_lock);
}

void hyp_printf(const char *fmt, ...)
{
    char line[CONSOLE_LINE_MAX + 1];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = lib_vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    size_t len = MIN((size_t)n, sizeof(line) - 1);
    if (len > 0 && line[len - 1] == '\n') {
        len--;
    }
    console_emit(TRACE_HYP_DOMID, "hyp", "", line, len);
    if ((size_t)n >= sizeof(line)) {
        console_emit(TRACE_HYP_DOMID, "hyp", "", "(previous line truncated)", 25);
    }
}

static void console_line_out(struct console_line *cl, const char *name)
{
    console_emit(cl->domid, name, cl->splits ? "+ " : "", cl->text, cl->len);
    cl->len = 0;
}

/* One byte of a line, splitting the line when it is full. */
static void console_put(struct console_line *cl, const char *name, char c)
{
    if (cl->len == sizeof(cl->text)) {
        console_line_out(cl, name);
        cl->splits++;
    }
    cl->text[cl->len++] = c;
}

/* A newline ends the line; a carriage return just before it (CRLF, perhaps in two writes) is
 * part of the line's end. Any other carriage return is text, escaped when the line goes out. */
struct console_line_locked console_line_lock(struct console_line *cl)
{
    spin_lock(&cl->lock);
    return (struct console_line_locked){cl};
}

void console_line_unlock(struct console_line_locked l)
{
    spin_unlock(&l.cl->lock);
}

void console_feed_locked(struct console_line_locked l, const char *name, const char *buf, size_t n)
{
    struct console_line *cl = l.cl;

    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\n') {
            cl->cr = false;
            console_line_out(cl, name);
            cl->splits = 0;
            continue;
        }
        if (cl->cr) {
            cl->cr = false;
            console_put(cl, name, '\r');
        }
        if (c == '\r') {
            cl->cr = true;
            continue;
        }
        console_put(cl, name, c);
    }
}

void console_feed(struct console_line *cl, const char *name, const char *buf, size_t n)
{
    struct console_line_locked l = console_line_lock(cl);

    console_feed_locked(l, name, buf, n);
    console_line_unlock(l);
}

void console_flush(struct console_line *cl, const char *name)
{
    spin_lock(&cl->lock);
    if (cl->cr) {
        cl->cr = false;
        console_put(cl, name, '\r');
    }
    if (cl->len > 0) {
        console_line_out(cl, name);
        cl->splits = 0;
    }
    spin_unlock(&cl->lock);
}

void console_reset(struct console_line *cl)
{
    spin_lock(&cl->lock);
    cl->len = 0;
    cl->splits = 0;
    cl->cr = false;
    spin_unlock(&cl->lock);
}
