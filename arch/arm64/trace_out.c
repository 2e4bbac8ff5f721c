/* Where the trace goes at the end of a run: trace=PATH writes the dump to a host file by
 * semihosting (QEMU); trace=uart prints it as checksummed frames on the console (boards). */
#include <tessera/arm64/semihost.h>
#include <tessera/arm64/trace_out.h>
#include <tessera/console.h>
#include <tessera/lib.h>
#include <tessera/trace.h>
#include <tessera/trace_dump.h>

struct trace_file {
    int64_t handle;
    int failed;
};

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

void arm64_trace_out(const char *cmdline, bool semihosting)
{
    char path[160];
    size_t len;
    const char *where = lib_cmdline_value(cmdline, "trace", &len);
    struct trace_stats st;

    if (!where) {
        return;
    }
    trace_stats(&st);
    if (len == 4 && lib_strncmp(where, "uart", 4) == 0) {
        trace_dump_uart(trace_out_line, NULL);
        return;
    }
    if (!semihosting || len >= sizeof(path)) {
        hyp_printf("trace not written: trace=PATH needs semihosting and a path under %u bytes",
                   (unsigned)sizeof(path));
        return;
    }
    lib_memcpy(path, where, len);
    path[len] = '\0';
    struct trace_file f = {arm64_semihost_open(path), 0};
    if (f.handle < 0) {
        hyp_printf("trace not written: the host refused to open %s", path);
        return;
    }
    trace_dump(trace_out_file, &f);
    arm64_semihost_close(f.handle);
    hyp_printf("trace %s: %llu records, %llu lost", f.failed ? "write FAILED" : "written",
               (unsigned long long)st.records, (unsigned long long)st.lost);
}
