/* Passthrough ranges checked against the host device tree (tessera/passthrough.h). Deny by
 * default: a range is refused if any byte of it (whole intervals, not just its ends) is RAM,
 * reserved memory, or a region the hypervisor keeps (every reg entry of the GIC and its
 * children, IOMMUs, its UART), and every range is refused when the host tree describes no GIC,
 * since nothing can then show a range clear of it. Overlaps between domains' ranges are
 * mf_validate's. */
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/passthrough.h>

#include "mf_util.h"

static bool pt_overlaps(const struct mf_device *dv, uint64_t base, uint64_t size)
{
    /* Both ranges are non-empty and neither wraps (the parser and hostdt refuse that). */
    return size && dv->base < base + size && base < dv->base + dv->size;
}

static const char *pt_kind(enum hostdt_hyp_kind k)
{
    switch (k) {
    case HOSTDT_HYP_GIC:
        return "the GIC";
    case HOSTDT_HYP_GIC_ITS:
        return "the GIC ITS";
    case HOSTDT_HYP_GIC_MSI:
        return "a GIC MSI frame";
    case HOSTDT_HYP_GIC_SUB:
        return "a part of the GIC";
    case HOSTDT_HYP_IOMMU:
        return "an IOMMU";
    default:
        return "the hypervisor's UART";
    }
}

static int pt_refuse(struct mf_ctx *c, const struct mf_device *dv, const char *what,
                     const char *node, uint64_t base, uint64_t size, const char *why)
{
    return mf_fail(c, dv->node, "reg", "0x%llx+0x%llx overlaps %s%s%s at 0x%llx+0x%llx, %s",
                   (unsigned long long)dv->base, (unsigned long long)dv->size, what,
                   node ? " " : "", node ? node : "", (unsigned long long)base,
                   (unsigned long long)size, why);
}

static int pt_check_device(struct mf_ctx *c, const struct hostdt *hd, const struct mf_device *dv)
{
    for (unsigned i = 0; i < hd->mem_count; i++) {
        const struct hostdt_region *m = &hd->mem[i];
        if (pt_overlaps(dv, m->base, m->size)) {
            return pt_refuse(c, dv, "RAM", NULL, m->base, m->size,
                             "and RAM is never passed through");
        }
    }
    for (unsigned i = 0; i < hd->reserved_count; i++) {
        const struct hostdt_region *r = &hd->reserved[i];
        if (pt_overlaps(dv, r->base, r->size)) {
            return pt_refuse(c, dv, "reserved memory", "(/memreserve/ or /reserved-memory)",
                             r->base, r->size, "which is not a device");
        }
    }
    for (unsigned i = 0; i < hd->hyp_count; i++) {
        const struct hostdt_hyp_region *h = &hd->hyp[i];
        if (pt_overlaps(dv, h->base, h->size)) {
            return pt_refuse(c, dv, pt_kind(h->kind), h->node, h->base, h->size,
                             "which the hypervisor keeps");
        }
    }
    return 0;
}

int mf_check_passthrough(const void *fdt, const struct hostdt *hd, const struct mf_fleet *f,
                         char *err, size_t errlen, const struct mf_device **bad, unsigned *bad_dom)
{
    struct mf_ctx c = {fdt, err, errlen};

    for (unsigned i = 0; i < f->count; i++) {
        for (unsigned k = 0; k < f->dom[i].device_count; k++) {
            const struct mf_device *dv = &f->dom[i].devices[k];
            int rc = hd->gic.version == 0
                         ? mf_fail(&c, dv->node, "reg",
                                   "the host device tree describes no GIC (arm,gic-v3, "
                                   "arm,cortex-a15-gic or arm,gic-400), so no range can be shown "
                                   "clear of it: passthrough is refused")
                         : pt_check_device(&c, hd, dv);
            if (rc) {
                if (bad) {
                    *bad = dv;
                    *bad_dom = i;
                }
                return rc;
            }
        }
    }
    return 0;
}
