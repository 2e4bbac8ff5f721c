/* Xen 4.17 as a reference backend (docs/reference-xen.md): a dom0less Xen boot of a Linux domU
 * reaches its ready marker and its timeline has every field Xen's console gives; what Xen cannot
 * express is refused by name before QEMU starts. */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/proc.h>

#include "boot_helpers.h"

/* A time of the summary that must be there: an integer, positive. */
static json_int_t must_ns(json_t *obj, const char *key)
{
    json_int_t v = get_int(obj, key);

    cr_assert_gt(v, 0, "%s = %lld", key, (long long)v);
    return v;
}

/* The boot DTB Xen got: its /chosen/xen,xen-bootargs and the linux1 xen,domain node. */
static void check_boot_dtb(const struct boot *b)
{
    char *path = out_file(b, "boot.dtb");
    struct herr e;
    void *fdt;
    size_t len;
    int chosen, dom, plen;
    const char *args;
    const fdt32_t *mem;

    cr_assert_eq(fileio_read(path, &fdt, &len, &e), 0, "%s", e.msg);
    chosen = fdt_path_offset(fdt, "/chosen");
    cr_assert_geq(chosen, 0, "boot.dtb has no /chosen");
    args = fdt_getprop(fdt, chosen, "xen,xen-bootargs", NULL);
    cr_assert_not_null(args, "boot.dtb has no /chosen/xen,xen-bootargs");
    cr_assert_not_null(strstr(args, "console_timestamps=raw"), "xen,xen-bootargs: %s", args);
    cr_assert_not_null(strstr(args, "bootscrub=0"), "xen,xen-bootargs: %s", args);
    dom = fdt_subnode_offset(fdt, chosen, "linux1");
    cr_assert_geq(dom, 0, "boot.dtb has no /chosen/linux1");
    cr_assert_eq(fdt_node_check_compatible(fdt, dom, "xen,domain"), 0);
    mem = fdt_getprop(fdt, dom, "memory", &plen);
    cr_assert(mem && plen == 8, "/chosen/linux1: memory missing or not 2 cells");
    cr_assert_eq(fdt32_to_cpu(mem[1]), 262144, "memory in KiB");
    cr_assert_not_null(fdt_getprop(fdt, dom, "vpl011", NULL), "/chosen/linux1: no vpl011");
    cr_assert_geq(fdt_subnode_offset(fdt, dom, "kernel"), 0, "/chosen/linux1: no kernel module");
    cr_assert_geq(fdt_subnode_offset(fdt, dom, "ramdisk"), 0, "/chosen/linux1: no ramdisk");
    free(fdt);
    free(path);
}

/* scenarios/linux-one.dts on Xen: one 1-vCPU, 256 MiB Linux domU on one pCPU. Every field the
 * Xen console gives is present and in boot order; Xen prints nothing when a vCPU first enters,
 * so first_instr_ns is null (docs/reference-xen.md). */
Test(xen, dom0less_linux_reaches_ready_with_every_timeline_field, .timeout = 110)
{
    static const char *const extra[] = {"--backend", "xen", NULL};
    struct boot b = {0};
    json_t *hyp, *d;
    json_int_t entry, init, created, first, ready;

    boot_run_args(TESSERA_SCENARIOS "/linux-one.dts", "hyperlaunch", extra, 0, &b);
    cr_assert_str_eq(get_str(b.summary, "backend"), "xen");
    cr_assert_str_eq(get_str(b.summary, "verdict"), "pass");
    cr_assert_eq(get_int(b.summary, "counter_hz"), 62500000);
    hyp = jget(b.summary, "hypervisor");
    entry = must_ns(hyp, "entry_ns");
    init = must_ns(hyp, "init_done_ns");
    d = domain_named(b.summary, "linux1");
    cr_assert_eq(get_int(d, "id"), 1);
    created = must_ns(d, "created_ns");
    must_ns(d, "build_ns");
    first = must_ns(d, "first_output_ns");
    ready = must_ns(d, "ready_ns");
    cr_assert(json_is_null(jget(d, "first_instr_ns")), "first_instr_ns should be null on Xen");
    cr_assert(entry < created && created < init && init < first && first <= ready,
              "out of order: entry %lld created %lld init %lld first output %lld ready %lld",
              (long long)entry, (long long)created, (long long)init, (long long)first,
              (long long)ready);
    cr_assert_eq(get_int(b.summary, "all_ready_ns"), ready);
    cr_assert_str_eq(get_str(d, "state"), "running");
    check_console_has(&b, "DOM1: tessera-ready");
    check_console_has(&b, "Loading d1 DTB to");
    check_boot_dtb(&b);
    boot_free(&b, true);
}

