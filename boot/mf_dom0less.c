/* Xen Arm dom0less compatibility: `xen,domain` nodes under /chosen (memory in KiB as two
 * cells, cpus, vpl011, multiboot,kernel / multiboot,ramdisk modules with bootargs) become the
 * same fleet description as Tessera's own manifest, so existing dom0less device trees and
 * ImageBuilder output boot unchanged. Domain ids are 1, 2, ... in node order and vCPUs are
 * pinned to pCPUs in the same order (Tessera's null scheduler). */
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/manifest.h>

#include "mf_util.h"

/* A cell-sized number of the given cell count (1 or 2). */
static uint64_t mf_cells(const fdt32_t *p, int cells)
{
    return cells == 2 ? ((uint64_t)fdt32_to_cpu(p[0]) << 32) | fdt32_to_cpu(p[1])
                      : fdt32_to_cpu(p[0]);
}

static int mf_xen_cells(struct mf_ctx *c, int node, const char *prop, int dflt, int *out)
{
    uint32_t v = (uint32_t)dflt;
    bool found;
    int rc = mf_u32(c, node, prop, &v, &found);

    if (!rc && (v < 1 || v > 2)) {
        return mf_fail(c, node, prop, "%u is not supported (1 or 2)", v);
    }
    *out = (int)v;
    return rc;
}

static int mf_xen_module(struct mf_ctx *c, int node, int acells, int scells, enum mf_source src,
                         struct mf_module *m)
{
    static const char *const allowed[] = {"compatible", "reg", "bootargs", "image", NULL};
    int len, rc;
    const fdt32_t *reg = fdt_getprop(c->fdt, node, "reg", &len);

    if ((rc = mf_known_props(c, node, allowed)) ||
        (rc = mf_string(c, node, "bootargs", &m->bootargs)) ||
        (rc = mf_string(c, node, "image", &m->image))) {
        return rc;
    }
    if (m->present) {
        return mf_fail(c, node, "compatible", "a second module of this kind for the domain");
    }
    m->present = true;
    if (reg) {
        if (len != 4 * (acells + scells)) {
            return mf_fail(c, node, "reg", "must be one <address size> pair (%d + %d cells)",
                           acells, scells);
        }
        m->addr = mf_cells(reg, acells);
        m->size = mf_cells(reg + acells, scells);
        m->placed = m->size > 0;
    }
    if (src == MF_BOOT_DTB && !m->placed) {
        return mf_fail(c, node, "reg", "missing or empty: where did the boot loader put it?");
    }
    if (src == MF_SCENARIO && !m->placed && !m->image) {
        return mf_fail(c, node, "image", "missing (a module needs reg or image)");
    }
    return 0;
}

static int mf_xen_modules(struct mf_ctx *c, int node, enum mf_source src, struct mf_domain *d)
{
    int acells = 2, scells = 1, sub, rc;

    if ((rc = mf_xen_cells(c, node, "#address-cells", 2, &acells)) ||
        (rc = mf_xen_cells(c, node, "#size-cells", 1, &scells))) {
        return rc;
    }
    fdt_for_each_subnode(sub, c->fdt, node)
    {
        struct mf_module *m = mf_compatible(c, sub, "multiboot,kernel")    ? &d->kernel
                              : mf_compatible(c, sub, "multiboot,ramdisk") ? &d->ramdisk
                                                                           : NULL;
        if (!m) {
            return mf_fail(c, sub, "compatible",
                           "only multiboot,kernel and multiboot,ramdisk modules are supported");
        }
        if ((rc = mf_xen_module(c, sub, acells, scells, src, m))) {
            return rc;
        }
    }
    if (!d->kernel.present) {
        return mf_fail(c, node, NULL, "no multiboot,kernel module");
    }
    return 0;
}

static int mf_xen_domain(struct mf_ctx *c, int node, enum mf_source src, unsigned *next_pcpu,
                         struct mf_domain *d)
{
    static const char *const allowed[] = {"compatible",     "memory",      "cpus", "vpl011",
                                          "#address-cells", "#size-cells", NULL};
    int len, rc;
    const fdt32_t *mem;
    uint32_t cpus = 1;
    bool found;

    if ((rc = mf_domain_name(c, node, d)) || (rc = mf_known_props(c, node, allowed)) ||
        (rc = mf_u32(c, node, "cpus", &cpus, &found)) ||
        (rc = mf_flag(c, node, "vpl011", &d->vpl011))) {
        return rc;
    }
    mem = fdt_getprop(c->fdt, node, "memory", &len);
    if (!mem || (len != 4 && len != 8)) {
        return mf_fail(c, node, "memory", "required: the RAM size in KiB, one or two cells");
    }
    d->memory_kib = mf_cells(mem, len / 4);
    if (d->memory_kib == 0 || d->memory_kib % 4 || d->memory_kib > MF_MAX_MEMORY_KIB) {
        return mf_fail(c, node, "memory", "%llu KiB is not a positive multiple of 4 up to 64 GiB",
                       (unsigned long long)d->memory_kib);
    }
    if (cpus == 0 || cpus > MF_MAX_VCPUS) {
        return mf_fail(c, node, "cpus", "%u vCPUs: must be 1 to %u", cpus, MF_MAX_VCPUS);
    }
    d->cpus = cpus;
    for (unsigned i = 0; i < cpus; i++) {
        d->affinity[i] = (*next_pcpu)++;
    }
    d->priority = MF_PRIORITY_DEFAULT;
    return mf_xen_modules(c, node, src, d);
}

int mf_parse_dom0less(const void *fdt, int chosen, enum mf_source src, struct mf_fleet *out,
                      char *err, size_t errlen)
{
    struct mf_ctx c = {fdt, err, errlen};
    unsigned next_pcpu = 0;
    int sub, rc;

    lib_memset(out, 0, sizeof(*out));
    lib_strlcpy(out->scheduler, "null", sizeof(out->scheduler));
    out->dom0less = true;
    fdt_for_each_subnode(sub, fdt, chosen)
    {
        if (!mf_compatible(&c, sub, "xen,domain")) {
            continue;
        }
        if (out->count == MF_MAX_DOMAINS) {
            return mf_fail(&c, sub, NULL, "more than %d domains", MF_MAX_DOMAINS);
        }
        struct mf_domain *d = &out->dom[out->count];
        if ((rc = mf_xen_domain(&c, sub, src, &next_pcpu, d))) {
            return rc;
        }
        d->domid = ++out->count;
    }
    if (out->count && src == MF_BOOT_DTB && mf_run_seed(fdt, chosen, out)) {
        return mf_fail(&c, chosen, "tessera,seed", "not a 64-bit value");
    }
    return out->count ? 0 : -ENOENT;
}
