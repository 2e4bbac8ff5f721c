/* Manifest parser for Tessera's own nodes (docs/manifest.md). Strict: an unknown property, a
 * wrong length or an out-of-range value is refused with the node path and property named,
 * so a typo never silently changes an experiment. */
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/manifest.h>

#include "mf_util.h"

const char *mf_on_crash_name(enum mf_on_crash p)
{
    return p == MF_CRASH_RESTART ? "restart" : p == MF_CRASH_DESTROY ? "destroy" : "halt";
}

static int mf_module(struct mf_ctx *c, int node, enum mf_source src, struct mf_module *m)
{
    static const char *const allowed[] = {"image", "bootargs", "reg", "compatible", NULL};
    int len, rc;
    const fdt32_t *reg;

    if ((rc = mf_known_props(c, node, allowed)) || (rc = mf_string(c, node, "image", &m->image)) ||
        (rc = mf_string(c, node, "bootargs", &m->bootargs))) {
        return rc;
    }
    m->present = true;
    reg = fdt_getprop(c->fdt, node, "reg", &len);
    if (reg) {
        if (len != 16) {
            return mf_fail(c, node, "reg",
                           "must be <addr-hi addr-lo size-hi size-lo>, not %d bytes", len);
        }
        m->addr = ((uint64_t)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1]);
        m->size = ((uint64_t)fdt32_to_cpu(reg[2]) << 32) | fdt32_to_cpu(reg[3]);
        if (m->size == 0) {
            return mf_fail(c, node, "reg", "module size is 0");
        }
        if (m->addr + m->size < m->addr) {
            return mf_fail(c, node, "reg", "module wraps the address space");
        }
        m->placed = true;
    }
    if (src == MF_BOOT_DTB && !m->placed) {
        return mf_fail(c, node, "reg", "missing: the boot loader did not say where the image is");
    }
    if (src == MF_SCENARIO && !m->image) {
        return mf_fail(c, node, "image", "missing (required)");
    }
    return 0;
}

static int mf_affinity(struct mf_ctx *c, int node, struct mf_domain *d)
{
    int len;
    const fdt32_t *v = fdt_getprop(c->fdt, node, "cpu-affinity", &len);

    if (!v) {
        for (unsigned i = 0; i < d->cpus; i++) {
            d->affinity[i] = i;
        }
        return 0;
    }
    if (len != (int)(4 * d->cpus)) {
        return mf_fail(c, node, "cpu-affinity", "needs one pCPU id per vCPU (%u), has %d", d->cpus,
                       len / 4);
    }
    for (unsigned i = 0; i < d->cpus; i++) {
        d->affinity[i] = fdt32_to_cpu(v[i]);
    }
    return 0;
}

static int mf_functions(struct mf_ctx *c, int node, struct mf_domain *d)
{
    int len, off = 0;
    const char *list = fdt_getprop(c->fdt, node, "functions", &len);

    if (!list) {
        return 0;
    }
    if (len < 2 || list[len - 1] != '\0') {
        return mf_fail(c, node, "functions", "must be a list of strings");
    }
    while (off < len) {
        const char *f = list + off;
        if (mf_is(f, "boot")) {
            d->functions |= MF_FUNC_BOOT;
        } else if (mf_is(f, "console")) {
            d->functions |= MF_FUNC_CONSOLE;
        } else {
            return mf_fail(c, node, "functions", "'%s' is not a function (boot, console)", f);
        }
        off += (int)lib_strlen(f) + 1;
    }
    return 0;
}

/* late = "cpu-affinity": in the bootdomain mode the hypervisor leaves the domain unpinned and
 * the boot domain pins it (start order is always the boot domain's job there). */
static int mf_late(struct mf_ctx *c, int node, struct mf_domain *d)
{
    int len, off = 0;
    const char *list = fdt_getprop(c->fdt, node, "late", &len);

    if (!list) {
        return 0;
    }
    if (len < 2 || list[len - 1] != '\0') {
        return mf_fail(c, node, "late", "must be a list of strings");
    }
    while (off < len) {
        const char *s = list + off;
        if (!mf_is(s, "cpu-affinity")) {
            return mf_fail(c, node, "late", "'%s' cannot be applied late (cpu-affinity)", s);
        }
        d->late |= MF_LATE_AFFINITY;
        off += (int)lib_strlen(s) + 1;
    }
    return 0;
}

