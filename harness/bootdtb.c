/* The boot DTB builder: the machine DTB dumped by QEMU plus the scenario's /hypervisor node,
 * copied to /chosen/hypervisor with the load address of every image added. Pure: it reads and
 * writes only memory; image files are found through the resolver callback. */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/bootdtb.h>
#include <tessera/harness/scenario.h>

#define BOOTDTB_PATH_MAX   512
#define BOOTDTB_SLACK      65536
#define BOOTDTB_MAX_GROWTH 8

static int bootdtb_fdt_error(struct herr *e, int err, const char *what)
{
    return herr_set(e, -EINVAL, "%s: %s", what, fdt_strerror(err));
}

static int bootdtb_check(const void *fdt, size_t len, const char *what, struct herr *e)
{
    int rc = fdt_check_header(fdt);

    if (len < sizeof(struct fdt_header)) {
        return herr_set(e, -EINVAL, "%s: too short (%zu bytes) to be a DTB", what, len);
    }
    if (rc != 0) {
        return bootdtb_fdt_error(e, rc, what);
    }
    if (fdt_totalsize(fdt) > len) {
        return herr_set(e, -EINVAL, "%s: truncated (header says %u bytes, have %zu)", what,
                        fdt_totalsize(fdt), len);
    }
    return 0;
}

static uint64_t bootdtb_cells(const fdt32_t *cells, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        v = (v << 32) | fdt32_to_cpu(cells[i]);
    }
    return v;
}

/* The first memory bank of the machine: RAM base and size. */
static int bootdtb_ram(const void *fdt, uint64_t *base, uint64_t *size, struct herr *e)
{
    int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0), len;
    int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", sizeof("memory"));
    const fdt32_t *reg;

    if (node < 0) {
        return herr_set(e, -EINVAL, "the machine DTB has no memory node");
    }
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2) {
        return herr_set(e, -EINVAL,
                        "the machine DTB has unsupported #address-cells %d / "
                        "#size-cells %d",
                        ac, sc);
    }
    reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg || len < (ac + sc) * 4) {
        return herr_set(e, -EINVAL, "the machine DTB's memory node has no usable reg");
    }
    *base = bootdtb_cells(reg, ac);
    *size = bootdtb_cells(reg + ac, sc);
    return 0;
}

static uint64_t bootdtb_align(uint64_t v)
{
    return (v + BOOTDTB_MODULE_ALIGN - 1) & ~(BOOTDTB_MODULE_ALIGN - 1);
}

/* The image string of node, checked. */
static int bootdtb_image_prop(const void *fdt, int node, const char *path, const char **image,
                              struct herr *e)
{
    int len;
    const char *s = fdt_getprop(fdt, node, "image", &len);

    if (len < 2 || s[len - 1] != '\0' || strlen(s) != (size_t)len - 1) {
        return herr_set(e, -EINVAL, "%s: image: must be one non-empty string", path);
    }
    if (fdt_getprop(fdt, node, "reg", NULL)) {
        return herr_set(e, -EINVAL,
                        "%s: has both image and reg: the harness places images "
                        "itself, remove reg",
                        path);
    }
    *image = s;
    return 0;
}

/* Checks that the module fits in guest-module RAM at or after *next, and places it there. */
static int bootdtb_place(struct bootdtb *b, struct bootdtb_module *m, uint64_t *next,
                         const char *path, struct herr *e)
{
    uint64_t ram_end = b->ram_base + b->ram_size;

    if (m->size == 0) {
        return herr_set(e, -EINVAL, "%s: image '%s' (%s) is empty", path, m->image, m->path);
    }
    m->addr = bootdtb_align(*next);
    if (m->addr >= ram_end || m->size > ram_end - m->addr) {
        return herr_set(e, -E2BIG,
                        "%s: image '%s' (%s) is %" PRIu64 " bytes (%.1f MiB) and does not fit: "
                        "it would be placed at 0x%" PRIx64 " and end at 0x%" PRIx64
                        ", but RAM ends at 0x%" PRIx64 " (%" PRIu64 " MiB of RAM; "
                        "raise /experiment/memory-mib or shrink the image)",
                        path, m->image, m->path, m->size, m->size / 1048576.0, m->addr,
                        m->addr + m->size, ram_end, b->ram_size >> 20);
    }
    *next = m->addr + m->size;
    return 0;
}

static struct bootdtb_module *bootdtb_new_module(struct bootdtb *b)
{
    struct bootdtb_module *bigger = realloc(b->mods, (b->nmods + 1) * sizeof(*bigger));

    if (!bigger) {
        return NULL;
    }
    b->mods = bigger;
    memset(&b->mods[b->nmods], 0, sizeof(*bigger));
    return &b->mods[b->nmods++];
}

