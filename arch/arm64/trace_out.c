/* Where the trace goes: trace=PATH writes the dump to a host file by semihosting (QEMU);
 * trace=uart prints it as checksummed frames on the console (boards). At the end of a run,
 * and on a control domain's request as numbered snapshots (PATH.1, PATH.2, ...). */
#include <tessera/arch.h>
#include <tessera/arm64/semihost.h>
#include <tessera/arm64/trace_out.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/trace.h>
#include <tessera/trace_dump.h>

struct trace_file {
    int64_t handle;
    int failed;
};

static const char *trace_out_cmdline;
static const char *trace_out_target; /* /chosen/tessera,trace, used when trace= is absent */
static size_t trace_out_target_size; /* its whole property: the harness pads it to 160 bytes */
static bool trace_out_semihosting;

static void trace_out_file(void *ctx, const void *buf, size_t len)
{
    struct trace_file *f = ctx;
    if (!f->failed && arm64_semihost_write(f->handle, buf, len)) {
        f->failed = 1;
    }
}

static void trace_out_line(void *ctx, const char *line, size_t len)
{
    (void)ctx;
    hyp_printf("%.*s", (int)len, line);
}

/* The length of s (at most max), in the same number of steps whatever it is: the trace path
 * differs from run to run (the results folder) and under icount every instruction is time, so
 * no work of the hypervisor may depend on its length. */
static size_t trace_out_len(const char *s, size_t max)
{
    size_t n = max;

    for (size_t i = 0; i < max; i++) {
        n = (s[i] == '\0' && n == max) ? i : n;
    }
    return n;
}

/* Writes the dump to the trace= target, with ".seq" appended when seq is nonzero. */
static int trace_out_write(unsigned seq)
{
    char path[176];
    size_t len;
    const char *where = lib_cmdline_value(trace_out_cmdline, "trace", &len);

    if (!where && trace_out_target) {
        where = trace_out_target;
        len = trace_out_len(where, trace_out_target_size);
    }
    struct trace_stats st;

    if (!where) {
        return -ENODEV;
    }
    trace_stats(&st);
    if (len == 4 && lib_strncmp(where, "uart", 4) == 0) {
        return trace_dump_uart(trace_out_line, NULL);
    }
    if (!trace_out_semihosting || len >= 160 ||
        (where == trace_out_target && trace_out_target_size > 160)) {
        hyp_printf("trace not written: trace=PATH needs semihosting and a path under 160 bytes");
        return -ENODEV;
    }
    /* Whole buffers, whatever the path's length (see trace_out_len). */
    lib_memset(path, 0, sizeof(path));
    lib_memcpy(path, where, where == trace_out_target ? trace_out_target_size : len);
    path[len] = '\0';
    char suffix[16] = "";
    if (seq) {
        lib_snprintf(suffix, sizeof(suffix), ".%u", seq);
    }
    size_t slen = trace_out_len(suffix, sizeof(suffix));
    lib_memcpy(path + len, suffix, sizeof(suffix));
    struct trace_file f = {arm64_semihost_open(path, len + slen), 0};
    if (f.handle < 0) {
        hyp_printf("trace not written: the host refused to open %s", path);
        return -EIO;
    }
    trace_dump(trace_out_file, &f);
    arm64_semihost_close(f.handle);
    hyp_printf("trace %s%s: %llu records, %llu lost", seq ? "snapshot " : "",
               f.failed ? "write FAILED" : "written", (unsigned long long)st.records,
               (unsigned long long)st.lost);
    return f.failed ? -EIO : 0;
}

void arm64_trace_out_init(const char *cmdline, const char *target, size_t target_size,
                          bool semihosting)
{
    trace_out_target_size = target_size;
    trace_out_cmdline = cmdline;
    trace_out_target = target;
    trace_out_semihosting = semihosting;
}

void arm64_trace_out(void)
{
    trace_out_write(0);
}

int arch_trace_snapshot(unsigned seq)
{
    return trace_out_write(seq);
}
