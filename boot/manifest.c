/* Manifest parser and validator, shared by the hypervisor and the host harness. Strict: an
 * unknown property, a wrong length or an out-of-range value is refused with the node path and
 * property named, so a typo never silently changes an experiment. */
#include <libfdt.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/manifest.h>

struct mf_ctx {
    const void *fdt;
    char *err;
    size_t errlen;
};

/* Writes "PATH: PROP: MESSAGE" and returns -EINVAL. */
static int mf_fail(struct mf_ctx *c, int node, const char *prop, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int mf_fail(struct mf_ctx *c, int node, const char *prop, const char *fmt, ...)
{
    char path[128];
    va_list ap;
    int n;

    if (fdt_get_path(c->fdt, node, path, sizeof(path)) != 0) {
        lib_strlcpy(path, "(unknown node)", sizeof(path));
    }
    n = lib_snprintf(c->err, c->errlen, "%s: %s%s", path, prop ? prop : "", prop ? ": " : "");
    if (n >= 0 && (size_t)n < c->errlen) {
        va_start(ap, fmt);
        lib_vsnprintf(c->err + n, c->errlen - n, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

static bool mf_is(const char *a, const char *b)
{
    return lib_strcmp(a, b) == 0;
}

/* A string property: NUL-terminated and non-empty. */
static int mf_string(struct mf_ctx *c, int node, const char *prop, const char **out)
{
    int len;
    const char *s = fdt_getprop(c->fdt, node, prop, &len);
    if (!s) {
        *out = NULL;
        return 0;
    }
    if (len < 2 || s[len - 1] != '\0' || lib_strnlen(s, len) != (size_t)len - 1) {
        return mf_fail(c, node, prop, "must be one non-empty string");
    }
    *out = s;
    return 0;
}

/* A u32 property; absent leaves *out unchanged and sets *found false. */
static int mf_u32(struct mf_ctx *c, int node, const char *prop, uint32_t *out, bool *found)
{
    int len;
    const fdt32_t *v = fdt_getprop(c->fdt, node, prop, &len);
    *found = v != NULL;
    if (!v) {
        return 0;
    }
    if (len != 4) {
        return mf_fail(c, node, prop, "must be one 32-bit cell, not %d bytes", len);
    }
    *out = fdt32_to_cpu(*v);
    return 0;
}

static int mf_required_u32(struct mf_ctx *c, int node, const char *prop, uint32_t *out)
{
    bool found;
    int rc = mf_u32(c, node, prop, out, &found);
    if (!rc && !found) {
        return mf_fail(c, node, prop, "missing (required)");
    }
    return rc;
}

static bool mf_in_list(const char *name, const char *const *list)
{
    for (; *list; list++) {
        if (mf_is(name, *list)) {
            return true;
        }
    }
    return false;
}

/* Refuses any property of node that is not in allowed. */
static int mf_known_props(struct mf_ctx *c, int node, const char *const *allowed)
{
    int off;
    fdt_for_each_property_offset(off, c->fdt, node)
    {
        const char *name;
        if (!fdt_getprop_by_offset(c->fdt, off, &name, NULL)) {
            return mf_fail(c, node, NULL, "unreadable property");
        }
        if (!mf_in_list(name, allowed) && !mf_is(name, "phandle") &&
            !mf_is(name, "linux,phandle") && !mf_is(name, "name")) {
            return mf_fail(c, node, name, "unknown property");
        }
    }
    return 0;
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
                           "must be <addr-hi addr-lo size-hi size-lo>, not %d "
                           "bytes",
                           len);
        }
        m->addr = ((uint64_t)fdt32_to_cpu(reg[0]) << 32) | fdt32_to_cpu(reg[1]);
        m->size = ((uint64_t)fdt32_to_cpu(reg[2]) << 32) | fdt32_to_cpu(reg[3]);
        if (m->size == 0) {
            return mf_fail(c, node, "reg", "module size is 0");
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

static int mf_domain_props(struct mf_ctx *c, int node, struct mf_domain *d)
{
    static const char *const allowed[] = {"compatible", "domid",        "memory-kib",
                                          "cpus",       "cpu-affinity", NULL};
    uint32_t v = 1;
    bool found;
    int rc;

    if ((rc = mf_known_props(c, node, allowed)) ||
        (rc = mf_required_u32(c, node, "domid", &d->domid))) {
        return rc;
    }
    if ((rc = mf_required_u32(c, node, "memory-kib", &v))) {
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
    return mf_affinity(c, node, d);
}

static int mf_domain(struct mf_ctx *c, int node, enum mf_source src, struct mf_domain *d)
{
    const char *name = fdt_get_name(c->fdt, node, NULL);
    int sub, rc;

    if (lib_strlcpy(d->name, name, sizeof(d->name)) >= sizeof(d->name)) {
        return mf_fail(c, node, NULL, "domain name longer than %d characters", MF_NAME_MAX - 1);
    }
    if (mf_is(name, "hyp") || lib_strchr(name, '@') || lib_strchr(name, ':')) {
        return mf_fail(c, node, NULL, "'%s' cannot name a domain (reserved, or has @ or :)", name);
    }
    d->node = node;
    if ((rc = mf_domain_props(c, node, d))) {
        return rc;
    }
    fdt_for_each_subnode(sub, c->fdt, node)
    {
        const char *sname = fdt_get_name(c->fdt, sub, NULL);
        if (!mf_is(sname, "kernel")) {
            return mf_fail(c, sub, NULL, "unknown node (expected: kernel)");
        }
        if ((rc = mf_module(c, sub, src, &d->kernel))) {
            return rc;
        }
    }
    if (!d->kernel.present) {
        return mf_fail(c, node, "kernel", "missing node (required)");
    }
    return 0;
}

static bool mf_compatible(struct mf_ctx *c, int node, const char *compat)
{
    return fdt_node_check_compatible(c->fdt, node, compat) == 0;
}

int mf_parse(const void *fdt, int node, enum mf_source src, struct mf_fleet *out, char *err,
             size_t errlen)
{
    static const char *const allowed[] = {"compatible", "scheduler", "#address-cells",
                                          "#size-cells", NULL};
    struct mf_ctx c = {fdt, err, errlen};
    const char *sched = "null";
    int sub, rc;

    lib_memset(out, 0, sizeof(*out));
    if (!mf_compatible(&c, node, "tessera,hypervisor")) {
        return mf_fail(&c, node, "compatible", "must be \"tessera,hypervisor\"");
    }
    if ((rc = mf_known_props(&c, node, allowed)) ||
        (rc = mf_string(&c, node, "scheduler", &sched))) {
        return rc;
    }
    if (!sched) {
        sched = "null";
    }
    if (!mf_is(sched, "null")) {
        return mf_fail(&c, node, "scheduler", "'%s' is not available (available: null)", sched);
    }
    lib_strlcpy(out->scheduler, sched, sizeof(out->scheduler));
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
    return 0;
}

int mf_validate(const void *fdt, const struct mf_fleet *f, unsigned pcpus, char *err, size_t errlen)
{
    struct mf_ctx c = {fdt, err, errlen};
    int owner[64];

    for (unsigned i = 0; i < ARRAY_SIZE(owner); i++) {
        owner[i] = -1;
    }
    for (unsigned i = 0; i < f->count; i++) {
        const struct mf_domain *d = &f->dom[i];
        for (unsigned j = 0; j < i; j++) {
            if (f->dom[j].domid == d->domid) {
                return mf_fail(&c, d->node, "domid", "%u is already used by %s", d->domid,
                               f->dom[j].name);
            }
        }
        for (unsigned v = 0; v < d->cpus; v++) {
            unsigned p = d->affinity[v];
            if (p >= pcpus || p >= ARRAY_SIZE(owner)) {
                return mf_fail(&c, d->node, "cpu-affinity",
                               "vCPU %u on pCPU %u, but the machine has pCPUs 0-%u", v, p,
                               pcpus - 1);
            }
            if (owner[p] >= 0) {
                return mf_fail(&c, d->node, "cpu-affinity",
                               "pCPU %u is already taken by %s (the null scheduler runs one "
                               "vCPU per pCPU)",
                               p, f->dom[owner[p]].name);
            }
            owner[p] = (int)i;
        }
    }
    return 0;
}
