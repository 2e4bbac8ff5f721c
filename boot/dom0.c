/* dom0 mode: the hypervisor builds only the control domain and gives it, read-only, the boot
 * DTB (the fleet's descriptions) and the fleet's images; its toolstack builds the rest with
 * domctl, as Xen's Dom0 does with xl. */
#include <libfdt.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/domspec.h>
#include <tessera/errno.h>
#include <tessera/guest_fdt.h>
#include <tessera/launch.h>
#include <tessera/lib.h>
#include <tessera/trace.h>

static uint8_t dom0_dtb[GFDT_BUF_SIZE] __attribute__((section(".noinit"), aligned(8)));

/* Maps [pa, pa + size), widened to pages, read-only into the control domain's window. */
static int dom0_window(struct domain *ctl, uint64_t pa, uint64_t size)
{
    uint64_t start = ALIGN_DOWN(pa, FRAME_SIZE), end = ALIGN_UP(pa + size, FRAME_SIZE);
    return arch_p2m_map(ctl, LAUNCH_MODULE_WINDOW + start, start, end - start, P2M_R);
}

static int dom0_control_index(const struct mf_fleet *f, unsigned *out, char *err, size_t errlen)
{
    unsigned n = 0;

    for (unsigned i = 0; i < f->count; i++) {
        if (f->dom[i].permissions & MF_PERM_CONTROL) {
            *out = i;
            n++;
        }
    }
    if (n != 1) {
        lib_snprintf(err, errlen,
                     "dom0 mode needs exactly one domain with permissions bit 1 "
                     "(control); the manifest has %u",
                     n);
        return -EINVAL;
    }
    return 0;
}

static int dom0_map_fleet(struct domain *ctl, const struct mf_fleet *f, const void *fdt)
{
    unsigned mapped = 0;
    int rc = dom0_window(ctl, (uint64_t)(uintptr_t)fdt, fdt_totalsize(fdt));

    for (unsigned i = 0; !rc && i < f->count; i++) {
        const struct mf_domain *d = &f->dom[i];
        if (!launch_in_fleet(d)) {
            continue;
        }
        rc = dom0_window(ctl, d->kernel.addr, d->kernel.size);
        mapped++;
        if (!rc && d->ramdisk.present) {
            rc = dom0_window(ctl, d->ramdisk.addr, d->ramdisk.size);
            mapped++;
        }
    }
    if (!rc) {
        hyp_printf("dom %s is the control domain: boot DTB and %u modules mapped read-only at "
                   "0x%llx + PA",
                   ctl->name, mapped, (unsigned long long)LAUNCH_MODULE_WINDOW);
    }
    return rc;
}

int launch_dom0(const struct mf_fleet *f, const void *fdt, char *err, size_t errlen)
{
    struct dom_spec spec;
    struct domain *ctl;
    unsigned c;
    int rc;

    if ((rc = dom0_control_index(f, &c, err, errlen))) {
        return rc;
    }
    rc = domspec_build_control(f, c, &spec, dom0_dtb,
                               LAUNCH_MODULE_WINDOW + (uint64_t)(uintptr_t)fdt,
                               LAUNCH_MODULE_WINDOW, err, errlen);
    if (!rc && (rc = dom_create(&spec, &ctl))) {
        lib_snprintf(err, errlen, "%s: not built (%d)", spec.name, rc);
    }
    if (!rc && (rc = dom0_map_fleet(ctl, f, fdt))) {
        lib_snprintf(err, errlen, "%s: boot modules not mapped (%d)", spec.name, rc);
    }
    if (rc) {
        return rc;
    }
    TRACE(boot_phase, TRACE_BOOT_INIT_DONE, 0);
    hyp_printf("init done");
    return dom_start_eligible();
}
