/* The arch-neutral start sequence: frame allocator (RAM, hypervisor, DTB, modules), the
 * manifest, then the launch mode. A bad manifest stops the boot with its message. */
#include <libfdt.h>
#include <tessera/arch.h>
#include <tessera/boot.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/launch.h>
#include <tessera/lib.h>
#include <tessera/manifest.h>
#include <tessera/passthrough.h>
#include <tessera/trace.h>

static struct mf_fleet start_fleet;

static void start_scrub(paddr_t base, uint64_t size)
{
    arch_zero(arch_phys_to_virt(base), size);
}

static void start_fail(const char *what, const char *detail) __attribute__((noreturn));
static void start_fail(const char *what, const char *detail)
{
    hyp_printf("FATAL %s: %s", what, detail);
    hyp_printf("exit status=2");
    arch_system_exit(2);
}

static void start_frames(const struct boot_info *bi)
{
    const struct hostdt *hd = bi->hd;
    char msg[96];
    int rc;

    frame_init(&hyp_frames, start_scrub);
    for (unsigned i = 0; i < hd->mem_count; i++) {
        rc = frame_add_ram(&hyp_frames, hd->mem[i].base, hd->mem[i].size);
        if (rc) {
            lib_snprintf(msg, sizeof(msg), "RAM bank 0x%llx+0x%llx refused: %s",
                         (unsigned long long)hd->mem[i].base, (unsigned long long)hd->mem[i].size,
                         lib_errstr(rc));
            start_fail("frame allocator", msg);
        }
    }
    rc = frame_claim(&hyp_frames, bi->image_base, bi->image_size, FRAME_HYP);
    if (!rc) {
        rc = frame_claim(&hyp_frames, (uint64_t)(uintptr_t)bi->fdt, fdt_totalsize(bi->fdt),
                         FRAME_HYP);
    }
    if (rc) {
        start_fail("frame allocator", "the hypervisor image or the DTB is not in free RAM");
    }
    for (unsigned i = 0; i < hd->reserved_count; i++) {
        /* Reserved ranges outside RAM (-EINVAL) need no claim. */
        frame_claim(&hyp_frames, hd->reserved[i].base, hd->reserved[i].size, FRAME_HYP);
    }
}

static void start_claim(const char *name, const char *what, const struct mf_module *m)
{
    char msg[160];
    int rc = frame_claim(&hyp_frames, m->addr, m->size, FRAME_MODULE);

    if (rc) {
        lib_snprintf(msg, sizeof(msg),
                     "%s: %s module at 0x%llx+0x%llx is not in free RAM (%s): it overlaps the "
                     "hypervisor, the DTB or another module",
                     name, what, (unsigned long long)m->addr, (unsigned long long)m->size,
                     lib_errstr(rc));
        start_fail("manifest", msg);
    }
}

static void start_modules(const struct mf_fleet *f)
{
    for (unsigned i = 0; i < f->count; i++) {
        start_claim(f->dom[i].name, "kernel", &f->dom[i].kernel);
        if (f->dom[i].ramdisk.present) {
            start_claim(f->dom[i].name, "ramdisk", &f->dom[i].ramdisk);
        }
        if (f->dom[i].dtb.present) {
            start_claim(f->dom[i].name, "dtb", &f->dom[i].dtb);
        }
    }
}