/* Resolves and places the image of one scenario node. */
static int bootdtb_module(const struct bootdtb_params *p, int node, struct bootdtb *b,
                          uint64_t *next, struct herr *e)
{
    char path[BOOTDTB_PATH_MAX];
    struct bootdtb_module *m;
    const char *image = NULL;
    int rc;

    if ((rc = fdt_get_path(p->scenario, node, path, sizeof(path))) != 0) {
        return bootdtb_fdt_error(e, rc, "scenario node path");
    }
    if ((rc = bootdtb_image_prop(p->scenario, node, path, &image, e)) < 0) {
        return rc;
    }
    if (!(m = bootdtb_new_module(b))) {
        return herr_set(e, -ENOMEM, "out of memory");
    }
    if (asprintf(&m->node, "/chosen%s", path) < 0) {
        m->node = NULL;
        return herr_set(e, -ENOMEM, "out of memory");
    }
    if (!(m->image = strdup(image))) {
        return herr_set(e, -ENOMEM, "out of memory");
    }
    rc = p->resolve(p->resolve_ctx, image, &m->path, &m->size, e);
    if (rc < 0) {
        return herr_prefix(e, rc, "%s: image", path);
    }
    return bootdtb_place(b, m, next, path, e);
}

/* Every node under /hypervisor with an `image`, depth first, placed from RAM base + 256 MiB. */
static int bootdtb_modules(const struct bootdtb_params *p, int hyp, struct bootdtb *b,
                           struct herr *e)
{
    uint64_t next = b->ram_base + BOOTDTB_MODULE_OFFSET;
    int depth = 0, node, rc;

    if (b->ram_size <= BOOTDTB_MODULE_OFFSET) {
        return herr_set(e, -E2BIG,
                        "the machine has %" PRIu64 " MiB of RAM: guest modules start "
                        "256 MiB into RAM, so at least 512 MiB are needed",
                        b->ram_size >> 20);
    }
    for (node = fdt_next_node(p->scenario, hyp, &depth); node >= 0 && depth > 0;
         node = fdt_next_node(p->scenario, node, &depth)) {
        if (fdt_getprop(p->scenario, node, "image", NULL) &&
            (rc = bootdtb_module(p, node, b, &next, e)) < 0) {
            return rc;
        }
    }
    return 0;
}

/* A phandle of the copied subtree must not already name a node of the machine DTB. */
static int bootdtb_phandles(const struct bootdtb_params *p, int hyp, struct herr *e)
{
    char path[BOOTDTB_PATH_MAX];
    int depth = 0;

    for (int node = hyp; node >= 0 && (node == hyp || depth > 0);
         node = fdt_next_node(p->scenario, node, &depth)) {
        uint32_t ph = fdt_get_phandle(p->scenario, node);
        if (ph && fdt_node_offset_by_phandle(p->machine, ph) >= 0) {
            fdt_get_path(p->scenario, node, path, sizeof(path));
            return herr_set(e, -EEXIST, "%s: phandle 0x%x is also used by the machine DTB", path,
                            ph);
        }
    }
    return 0;
}

/* Copies the properties from prop to the last, in order: fdt_setprop puts a new property
 * first in its node, so the later ones are added before the earlier ones. */
static int bootdtb_copy_props(void *dst, int dnode, const void *src, int prop)
{
    const char *name;
    const void *val;
    int len, rc;

    if (prop < 0) {
        return prop == -FDT_ERR_NOTFOUND ? 0 : prop;
    }
    if ((rc = bootdtb_copy_props(dst, dnode, src, fdt_next_property_offset(src, prop)))) {
        return rc;
    }
    val = fdt_getprop_by_offset(src, prop, &name, &len);
    if (!val) {
        return len;
    }
    return fdt_setprop(dst, dnode, name, val, len);
}

static int bootdtb_copy_node(void *dst, int dnode, const void *src, int snode);

/* Copies the subnodes from child to the last, in order (fdt_add_subnode also inserts first). */
static int bootdtb_copy_subnodes(void *dst, int dnode, const void *src, int child)
{
    int dchild, rc;

    if (child < 0) {
        return child == -FDT_ERR_NOTFOUND ? 0 : child;
    }
    if ((rc = bootdtb_copy_subnodes(dst, dnode, src, fdt_next_subnode(src, child)))) {
        return rc;
    }
    dchild = fdt_add_subnode(dst, dnode, fdt_get_name(src, child, NULL));
    if (dchild < 0) {
        return dchild;
    }
    return bootdtb_copy_node(dst, dchild, src, child);
}

static int bootdtb_copy_node(void *dst, int dnode, const void *src, int snode)
{
    int rc = bootdtb_copy_props(dst, dnode, src, fdt_first_property_offset(src, snode));

    if (rc) {
        return rc;
    }
    return bootdtb_copy_subnodes(dst, dnode, src, fdt_first_subnode(src, snode));
}

