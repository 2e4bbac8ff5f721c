/* The boot DTB builder: the machine DTB dumped by QEMU plus the scenario's manifest, either its
 * /hypervisor node (copied to /chosen/hypervisor) or its Xen dom0less xen,domain nodes (copied
 * to /chosen), with the load address of every image added. Pure: it reads and writes only
 * memory; image files are found through the resolver callback. */
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

/* The scenario side of one build: where its manifest is and which form it takes. */
struct bootdtb_src {
    const struct bootdtb_params *p;
    int root; /* /hypervisor, or /chosen for dom0less */
    enum scenario_kind kind;
};

/* Where the next module goes, and the cells its reg is written in. */
struct bootdtb_cursor {
    uint64_t next;
    const char *prefix; /* prepended to the scenario path to get the boot DTB path */
    int acells, scells;
};

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
int bootdtb_ram(const void *fdt, uint64_t *base, uint64_t *size, struct herr *e)
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

/* A reg in 1-cell fields must be able to hold the module's address and size. */
static int bootdtb_fits_cells(const struct bootdtb_module *m, const char *path, struct herr *e)
{
    const uint64_t four_gib = 1ull << 32;

    if ((m->acells == 1 && m->addr + m->size > four_gib) ||
        (m->scells == 1 && m->size >= four_gib)) {
        return herr_set(e, -ERANGE,
                        "%s: image '%s' placed at 0x%" PRIx64 " (%" PRIu64 " bytes) cannot be "
                        "written in #address-cells = <%d>, #size-cells = <%d> of its domain node",
                        path, m->image, m->addr, m->size, m->acells, m->scells);
    }
    return 0;
}

/* Checks that the module fits in guest-module RAM at or after c->next, and places it there. */
static int bootdtb_place(struct bootdtb *b, struct bootdtb_module *m, struct bootdtb_cursor *c,
                         const char *path, struct herr *e)
{
    uint64_t ram_end = b->ram_base + b->ram_size;

    if (m->size == 0) {
        return herr_set(e, -EINVAL, "%s: image '%s' (%s) is empty", path, m->image, m->path);
    }
    m->addr = bootdtb_align(c->next);
    if (m->addr >= ram_end || m->size > ram_end - m->addr) {
        return herr_set(e, -E2BIG,
                        "%s: image '%s' (%s) is %" PRIu64 " bytes (%.1f MiB) and does not fit: "
                        "it would be placed at 0x%" PRIx64 " and end at 0x%" PRIx64
                        ", but RAM ends at 0x%" PRIx64 " (%" PRIu64 " MiB of RAM; "
                        "raise /experiment/memory-mib or shrink the image)",
                        path, m->image, m->path, m->size, m->size / 1048576.0, m->addr,
                        m->addr + m->size, ram_end, b->ram_size >> 20);
    }
    c->next = m->addr + m->size;
    return bootdtb_fits_cells(m, path, e);
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
                          struct bootdtb_cursor *c, struct herr *e)
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
    m->acells = c->acells;
    m->scells = c->scells;
    if (asprintf(&m->node, "%s%s", c->prefix, path) < 0) {
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
    return bootdtb_place(b, m, c, path, e);
}

/* A Xen module node (multiboot,kernel or multiboot,ramdisk) the harness cannot load. */
static int bootdtb_no_image(const void *fdt, int node, struct herr *e)
{
    char path[BOOTDTB_PATH_MAX] = "?";

    fdt_get_path(fdt, node, path, sizeof(path));
    return herr_set(e, -EINVAL,
                    "%s: image: missing: the harness loads every module from an image file "
                    "(and adds reg itself)",
                    path);
}

static bool bootdtb_is_xen_module(const void *fdt, int node)
{
    return fdt_node_check_compatible(fdt, node, "multiboot,kernel") == 0 ||
           fdt_node_check_compatible(fdt, node, "multiboot,ramdisk") == 0;
}

/* Every node under top with an `image`, depth first, placed at c. */
static int bootdtb_subtree(const struct bootdtb_params *p, int top, struct bootdtb *b,
                           struct bootdtb_cursor *c, struct herr *e)
{
    int depth = 0, node, rc;