/* Runs `tessera run PATH --mode hyperlaunch --backend xen` that must exit 2 before QEMU starts,
 * naming what Xen cannot express. */
static void refused(const char *path, const char *mode, const char *what)
{
    char dir[] = "/tmp/tessera-qemu-XXXXXX";
    char *argv[] = {TESSERA_EXE, "run",     (char *)path, "--mode",          (char *)mode,
                    "--backend", "xen",     "--images",   TESSERA_IMAGE_DIR, "--out",
                    dir,         "--quiet", NULL};
    struct proc_buf out = {0}, err = {0};
    char *console;
    int status;

    cr_assert_not_null(mkdtemp(dir));
    status = tool(argv, &out, &err);
    cr_assert_eq(status, 2, "expected exit 2, got %d:\n%s%s", status, out.data ? out.data : "",
                 err.data ? err.data : "");
    cr_assert(err.data && strstr(err.data, what), "stderr does not name '%s':\n%s", what,
              err.data ? err.data : "");
    console = fileio_join(dir, "console.log");
    cr_assert(!fileio_is_file(console), "QEMU ran: %s exists", console);
    free(console);
    proc_buf_free(&out);
    proc_buf_free(&err);
}

/* `tessera compare --backend tessera,xen --repeat 2` on linux-one: both backends pass twice with
 * every number equal, the table names the work and gives the xen/tessera ratio, and
 * compare.json holds both columns, the work line and the ratios. */
Test(xen, compare_puts_both_side_by_side_on_the_same_work, .timeout = 110)
{
    char dir[] = "/tmp/tessera-compare-xen-XXXXXX";
    char *argv[] = {TESSERA_EXE,
                    "compare",
                    TESSERA_SCENARIOS "/linux-one.dts",
                    "--backend",
                    "tessera,xen",
                    "--repeat",
                    "2",
                    "--no-trace",
                    "--quiet",
                    "--images",
                    TESSERA_IMAGE_DIR,
                    "--out",
                    dir,
                    NULL};
    struct proc_buf out = {0}, err = {0};
    json_error_t je;
    json_t *j, *modes, *ratio;
    char *path;
    int status;

    cr_assert_not_null(mkdtemp(dir));
    status = tool(argv, &out, &err);
    cr_assert_eq(status, 0, "tessera compare exited %d:\n%s%s", status, out.data ? out.data : "",
                 err.data ? err.data : "");
    cr_assert_not_null(strstr(out.data, "\nwork: 1-domain fleet: linux1 (1 vCPU, 256 MiB, "
                                        "linux/Image + linux/initramfs.cpio"),
                       "no work line:\n%s", out.data);
    cr_assert_not_null(strstr(out.data, "1 pCPU, 1024 MiB; icount shift=0,sleep=off"));
    cr_assert_not_null(strstr(out.data, "ratio xen/tessera hyperlaunch (all ready): "));
    cr_assert_not_null(strstr(out.data, "reruns: identical (2 runs of each mode"), "%s", out.data);
    path = fileio_join(dir, "compare.json");
    j = json_load_file(path, 0, &je);
    cr_assert_not_null(j, "%s: %s", path, je.text);
    cr_assert_not_null(strstr(get_str(j, "work"), "linux1 (1 vCPU, 256 MiB"));
    modes = jget(j, "modes");
    cr_assert_eq(get_int(jget(modes, "tessera-hyperlaunch"), "passed"), 2);
    cr_assert_eq(get_int(jget(modes, "xen-hyperlaunch"), "passed"), 2);
    cr_assert(json_is_true(jget(jget(modes, "xen-hyperlaunch"), "identical")));
    cr_assert(json_is_true(jget(jget(modes, "tessera-hyperlaunch"), "identical")));
    ratio = jget(jget(jget(j, "ratios"), "xen/tessera hyperlaunch"), "all_ready_ns");
    cr_assert(json_is_real(ratio) && json_real_value(ratio) > 0, "no all-ready ratio");
    json_decref(j);
    free(path);
    path = fileio_join(dir, "xen/hyperlaunch/run-2/summary.json");
    cr_assert(fileio_is_file(path), "%s missing", path);
    free(path);
    proc_buf_free(&out);
    proc_buf_free(&err);
}

Test(xen, what_xen_cannot_express_is_refused_by_name)
{
    refused(TESSERA_QEMU_DATA "/xen-start-after.dts", "hyperlaunch",
            "/hypervisor/second: start-after");
    refused(TESSERA_SCENARIOS "/minimal.dts", "hyperlaunch", "is not a Linux arm64 Image");
    refused(TESSERA_SCENARIOS "/fleet4.dts", "dom0", "runs hyperlaunch (Xen dom0less) only");
}