static int bootdtb_delprop(void *fdt, int node, const char *name)
{
    int rc = fdt_delprop(fdt, node, name);
    return rc == -FDT_ERR_NOTFOUND ? 0 : rc;
}

/* /chosen without the random seeds and without an old hypervisor node. */
static int bootdtb_chosen(void *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen"), old, rc;

    if (chosen == -FDT_ERR_NOTFOUND) {
        chosen = fdt_add_subnode(fdt, 0, "chosen");
    }
    if (chosen < 0) {
        return chosen;
    }
    if ((rc = bootdtb_delprop(fdt, chosen, "rng-seed")) ||
        (rc = bootdtb_delprop(fdt, chosen, "kaslr-seed"))) {
        return rc;
    }
    old = fdt_subnode_offset(fdt, chosen, "hypervisor");
    if (old >= 0 && (rc = fdt_del_node(fdt, old))) {
        return rc;
    }
    return chosen;
}

static int bootdtb_set_reg(void *fdt, const struct bootdtb_module *m)
{
    fdt32_t reg[4] = {cpu_to_fdt32(m->addr >> 32), cpu_to_fdt32((uint32_t)m->addr),
                      cpu_to_fdt32(m->size >> 32), cpu_to_fdt32((uint32_t)m->size)};
    int node = fdt_path_offset(fdt, m->node);

    if (node < 0) {
        return node;
    }
    return fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
}

/* Writes the boot DTB into buf; returns 0 or a libfdt error (-FDT_ERR_NOSPACE: buf too small). */
static int bootdtb_write(const struct bootdtb_params *p, int hyp, const struct bootdtb *b,
                         void *buf, int size)
{
    int chosen, node, rc;

    if ((rc = fdt_open_into(p->machine, buf, size)) || (chosen = bootdtb_chosen(buf)) < 0) {
        return rc ? rc : chosen;
    }
    node = fdt_add_subnode(buf, chosen, "hypervisor");
    if (node < 0) {
        return node;
    }
    if ((rc = bootdtb_copy_node(buf, node, p->scenario, hyp))) {
        return rc;
    }
    for (size_t i = 0; i < b->nmods; i++) {
        if ((rc = bootdtb_set_reg(buf, &b->mods[i]))) {
            return rc;
        }
    }
    chosen = fdt_path_offset(buf, "/chosen");
    if (chosen < 0) {
        return chosen;
    }
    if ((rc = fdt_setprop_string(buf, chosen, "bootargs", p->bootargs))) {
        return rc;
    }
    return fdt_pack(buf);
}

/* Writes the boot DTB, growing the buffer until it fits. */
static int bootdtb_emit(const struct bootdtb_params *p, int hyp, struct bootdtb *b, struct herr *e)
{
    size_t size = fdt_totalsize(p->machine) + fdt_totalsize(p->scenario) + BOOTDTB_SLACK;
    int rc = -FDT_ERR_NOSPACE;

    for (int i = 0; i < BOOTDTB_MAX_GROWTH && rc == -FDT_ERR_NOSPACE; i++, size *= 2) {
        void *buf = realloc(b->fdt, size);
        if (!buf) {
            return herr_set(e, -ENOMEM, "out of memory for a %zu-byte DTB", size);
        }
        b->fdt = buf;
        rc = bootdtb_write(p, hyp, b, buf, (int)size);
    }
    if (rc) {
        return bootdtb_fdt_error(e, rc, "building the boot DTB");
    }
    b->size = fdt_totalsize(b->fdt);
    return 0;
}

int bootdtb_build(const struct bootdtb_params *p, struct bootdtb *out, struct herr *e)
{
    int hyp, rc;

    memset(out, 0, sizeof(*out));
    if ((rc = bootdtb_check(p->machine, p->machine_len, "machine DTB", e)) ||
        (rc = bootdtb_check(p->scenario, p->scenario_len, "scenario DTB", e)) ||
        (rc = bootdtb_ram(p->machine, &out->ram_base, &out->ram_size, e))) {
        return rc;
    }
    if ((hyp = rc = scenario_hypervisor(p->scenario, e)) < 0 ||
        (rc = bootdtb_phandles(p, hyp, e)) || (rc = bootdtb_modules(p, hyp, out, e)) ||
        (rc = bootdtb_emit(p, hyp, out, e))) {
        bootdtb_free(out);
        return rc;
    }
    return 0;
}

void bootdtb_free(struct bootdtb *b)
{
    for (size_t i = 0; i < b->nmods; i++) {
        free(b->mods[i].node);
        free(b->mods[i].image);
        free(b->mods[i].path);
    }
    free(b->mods);
    free(b->fdt);
    memset(b, 0, sizeof(*b));
}