static int mf_on_crash(struct mf_ctx *c, int node, struct mf_domain *d)
{
    const char *s;
    int rc = mf_string(c, node, "on-crash", &s);

    if (rc || !s) {
        return rc;
    }
    if (mf_is(s, "halt")) {
        d->on_crash = MF_CRASH_HALT;
    } else if (mf_is(s, "restart")) {
        d->on_crash = MF_CRASH_RESTART;
    } else if (mf_is(s, "destroy")) {
        d->on_crash = MF_CRASH_DESTROY;
    } else {
        return mf_fail(c, node, "on-crash", "'%s' is not a policy (halt, restart, destroy)", s);
    }
    return 0;
}

/* The numeric properties with their ranges. */
static int mf_numbers(struct mf_ctx *c, int node, struct mf_domain *d)
{
    uint32_t v = 0;
    bool found;
    int rc;

    if ((rc = mf_required_u32(c, node, "domid", &d->domid)) ||
        (rc = mf_required_u32(c, node, "memory-kib", &v))) {
        return rc;
    }
    if (v == 0 || v % 4 != 0) {
        return mf_fail(c, node, "memory-kib", "%u is not a positive multiple of 4", v);
    }
    d->memory_kib = v;
    v = 1;
    if ((rc = mf_u32(c, node, "cpus", &v, &found))) {
        return rc;
    }
    if (v == 0 || v > MF_MAX_VCPUS) {
        return mf_fail(c, node, "cpus", "%u vCPUs: must be 1 to %u", v, MF_MAX_VCPUS);
    }
    d->cpus = v;
    v = 0;
    if ((rc = mf_u32(c, node, "permissions", &v, &found))) {
        return rc;
    }
    if (v & ~(MF_PERM_CONTROL | MF_PERM_HARDWARE)) {
        return mf_fail(c, node, "permissions", "0x%x has unknown bits (1 control, 2 hardware)", v);
    }
    d->permissions = v;
    v = MF_PRIORITY_DEFAULT;
    if ((rc = mf_u32(c, node, "priority", &v, &found))) {
        return rc;
    }
    if (v > 255) {
        return mf_fail(c, node, "priority", "%u is out of range 0-255", v);
    }
    d->priority = v;
    return 0;
}

static int mf_domain_props(struct mf_ctx *c, int node, struct mf_domain *d)
{
    static const char *const allowed[] = {
        "compatible",     "domid",       "memory-kib", "cpus",
        "cpu-affinity",   "permissions", "functions",  "priority",
        "start-after",    "on-crash",    "vpl011",     "event-channels",
        "#address-cells", "#size-cells", "late",       NULL};
    int rc;

    if ((rc = mf_known_props(c, node, allowed)) || (rc = mf_numbers(c, node, d)) ||
        (rc = mf_affinity(c, node, d)) || (rc = mf_functions(c, node, d)) ||
        (rc = mf_on_crash(c, node, d)) || (rc = mf_late(c, node, d)) ||
        (rc = mf_flag(c, node, "vpl011", &d->vpl011))) {
        return rc;
    }
    return 0;
}

/* A passthrough device node: reg = <addr-hi addr-lo size-hi size-lo>, page-aligned, and an
 * optional interrupts = <spi ...> (SPI numbers, 0-987). */
