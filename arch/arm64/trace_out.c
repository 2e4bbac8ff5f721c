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

/* Writes the dump to the trace= target, with ".seq" appended when seq is nonzero. */
static int trace_out_write(unsigned seq)
{
    char path[176];
    size_t len;
    const char *where = lib_cmdline_value(trace_out_cmdline, "trace", &len);

    if (!where && trace_out_target) {
        where = trace_out_target;
        len = lib_strlen(where);
    }
    struct trace_stats st;

    if (!where) {
        return -ENODEV;
    }
    trace_stats(&st);
    if (len == 4 && lib_strncmp(where, "uart", 4) == 0) {
        return trace_dump_uart(trace_out_line, NULL);
    }
    if (!trace_out_semihosting || len >= 160) {
        hyp_printf("trace not written: trace=PATH needs semihosting and a path under 160 bytes");
        return -ENODEV;
    }
    lib_memcpy(path, where, len);
    path[len] = '\0';
    if (seq) {
        lib_snprintf(path + len, sizeof(path) - len, ".%u", seq);
    }
    struct trace_file f = {arm64_semihost_open(path), 0};
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

void arm64_trace_out_init(const char *cmdline, const char *target, bool semihosting)
{
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
