/* The launch modes with a helper domain. dom0: the hypervisor builds only the control domain
 * and gives it, read-only, the boot DTB (the fleet's descriptions) and the fleet's images;
 * its toolstack builds the rest with domctl, as Xen's Dom0 does with xl. bootdomain: the
 * hypervisor builds the whole fleet held, plus the boot domain, which orders and unpauses
 * the others through domctl, then ends and is reclaimed. The boot domain gets the boot DTB
 * only: the fleet's images are, or may be, the fleet's own RAM by then (mapped in place). */
#include <libfdt.h>
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/ctlwin.h>
#include <tessera/domain.h>
#include <tessera/domspec.h>
#include <tessera/errno.h>
#include <tessera/guest_fdt.h>
#include <tessera/launch.h>
#include <tessera/lib.h>
#include <tessera/trace.h>

static uint8_t helper_dtb[GFDT_BUF_SIZE] __attribute__((section(".noinit"), aligned(8)));

/* Maps [pa, pa + size), widened to pages, read-only into the helper domain's window. */
static int helper_window(struct domain *h, uint64_t pa, uint64_t size)
{
    uint64_t start = ALIGN_DOWN(pa, FRAME_SIZE), end = ALIGN_UP(pa + size, FRAME_SIZE);
    return arch_p2m_map(h, LAUNCH_MODULE_WINDOW + start, start, end - start, P2M_R);
}

/* The one fleet entry with the given role bit set in its permissions or functions. */
static int helper_index(const struct mf_fleet *f, bool control, unsigned *out, char *err,
                        size_t errlen)
{
    unsigned n = 0;

    for (unsigned i = 0; i < f->count; i++) {
        bool is = control ? (f->dom[i].permissions & MF_PERM_CONTROL)
                          : (f->dom[i].functions & MF_FUNC_BOOT);
        if (is) {
            *out = i;
            n++;
        }
    }
    if (n != 1) {
        lib_snprintf(err, errlen, "%s mode needs exactly one domain with %s; the manifest has %u",
                     control ? "dom0" : "bootdomain",
                     control ? "permissions bit 1 (control)" : "functions = \"boot\"", n);
        return -EINVAL;
    }
    return 0;
}

static int helper_map_fleet(struct domain *h, const struct mf_fleet *f, const void *fdt)
{
    bool control = !(h->functions & DOM_FUNC_BOOT);
    unsigned mapped = 0;
    int rc = helper_window(h, (uint64_t)(uintptr_t)fdt, fdt_totalsize(fdt));

    for (unsigned i = 0; !rc && control && i < f->count; i++) {
        const struct mf_domain *d = &f->dom[i];
        if (!launch_in_fleet(d)) {
            continue;
        }
        rc = helper_window(h, d->kernel.addr, d->kernel.size);
        mapped++;
        if (!rc && d->ramdisk.present) {
            rc = helper_window(h, d->ramdisk.addr, d->ramdisk.size);
            mapped++;
        }
        if (!rc && d->dtb.present) {
            rc = helper_window(h, d->dtb.addr, d->dtb.size);
            mapped++;
        }
    }
    if (!rc && control) {
        hyp_printf("dom %s is the control domain: boot DTB and %u modules mapped read-only at "
                   "0x%llx + PA",
                   h->name, mapped, (unsigned long long)LAUNCH_MODULE_WINDOW);
    } else if (!rc) {
        hyp_printf("dom %s is the boot domain: boot DTB mapped read-only at 0x%llx + PA, nothing "
                   "of the fleet",
                   h->name, (unsigned long long)LAUNCH_MODULE_WINDOW);
    }
    return rc;
}

/* Builds the helper domain (control or boot) with the fleet mapped into it, and starts it. */
static int helper_launch(const struct mf_fleet *f, const void *fdt, bool control, char *err,
                         size_t errlen)
{
    struct dom_spec spec;
    struct domain *h;
    unsigned c;
    int rc;

    if ((rc = helper_index(f, control, &c, err, errlen))) {
        return rc;
    }
    rc = domspec_build_control(f, c, &spec, helper_dtb,
                               LAUNCH_MODULE_WINDOW + (uint64_t)(uintptr_t)fdt,
                               LAUNCH_MODULE_WINDOW, err, errlen);
    /* The boot domain may order and unpause the others for as long as it lives. */
    spec.permissions |= DOM_PERM_CONTROL;
    if (!rc && (rc = dom_create(&spec, &h))) {
        lib_snprintf(err, errlen, "%s: not built: %s", spec.name, lib_errstr(rc));
    }
    if (!rc && (rc = helper_map_fleet(h, f, fdt))) {
        lib_snprintf(err, errlen, "%s: boot modules not mapped: %s", spec.name, lib_errstr(rc));
    }
    if (!rc && (rc = ctlwin_attach(h))) {
        lib_snprintf(err, errlen, "%s: control window not set up: %s", spec.name, lib_errstr(rc));
    }
    if (rc) {
        return rc;
    }
    TRACE(boot_phase, TRACE_BOOT_INIT_DONE, 0);
    hyp_printf("init done");
    return dom_start_eligible();
}

int launch_dom0(const struct mf_fleet *f, const void *fdt, char *err, size_t errlen)
{
    return helper_launch(f, fdt, true, err, errlen);
}

int launch_bootdomain(const struct mf_fleet *f, const void *fdt, char *err, size_t errlen)
{
    int rc = launch_build_fleet(f, true, err, errlen);
    return rc ? rc : helper_launch(f, fdt, false, err, errlen);
}