    for (node = fdt_next_node(p->scenario, top, &depth); node >= 0 && depth > 0;
         node = fdt_next_node(p->scenario, node, &depth)) {
        if (fdt_getprop(p->scenario, node, "image", NULL)) {
            rc = bootdtb_module(p, node, b, c, e);
        } else {
            rc = bootdtb_is_xen_module(p->scenario, node) ? bootdtb_no_image(p->scenario, node, e)
                                                          : 0;
        }
        if (rc < 0) {
            return rc;
        }
    }
    return 0;
}

/* One of #address-cells / #size-cells of a xen,domain node: default dflt, 1 or 2. */
static int bootdtb_xen_cells(const void *fdt, int node, const char *prop, int dflt, int *out,
                             struct herr *e)
{
    char path[BOOTDTB_PATH_MAX] = "?";
    int len;
    const fdt32_t *v = fdt_getprop(fdt, node, prop, &len);

    *out = v && len == 4 ? (int)fdt32_to_cpu(*v) : dflt;
    if ((v && len != 4) || *out < 1 || *out > 2) {
        fdt_get_path(fdt, node, path, sizeof(path));
        return herr_set(e, -EINVAL, "%s: %s: must be <1> or <2>", path, prop);
    }
    return 0;
}

/* The modules of every xen,domain node, in node order, in each node's own cells (Xen's
 * defaults: 2 address cells, 1 size cell). */
static int bootdtb_dom0less_modules(const struct bootdtb_src *s, struct bootdtb *b,
                                    struct bootdtb_cursor *c, struct herr *e)
{
    const void *fdt = s->p->scenario;
    int dom, rc;

    c->prefix = "";
    fdt_for_each_subnode(dom, fdt, s->root)
    {
        if (!scenario_is_domain(fdt, dom, SCENARIO_DOM0LESS)) {
            continue;
        }
        if ((rc = bootdtb_xen_cells(fdt, dom, "#address-cells", 2, &c->acells, e)) ||
            (rc = bootdtb_xen_cells(fdt, dom, "#size-cells", 1, &c->scells, e)) ||
            (rc = bootdtb_subtree(s->p, dom, b, c, e))) {
            return rc;
        }
    }
    return 0;
}

/* Every image of the manifest, placed from RAM base + 256 MiB (or the given module base). */
static int bootdtb_modules(const struct bootdtb_src *s, struct bootdtb *b, struct herr *e)
{
    uint64_t base = s->p->module_base ? s->p->module_base : b->ram_base + BOOTDTB_MODULE_OFFSET;
    struct bootdtb_cursor c = {base, "/chosen", 2, 2};

    if (s->p->module_base && (base < b->ram_base || base >= b->ram_base + b->ram_size)) {
        return herr_set(e, -EINVAL, "the module base 0x%" PRIx64 " is outside RAM", base);
    }
    if (!s->p->module_base && b->ram_size <= BOOTDTB_MODULE_OFFSET) {
        return herr_set(e, -E2BIG,
                        "the machine has %" PRIu64 " MiB of RAM: guest modules start "
                        "256 MiB into RAM, so at least 512 MiB are needed",
                        b->ram_size >> 20);
    }
    if (s->kind == SCENARIO_DOM0LESS) {
        return bootdtb_dom0less_modules(s, b, &c, e);
    }
    return bootdtb_subtree(s->p, s->root, b, &c, e);
}

