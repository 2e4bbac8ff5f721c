/* Passthrough ranges checked against the host device tree (tessera/passthrough.h). */
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/passthrough.h>

#include "mf_util.h"

static bool pt_in(uint64_t addr, const struct hostdt_region *r)
{
    return r->size && addr >= r->base && addr - r->base < r->size;
}

static bool pt_overlaps(uint64_t base, uint64_t size, const struct hostdt_region *r)
{
    return r->size && base < r->base + r->size && r->base < base + size;
}

static int pt_check_device(struct mf_ctx *c, const struct hostdt *hd, const struct mf_device *dv)
{
    const struct hostdt_region uart = {hd->uart.base, hd->uart.size};
    const struct hostdt_region *hyp[] = {&uart,          &hd->gic.dist, &hd->gic.redist,
                                         &hd->gic.cpuif, &hd->gic.hyp,  &hd->gic.vcpu};

    for (unsigned i = 0; i < hd->mem_count; i++) {
        if (pt_in(dv->base, &hd->mem[i]) || pt_in(dv->base + dv->size - 1, &hd->mem[i])) {
            return mf_fail(c, dv->node, "reg", "device at 0x%llx+0x%llx is RAM, not a device",
                           (unsigned long long)dv->base, (unsigned long long)dv->size);
        }
    }
    for (unsigned i = 0; i < ARRAY_SIZE(hyp); i++) {
        if (pt_overlaps(dv->base, dv->size, hyp[i])) {
            return mf_fail(c, dv->node, "reg",
                           "device at 0x%llx+0x%llx overlaps a device the hypervisor uses (its "
                           "UART or the GIC)",
                           (unsigned long long)dv->base, (unsigned long long)dv->size);
        }
    }
    return 0;
}

int mf_check_passthrough(const void *fdt, const struct hostdt *hd, const struct mf_fleet *f,
                         char *err, size_t errlen)
{
    struct mf_ctx c = {fdt, err, errlen};

    for (unsigned i = 0; i < f->count; i++) {
        for (unsigned k = 0; k < f->dom[i].device_count; k++) {
            int rc = pt_check_device(&c, hd, &f->dom[i].devices[k]);
            if (rc) {
                return rc;
            }
        }
    }
    return 0;
}