static int mf_device(struct mf_ctx *c, int node, struct mf_domain *d)
{
    static const char *const allowed[] = {"reg", "interrupts", "compatible", NULL};
    struct mf_device *dev;
    int len, rc;

    if ((rc = mf_known_props(c, node, allowed))) {
        return rc;
    }
    if (!(d->permissions & MF_PERM_HARDWARE)) {
        return mf_fail(c, node, NULL,
                       "passing a device through needs permissions bit 2 "
                       "(hardware) on the domain");
    }
    if (d->device_count == MF_MAX_DEVICES) {
        return mf_fail(c, node, NULL, "more than %d devices in one domain", MF_MAX_DEVICES);
    }
    dev = &d->devices[d->device_count++];
    dev->node = node;
    const fdt32_t *reg = fdt_getprop(c->fdt, node, "reg", &len);
    if (!reg || len != 16) {
        return mf_fail(c, node, "reg", "required: <addr-hi addr-lo size-hi size-lo>");
    }
    dev->base = ((uint64_t)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1]);
    dev->size = ((uint64_t)fdt32_to_cpu(reg[2]) << 32) | fdt32_to_cpu(reg[3]);
    if (dev->size == 0 || ((dev->base | dev->size) & 0xfff) || dev->base + dev->size < dev->base) {
        return mf_fail(c, node, "reg", "the range must be non-empty and 4 KiB-aligned");
    }
    const fdt32_t *irq = fdt_getprop(c->fdt, node, "interrupts", &len);
    if (irq && (len == 0 || len % 4 || len / 4 > (int)ARRAY_SIZE(dev->spi))) {
        return mf_fail(c, node, "interrupts", "must list 1 to %d SPI numbers",
                       (int)ARRAY_SIZE(dev->spi));
    }
    for (int k = 0; irq && k < len / 4; k++) {
        dev->spi[dev->spi_count++] = fdt32_to_cpu(irq[k]);
        if (dev->spi[k] > 987) {
            return mf_fail(c, node, "interrupts", "SPI %u is out of range 0-987", dev->spi[k]);
        }
    }
    return 0;
}

static int mf_domain(struct mf_ctx *c, int node, enum mf_source src, struct mf_domain *d)
{
    int sub, rc;

    if ((rc = mf_domain_name(c, node, d)) || (rc = mf_domain_props(c, node, d))) {
        return rc;
    }
    fdt_for_each_subnode(sub, c->fdt, node)
    {
        const char *sname = fdt_get_name(c->fdt, sub, NULL);
        if (lib_strncmp(sname, "device@", 7) == 0 || mf_is(sname, "device")) {
            rc = mf_device(c, sub, d);
        } else if (mf_is(sname, "kernel")) {
            rc = mf_module(c, sub, src, &d->kernel);
        } else if (mf_is(sname, "ramdisk")) {
            rc = mf_module(c, sub, src, &d->ramdisk);
        } else if (mf_is(sname, "dtb")) {
            rc = mf_module(c, sub, src, &d->dtb);
        } else {
            rc =
                mf_fail(c, sub, NULL, "unknown node (expected: kernel, ramdisk, dtb, device@ADDR)");
        }
        if (rc) {
            return rc;
        }
    }
    if (!d->kernel.present) {
        return mf_fail(c, node, "kernel", "missing node (required)");
    }
    return 0;
}

/* The fleet index of the domain node with phandle ph, or f->count if none. */
static unsigned mf_domain_by_phandle(struct mf_ctx *c, const struct mf_fleet *f, uint32_t ph)
{
    /* Only the fleet's own nodes can be meant: compare their phandles instead of searching
     * the whole tree (fdt_node_offset_by_phandle costs ~0.5M instructions). */
    unsigned j = 0;
    while (j < f->count && (ph == 0 || fdt_get_phandle(c->fdt, f->dom[j].node) != ph)) {
        j++;
    }
    return j;
}

/* Resolves event-channels = <port &peer peer-port>, ... (after every domain is known). */
static int mf_links(struct mf_ctx *c, struct mf_fleet *f, unsigned i)
{
    struct mf_domain *d = &f->dom[i];
    int len;
    const fdt32_t *v = fdt_getprop(c->fdt, d->node, "event-channels", &len);

    if (!v) {
        return 0;
    }
    if (len == 0 || len % 12 || len / 12 > MF_MAX_LINKS) {
        return mf_fail(c, d->node, "event-channels",
                       "must list 1 to %d links <port &domain peer-port>", MF_MAX_LINKS);
    }
    for (int k = 0; k < len / 12; k++) {
        struct mf_link *l = &d->links[d->link_count++];
        l->port = fdt32_to_cpu(v[3 * k]);
        l->peer = mf_domain_by_phandle(c, f, fdt32_to_cpu(v[3 * k + 1]));
        l->peer_port = fdt32_to_cpu(v[3 * k + 2]);
        if (l->peer == f->count || l->peer == i) {
            return mf_fail(c, d->node, "event-channels",
                           "link %d does not name another domain of this fleet", k + 1);
        }
        if (l->port >= MF_EVTCHN_PORTS || l->peer_port >= MF_EVTCHN_PORTS) {
            return mf_fail(c, d->node, "event-channels", "link %d: ports are 0 to %d", k + 1,
                           MF_EVTCHN_PORTS - 1);
        }
    }
    return 0;
}

