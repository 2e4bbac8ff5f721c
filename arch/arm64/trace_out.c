/* Where the trace goes: trace=uart (or /chosen/tessera,trace = "uart", which the harness sets)
 * prints it at the end of the run as CRC-checked frames on the hypervisor's own console lines,
 * the only way out a guest cannot imitate (docs/console.md). Snapshots a control domain asks
 * for are held and printed then too, numbered, before the final dump. */
#include <tessera/arch.h>
#include <tessera/arm64/trace_out.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/trace.h>
#include <tessera/trace_dump.h>

static const char *trace_out_cmdline;
static const char *trace_out_target; /* /chosen/tessera,trace, used when trace= is absent */
static size_t trace_out_target_size; /* its whole property (the harness pads it) */

static void trace_out_line(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    hyp_printf("%.*s", (int)len, line);
}

/* True if the trace goes out (trace=uart on the command line, else the /chosen property);
 * says why not once, when asked for another target. */
static bool trace_out_on(void)
{
    static bool said;
    size_t len = 0;
    const char *where = lib_cmdline_value(trace_out_cmdline, "trace", &len);

    if (!where && trace_out_target) {
        where = trace_out_target;
        len = lib_strnlen(where, trace_out_target_size);
    }
    if (!where) {
        return false;
    }
    if (len == 4 && lib_strncmp(where, "uart", 4) == 0) {
        return true;
    }
    if (!said) {
        said = true;
        hyp_printf("trace not written: trace=%.*s: the only target is uart (framed lines on this "
                   "console)",
                   (int)MIN(len, (size_t)64), where);
    }
    return false;
}

void arm64_trace_out_init(const char *cmdline, const char *target, size_t target_size)
{
    trace_out_target_size = target_size;
    trace_out_cmdline = cmdline;
    trace_out_target = target;
}

void arm64_trace_out(void)
{
    struct trace_stats st;

    if (!trace_out_on()) {
        return;
    }
    for (unsigned n = 1; trace_dump_uart_held(n, trace_out_line, NULL, &st) == 0; n++) {
        hyp_printf("trace snapshot %u written: %llu records, %llu lost", n,
                   (unsigned long long)st.records, (unsigned long long)st.lost);
    }
    trace_stats(&st);
    trace_dump_uart(trace_out_line, NULL);
    hyp_printf("trace written: %llu records, %llu lost", (unsigned long long)st.records,
               (unsigned long long)st.lost);
}

int arch_trace_snapshot(void)
{
    return trace_out_on() ? trace_dump_hold() : -ENODEV;
}