/* The fleet from /chosen/hypervisor, or else from Xen dom0less xen,domain nodes. */
static void start_manifest(const struct boot_info *bi, struct mf_fleet *f)
{
    char err[320];
    int rc;

    if (bi->hd->hypervisor_node >= 0) {
        rc = mf_parse(bi->fdt, bi->hd->hypervisor_node, MF_BOOT_DTB, f, err, sizeof(err));
        if (!rc && mf_run_seed(bi->fdt, bi->hd->chosen_node, f)) {
            start_fail("manifest", "/chosen/tessera,seed: not a 64-bit value");
        }
    } else {
        int chosen = fdt_path_offset(bi->fdt, "/chosen");
        rc = chosen < 0 ? -ENOENT
                        : mf_parse_dom0less(bi->fdt, chosen, MF_BOOT_DTB, f, err, sizeof(err));
        if (rc == -ENOENT) {
            start_fail("manifest", "no /chosen/hypervisor node and no xen,domain nodes: "
                                   "nothing to launch");
        }
        if (!rc) {
            hyp_printf("manifest: %u Xen dom0less domains translated", f->count);
        }
    }
    if (!rc) {
        rc = mf_validate(bi->fdt, f, arch_cpu_count(), err, sizeof(err));
    }
    if (!rc) {
        const struct mf_device *bad;
        unsigned bad_dom;
        rc = mf_check_passthrough(bi->fdt, bi->hd, f, err, sizeof(err), &bad, &bad_dom);
        if (rc) {
            TRACE(passthrough_refused, f->dom[bad_dom].domid, bad->base, bad->size);
        }
    }
    if (rc) {
        start_fail("manifest", err);
    }
}

/* The trace buffers: trace-kib KiB per pCPU (default 128, about 2700 records each) and the
 * class mask, from the manifest's hypervisor node, overridden by the command line
 * (trace-kib=N, trace-mask=N); the buffers come from RAM like any hypervisor memory. */
static void start_trace(const struct boot_info *bi, const struct mf_fleet *f)
{
    uint64_t kib = f->trace_kib ? f->trace_kib : 128, mask = f->trace_mask, bytes;
    bool mask_set = f->trace_mask_set;
    size_t len;
    const char *arg = lib_cmdline_value(bi->hd->bootargs, "trace-kib", &len);
    paddr_t pa;

    if (arg) {
        kib = lib_strtoul(arg, NULL, 0);
    }
    if ((arg = lib_cmdline_value(bi->hd->bootargs, "trace-mask", &len))) {
        mask = lib_strtoul(arg, NULL, 0);
        mask_set = true;
    }
    if (mask_set) {
        trace_set_mask((uint32_t)mask);
        hyp_printf("trace class mask 0x%llx", (unsigned long long)mask);
    }
    bytes = kib * 1024 * arch_cpu_count();
    if (kib == 0 || frame_alloc(&hyp_frames, bytes, FRAME_SIZE, FRAME_HYP, &pa) ||
        trace_init(arch_cpu_count(), arch_phys_to_virt(pa), bytes)) {
        hyp_printf("trace buffers of %llu KiB per pCPU not set up: only the early records are "
                   "kept",
                   (unsigned long long)kib);
        return;
    }
    hyp_printf("trace buffers: %llu KiB per pCPU", (unsigned long long)kib);
}

void boot_start(const struct boot_info *bi)
{
    enum launch_mode mode;
    char err[192];
    int rc;

    TRACE(boot_phase, TRACE_BOOT_FRAMES, 0);
    start_frames(bi);
    if (launch_parse_mode(bi->hd->bootargs, &mode)) {
        start_fail("command line", "mode= must be hyperlaunch, dom0 or bootdomain");
    }
    hyp_printf("launch mode %s", launch_mode_name(mode));
    TRACE(boot_phase, TRACE_BOOT_MANIFEST, mode);
    start_manifest(bi, &start_fleet);
    start_trace(bi, &start_fleet);
    start_modules(&start_fleet);
    TRACE(boot_phase, TRACE_BOOT_BUILD, start_fleet.count);
    switch (mode) {
    case LAUNCH_DOM0:
        rc = launch_dom0(&start_fleet, bi->fdt, err, sizeof(err));
        break;
    case LAUNCH_BOOTDOMAIN:
        rc = launch_bootdomain(&start_fleet, bi->fdt, err, sizeof(err));
        break;
    default:
        rc = launch_hyperlaunch(&start_fleet, err, sizeof(err));
        break;
    }
    if (rc) {
        start_fail("launch", err);
    }
    TRACE(boot_phase, TRACE_BOOT_START, 0);
    dom_launch_complete();
    arch_cpu_park();
}