/* Resolves start-after phandles to fleet indexes (after every domain is known). */
static int mf_start_after(struct mf_ctx *c, struct mf_fleet *f, unsigned i)
{
    struct mf_domain *d = &f->dom[i];
    int len;
    const fdt32_t *v = fdt_getprop(c->fdt, d->node, "start-after", &len);

    if (!v) {
        return 0;
    }
    if (len == 0 || len % 4 || len / 4 > MF_MAX_DEPS) {
        return mf_fail(c, d->node, "start-after", "must list 1 to %d domains (<&name ...>)",
                       MF_MAX_DEPS);
    }
    for (int k = 0; k < len / 4; k++) {
        unsigned j = mf_domain_by_phandle(c, f, fdt32_to_cpu(v[k]));
        if (j == f->count) {
            return mf_fail(c, d->node, "start-after", "entry %d is not a domain of this fleet",
                           k + 1);
        }
        if (j == i) {
            return mf_fail(c, d->node, "start-after", "a domain cannot wait for itself");
        }
        d->start_after[d->start_after_count++] = j;
    }
    return 0;
}

/* trace-kib (per-pCPU buffer, 4 KiB to 64 MiB) and trace-mask (run-time class mask). */
static int mf_trace_options(struct mf_ctx *c, int node, struct mf_fleet *out)
{
    bool found;
    int rc = mf_u32(c, node, "trace-kib", &out->trace_kib, &found);

    if (!rc && found && (out->trace_kib < 4 || out->trace_kib > 65536)) {
        return mf_fail(c, node, "trace-kib", "%u KiB is out of range 4-65536", out->trace_kib);
    }
    if (!rc) {
        rc = mf_u32(c, node, "trace-mask", &out->trace_mask, &out->trace_mask_set);
    }
    return rc;
}

int mf_parse(const void *fdt, int node, enum mf_source src, struct mf_fleet *out, char *err,
             size_t errlen)
{
    static const char *const allowed[] = {"compatible",  "scheduler", "#address-cells",
                                          "#size-cells", "trace-kib", "trace-mask",
                                          NULL};
    struct mf_ctx c = {fdt, err, errlen};
    const char *sched;
    int sub, rc;

    lib_memset(out, 0, sizeof(*out));
    if (!mf_compatible(&c, node, "tessera,hypervisor")) {
        return mf_fail(&c, node, "compatible", "must be \"tessera,hypervisor\"");
    }
    if ((rc = mf_known_props(&c, node, allowed)) ||
        (rc = mf_string(&c, node, "scheduler", &sched))) {
        return rc;
    }
    if (sched && !mf_is(sched, "null")) {
        return mf_fail(&c, node, "scheduler", "'%s' is not available (available: null)", sched);
    }
    lib_strlcpy(out->scheduler, "null", sizeof(out->scheduler));
    if ((rc = mf_trace_options(&c, node, out))) {
        return rc;
    }
    fdt_for_each_subnode(sub, fdt, node)
    {
        if (!mf_compatible(&c, sub, "tessera,domain")) {
            return mf_fail(&c, sub, "compatible", "must be \"tessera,domain\"");
        }
        if (out->count == MF_MAX_DOMAINS) {
            return mf_fail(&c, sub, NULL, "more than %d domains", MF_MAX_DOMAINS);
        }
        if ((rc = mf_domain(&c, sub, src, &out->dom[out->count]))) {
            return rc;
        }
        out->count++;
    }
    if (sub < 0 && sub != -FDT_ERR_NOTFOUND) {
        return mf_fail(&c, node, NULL, "malformed device tree (%s)", fdt_strerror(sub));
    }
    if (out->count == 0) {
        return mf_fail(&c, node, NULL,
                       "no domains (add a node with compatible "
                       "\"tessera,domain\")");
    }
    for (unsigned i = 0; i < out->count; i++) {
        if ((rc = mf_start_after(&c, out, i)) || (rc = mf_links(&c, out, i))) {
            return rc;
        }
    }
    return 0;
}
