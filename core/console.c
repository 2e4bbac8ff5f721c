/* The hypervisor console: timestamped, whole lines under one lock, so the harness can time
 * every event from the serial log alone (docs/console.md). */
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

/* Writes "[time] name: " + text (+ prefix) + "\n" as one unit. */
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
    arch_serial_write(text, len);
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

void console_feed(struct console_line *cl, const char *name, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = buf[i];
        if (c == '\n') {
            console_line_out(cl, name);
            cl->splits = 0;
            continue;
        }
        if (c == '\r') {
            continue;
        }
        if (cl->len == sizeof(cl->text)) {
            console_line_out(cl, name);
            cl->splits++;
        }
        cl->text[cl->len++] = c;
    }
}

void console_flush(struct console_line *cl, const char *name)
{
    if (cl->len > 0) {
        console_line_out(cl, name);
        cl->splits = 0;
    }
}