/* A phandle of the copied subtree top must not already name a node of the machine DTB. */
static int bootdtb_phandles_of(const struct bootdtb_params *p, int top, struct herr *e)
{
    char path[BOOTDTB_PATH_MAX];
    int depth = 0;

    for (int node = top; node >= 0 && (node == top || depth > 0);
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

/* Adds by to every phandle of the subtree at top and to the manifest's references to them
 * (start-after: a list of phandles; event-channels: <port &peer peer-port> triplets). */
static void bootdtb_shift_subtree(void *fdt, int top, uint32_t by)
{
    static const char *const own[] = {"phandle", "linux,phandle"};
    int depth = 0, len;

    for (int node = top; node >= 0 && (node == top || depth > 0);
         node = fdt_next_node(fdt, node, &depth)) {
        fdt32_t *v;
        for (size_t i = 0; i < 2; i++) {
            if ((v = fdt_getprop_w(fdt, node, own[i], &len)) && len == 4) {
                v[0] = cpu_to_fdt32(fdt32_to_cpu(v[0]) + by);
            }
        }
        if ((v = fdt_getprop_w(fdt, node, "start-after", &len))) {
            for (int k = 0; k < len / 4; k++) {
                v[k] = cpu_to_fdt32(fdt32_to_cpu(v[k]) + by);
            }
        }
        if ((v = fdt_getprop_w(fdt, node, "event-channels", &len))) {
            for (int k = 0; 3 * k + 1 < len / 4; k++) {
                v[3 * k + 1] = cpu_to_fdt32(fdt32_to_cpu(v[3 * k + 1]) + by);
            }
        }
    }
}

/* A Tessera manifest whose phandles collide with the machine DTB's (a board's vendor DTB
 * numbers its own from 1, as dtc does the scenario's) is copied with its phandles moved past
 * the machine's largest; *copy is then the new scenario (caller frees), else NULL. */
static int bootdtb_renumber(const struct bootdtb_src *s, void **copy, struct herr *e)
{
    const struct bootdtb_params *p = s->p;
    uint32_t max = 0;
    struct herr ignored;

    *copy = NULL;
    if (s->kind != SCENARIO_TESSERA || bootdtb_phandles_of(p, s->root, &ignored) == 0) {
        return 0;
    }
    if (fdt_find_max_phandle(p->machine, &max) != 0 || !(*copy = malloc(p->scenario_len))) {
        return herr_set(e, -ENOMEM, "out of memory renumbering the manifest's phandles");
    }
    memcpy(*copy, p->scenario, p->scenario_len);
    bootdtb_shift_subtree(*copy, s->root, max);
    return 0;
}

static int bootdtb_phandles(const struct bootdtb_src *s, struct herr *e)
{
    int dom, rc;

    if (s->kind == SCENARIO_TESSERA) {
        return bootdtb_phandles_of(s->p, s->root, e);
    }
    fdt_for_each_subnode(dom, s->p->scenario, s->root)
    {
        if (scenario_is_domain(s->p->scenario, dom, SCENARIO_DOM0LESS) &&
            (rc = bootdtb_phandles_of(s->p, dom, e))) {
            return rc;
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

/* Copies the subnodes from child to the last, in order (fdt_add_subnode also inserts first);
 * with only_xen, only the xen,domain ones, replacing a machine node of the same name. */
static int bootdtb_copy_subnodes(void *dst, int dnode, const void *src, int child, bool only_xen)
{
    const char *name;
    int dchild, rc;

    if (child < 0) {
        return child == -FDT_ERR_NOTFOUND ? 0 : child;
    }
    if ((rc = bootdtb_copy_subnodes(dst, dnode, src, fdt_next_subnode(src, child), only_xen))) {
        return rc;
    }
    if (only_xen && !scenario_is_domain(src, child, SCENARIO_DOM0LESS)) {
        return 0;
    }
    name = fdt_get_name(src, child, NULL);
    dchild = only_xen ? fdt_subnode_offset(dst, dnode, name) : -FDT_ERR_NOTFOUND;
    if (dchild >= 0 && (rc = fdt_del_node(dst, dchild))) {
        return rc;
    }
    dchild = fdt_add_subnode(dst, dnode, name);
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
    return bootdtb_copy_subnodes(dst, dnode, src, fdt_first_subnode(src, snode), false);
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

/* reg = <address size> in the module's cells. */
static int bootdtb_set_reg(void *fdt, const struct bootdtb_module *m)
{
    fdt32_t reg[4];
    int n = 0, node = fdt_path_offset(fdt, m->node);

    if (node < 0) {
        return node;
    }
    if (m->acells == 2) {
        reg[n++] = cpu_to_fdt32(m->addr >> 32);
    }
    reg[n++] = cpu_to_fdt32((uint32_t)m->addr);
    if (m->scells == 2) {
        reg[n++] = cpu_to_fdt32(m->size >> 32);
    }
    reg[n++] = cpu_to_fdt32((uint32_t)m->size);
    return fdt_setprop(fdt, node, "reg", reg, n * (int)sizeof(reg[0]));
}

/* Copies the manifest into /chosen of buf. */
static int bootdtb_copy_manifest(const struct bootdtb_src *s, void *buf, int chosen)
{
    int node;

    if (s->kind == SCENARIO_DOM0LESS) {
        return bootdtb_copy_subnodes(buf, chosen, s->p->scenario,
                                     fdt_first_subnode(s->p->scenario, s->root), true);
    }
    node = fdt_add_subnode(buf, chosen, "hypervisor");
    if (node < 0) {
        return node;
    }
    return bootdtb_copy_node(buf, node, s->p->scenario, s->root);
}

/* The trace target in /chosen/tessera,trace ("uart"), zero-padded to a fixed size, so that the
 * layout of the DTB never depends on what it says (icount numbers must not). */
static int bootdtb_trace_target(void *buf, int chosen, const char *path)
{
    char padded[BOOTDTB_TRACE_PATH_MAX] = {0};

    if (strlen(path) >= sizeof(padded)) {
        return -FDT_ERR_BADVALUE;
    }
    memcpy(padded, path, strlen(path));
    return fdt_setprop(buf, chosen, "tessera,trace", padded, sizeof(padded));
}

/* Writes the boot DTB into buf; returns 0 or a libfdt error (-FDT_ERR_NOSPACE: buf too small). */
static int bootdtb_write(const struct bootdtb_src *s, const struct bootdtb *b, void *buf, int size)
{
    int chosen, rc;

    if ((rc = fdt_open_into(s->p->machine, buf, size)) || (chosen = bootdtb_chosen(buf)) < 0) {
        return rc ? rc : chosen;
    }
    if ((rc = bootdtb_copy_manifest(s, buf, chosen))) {
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
    if ((rc = fdt_setprop_string(buf, chosen, "bootargs", s->p->bootargs))) {
        return rc;
    }
    if (s->p->trace_target && (rc = bootdtb_trace_target(buf, chosen, s->p->trace_target))) {
        return rc;
    }
    if ((rc = fdt_setprop_u64(buf, chosen, "tessera,seed", s->p->seed))) {
        return rc;
    }
    return fdt_pack(buf);
}

/* Writes the boot DTB, growing the buffer until it fits. */
static int bootdtb_emit(const struct bootdtb_src *s, struct bootdtb *b, struct herr *e)
{
    const struct bootdtb_params *p = s->p;
    size_t size = fdt_totalsize(p->machine) + fdt_totalsize(p->scenario) + BOOTDTB_SLACK;
    int rc = -FDT_ERR_NOSPACE;

    for (int i = 0; i < BOOTDTB_MAX_GROWTH && rc == -FDT_ERR_NOSPACE; i++, size *= 2) {
        void *buf = realloc(b->fdt, size);
        if (!buf) {
            return herr_set(e, -ENOMEM, "out of memory for a %zu-byte DTB", size);
        }
        b->fdt = buf;
        rc = bootdtb_write(s, b, buf, (int)size);
    }
    if (rc) {
        return bootdtb_fdt_error(e, rc, "building the boot DTB");
    }
    b->size = fdt_totalsize(b->fdt);
    return 0;
}

int bootdtb_build(const struct bootdtb_params *p, struct bootdtb *out, struct herr *e)
{
    struct bootdtb_src s = {.p = p};
    struct bootdtb_params q = *p;
    void *renumbered = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    if ((rc = bootdtb_check(p->machine, p->machine_len, "machine DTB", e)) ||
        (rc = bootdtb_check(p->scenario, p->scenario_len, "scenario DTB", e)) ||
        (rc = bootdtb_ram(p->machine, &out->ram_base, &out->ram_size, e))) {
        return rc;
    }
    if ((s.root = rc = scenario_manifest(p->scenario, &s.kind, e)) < 0 ||
        (rc = bootdtb_renumber(&s, &renumbered, e))) {
        return rc;
    }
    if (renumbered) {
        q.scenario = renumbered;
        s.p = &q;
    }
    if ((rc = bootdtb_phandles(&s, e)) || (rc = bootdtb_modules(&s, out, e)) ||
        (rc = bootdtb_emit(&s, out, e))) {
        bootdtb_free(out);
        free(renumbered);
        return rc;
    }
    free(renumbered);
    out->dom0less = s.kind == SCENARIO_DOM0LESS;
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
