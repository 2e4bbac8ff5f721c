/* Host platform discovery: reads RAM, reserved regions, CPUs, PSCI, GIC, timer, UART and
 * /chosen from the boot device tree with libfdt. Every value is validated as it is read, and
 * a bad one is refused with a message naming the node and the property. */
#include <libfdt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tessera/errno.h>
#include <tessera/hostdt.h>
#include <tessera/lib.h>

#define HD_CELL      4
#define HD_IRQ_CELLS 3 /* <type number flags>, the GIC binding */
#define HD_IRQ_SPI   0
#define HD_IRQ_PPI   1
#define HD_PPI_COUNT 16
#define HD_SPI_COUNT 988 /* INTIDs 32..1019 */

struct hd_ctx {
    const void *fdt;
    struct hostdt *out;
    char *err;
    size_t errlen;
};

/* The cell counts that a bus node imposes on its children's reg. */
struct hd_cells {
    int addr;
    int size;
};

/* One pass over the tree records every node's parent and the two properties the lookups
 * below match on. libfdt's own parent and compatible searches rescan the tree from the root
 * on every call, which cost about 4 million instructions per boot on QEMU's tree; with the
 * index the whole parse is one walk plus cheap lookups. */
#define HD_MAX_NODES 1024

struct hd_node {
    int offset;
    int parent;
    const char *compat; /* compatible string list, or NULL */
    int compat_len;
    const char *name;
    int name_len;
    bool memory;  /* device_type = "memory" */
    bool enabled; /* no status, or status "okay" */
    int props;    /* offsets of its first property token and of the token after the last */
    int props_end;
};

static struct hd_node hd_nodes[HD_MAX_NODES];
static int hd_node_count;

/* Big-endian 32-bit word at byte offset off of the structure block (bounds checked by the
 * callers). */
static uint32_t hd_word(const void *fdt, int off)
{
    const uint8_t *p = (const uint8_t *)fdt + fdt_off_dt_struct(fdt) + off;
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* The index entry of the node at offset node (nodes are recorded in offset order). */
static const struct hd_node *hd_find(int node)
{
    int lo = 0, hi = hd_node_count - 1;

    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (hd_nodes[mid].offset == node) {
            return &hd_nodes[mid];
        }
        if (hd_nodes[mid].offset < node) {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return NULL;
}

static int hd_parent(int node)
{
    const struct hd_node *n = hd_find(node);
    return n ? n->parent : -FDT_ERR_NOTFOUND;
}

/* The property name_len bytes of name of node, read straight from the structure block the
 * index walk has already validated; NULL if absent. */
static const void *hd_getprop_namelen(const void *fdt, int node, const char *name, int name_len,
                                      int *lenp)
{
    const struct hd_node *n = hd_find(node);
    const char *strings = (const char *)fdt + fdt_off_dt_strings(fdt);

    if (!n) {
        return NULL;
    }
    for (int off = n->props; off < n->props_end;) {
        uint32_t tag = hd_word(fdt, off);
        if (tag == FDT_NOP) {
            off += 4;
            continue;
        }
        int len = (int)hd_word(fdt, off + 4);
        const char *pname = strings + hd_word(fdt, off + 8);
        if (lib_strncmp(pname, name, (size_t)name_len) == 0 && pname[name_len] == '\0') {
            if (lenp) {
                *lenp = len;
            }
            return (const uint8_t *)fdt + fdt_off_dt_struct(fdt) + off + 12;
        }
        off += 12 + ALIGN_UP(len, 4);
    }
    return NULL;
}

static const void *hd_getprop(const void *fdt, int node, const char *name, int *lenp)
{
    return hd_getprop_namelen(fdt, node, name, (int)lib_strlen(name), lenp);
}

/* Records the facts of one property of n that the lookups match on. */
static void hd_index_prop(struct hd_node *n, const char *pname, const char *v, int len)
{
    if (lib_strcmp(pname, "compatible") == 0) {
        n->compat = v;
        n->compat_len = len;
    } else if (lib_strcmp(pname, "device_type") == 0) {
        n->memory = len == 7 && lib_memcmp(v, "memory", 7) == 0;
    } else if (lib_strcmp(pname, "status") == 0) {
        n->enabled = (len == 5 && lib_memcmp(v, "okay", 5) == 0) ||
                     (len == 3 && lib_memcmp(v, "ok", 3) == 0);
    }
}

/* Walks the property tokens of the node whose name ends before off; returns the offset of
 * the first token after them, or -1 if the block is malformed. */
static int hd_index_props(const void *fdt, int off, int end, struct hd_node *n)
{
    const char *strings = (const char *)fdt + fdt_off_dt_strings(fdt);
    uint32_t strings_size = fdt_size_dt_strings(fdt);

    n->props = off;
    while (off + 4 <= end) {
        uint32_t tag = hd_word(fdt, off);
        if (tag == FDT_NOP) {
            off += 4;
            continue;
        }
        if (tag != FDT_PROP) {
            break;
        }
        if (off + 12 > end) {
            return -1;
        }
        uint32_t len = hd_word(fdt, off + 4), nameoff = hd_word(fdt, off + 8);
        if (len > (uint32_t)(end - off - 12) || nameoff >= strings_size ||
            !lib_memchr(strings + nameoff, '\0', strings_size - nameoff)) {
            return -1;
        }
        hd_index_prop(n, strings + nameoff, (const char *)fdt + fdt_off_dt_struct(fdt) + off + 12,
                      (int)len);
        off += 12 + (int)ALIGN_UP(len, 4u);
    }
    n->props_end = off;
    return off;
}

/* Records every node with its parent, name and the properties the lookups match on, in one
 * walk over the structure block (libfdt's accessors re-check the blob on every call and cost
 * about ten times as much for the same walk). */
static int hd_index(struct hd_ctx *c)
{
    const void *fdt = c->fdt;
    int end = (int)fdt_size_dt_struct(fdt);
    int stack[64];
    int depth = 0;
    int off = 0;

    hd_node_count = 0;
    while (off + 4 <= end) {
        uint32_t tag = hd_word(fdt, off);
        if (tag == FDT_NOP) {
            off += 4;
        } else if (tag == FDT_END_NODE) {
            if (--depth == 0) {
                return 0; /* the root node is complete */
            }
            off += 4;
        } else if (tag == FDT_BEGIN_NODE) {
            if (depth == (int)ARRAY_SIZE(stack) || hd_node_count == HD_MAX_NODES) {
                lib_snprintf(c->err, c->errlen, "device tree: more than %d nodes or %d levels",
                             HD_MAX_NODES, (int)ARRAY_SIZE(stack));
                return -EINVAL;
            }
            const char *name = (const char *)fdt + fdt_off_dt_struct(fdt) + off + 4;
            const char *nul = lib_memchr(name, '\0', (size_t)(end - off - 4));
            if (!nul) {
                break;
            }
            struct hd_node *n = &hd_nodes[hd_node_count++];
            *n = (struct hd_node){.offset = off,
                                  .parent = depth ? stack[depth - 1] : -1,
                                  .name = name,
                                  .name_len = (int)(nul - name),
                                  .enabled = true};
            stack[depth++] = off;
            off = hd_index_props(fdt, off + 4 + (int)ALIGN_UP(n->name_len + 1, 4), end, n);
            if (off < 0) {
                break;
            }
        } else {
            break;
        }
    }
    lib_snprintf(c->err, c->errlen, "device tree: malformed structure block near offset %d", off);
    return -EINVAL;
}

/* Writes "<node path>: <prop>: <message>" (no prop part when prop is NULL) into the error
 * buffer and returns -EINVAL, so callers can return hd_error(...) directly. */
static int hd_error(struct hd_ctx *c, int node, const char *prop, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int hd_error(struct hd_ctx *c, int node, const char *prop, const char *fmt, ...)
{
    char path[128];
    char msg[160];
    va_list ap;

    if (fdt_get_path(c->fdt, node, path, sizeof(path)) != 0) {
        const char *name = fdt_get_name(c->fdt, node, NULL);
        lib_snprintf(path, sizeof(path), ".../%s", name ? name : "?");
    }
    va_start(ap, fmt);
    lib_vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (prop) {
        lib_snprintf(c->err, c->errlen, "%s: %s: %s", path, prop, msg);
    } else {
        lib_snprintf(c->err, c->errlen, "%s: %s", path, msg);
    }
    return -EINVAL;
}

/* A big-endian number of n cells (n <= 2). */
static uint64_t hd_read_cells(const fdt32_t *p, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++) {
        v = (v << 32) | fdt32_ld(&p[i]);
    }
    return v;
}

/* Whether the property holds exactly the string s (terminator included). */
static bool hd_prop_is(const void *fdt, int node, const char *prop, const char *s)
{
    int len;
    const char *v = hd_getprop(fdt, node, prop, &len);

    return v && (size_t)len == lib_strlen(s) + 1 && lib_memcmp(v, s, (size_t)len) == 0;
}

static bool hd_has(const void *fdt, int node, const char *prop)
{
    return hd_getprop(fdt, node, prop, NULL) != NULL;
}

/* A node without status, or with "okay" (or the older "ok"), is in use. */
static bool hd_enabled(const void *fdt, int node)
{
    return !hd_has(fdt, node, "status") || hd_prop_is(fdt, node, "status", "okay") ||
           hd_prop_is(fdt, node, "status", "ok");
}

/* True if node lists compat in its compatible property. */
static bool hd_compatible(int node, const char *compat)
{
    const struct hd_node *n = hd_find(node);
    return n && n->compat && fdt_stringlist_contains(n->compat, n->compat_len, compat);
}

/* The first enabled node compatible with compat, in DT order, or -FDT_ERR_NOTFOUND. */
static int hd_find_compatible(const char *compat)
{
    for (int i = 0; i < hd_node_count; i++) {
        const struct hd_node *n = &hd_nodes[i];
        if (n->enabled && n->compat && fdt_stringlist_contains(n->compat, n->compat_len, compat)) {
            return n->offset;
        }
    }
    return -FDT_ERR_NOTFOUND;
}

/* The child of parent called name (name_len bytes), from the index; -FDT_ERR_NOTFOUND if none. */
static int hd_child(int parent, const char *name, size_t name_len)
{
    for (int i = 0; i < hd_node_count; i++) {
        const struct hd_node *n = &hd_nodes[i];
        if (n->parent == parent && n->name && (size_t)n->name_len == name_len &&
            lib_memcmp(n->name, name, name_len) == 0) {
            return hd_nodes[i].offset;
        }
    }
    return -FDT_ERR_NOTFOUND;
}

/* The node at an absolute path, or at the path an alias (no leading '/') names in /aliases,
 * from the index; -FDT_ERR_NOTFOUND if none. */
static int hd_lookup(const void *fdt, const char *path, size_t len)
{
    int node = 0;

    if (len > 0 && path[0] != '/') {
        const char *slash = lib_memchr(path, '/', len);
        size_t alias_len = slash ? (size_t)(slash - path) : len;
        int aliases = hd_child(0, "aliases", 7);
        int alen = 0;
        const char *target = NULL;
        if (aliases >= 0) {
            target = hd_getprop_namelen(fdt, aliases, path, (int)alias_len, &alen);
        }
        if (!target || alen < 2 || target[0] != '/') {
            return -FDT_ERR_NOTFOUND;
        }
        node = hd_lookup(fdt, target, lib_strnlen(target, (size_t)alen));
        path += alias_len;
        len -= alias_len;
    }
    while (node >= 0 && len > 0) {
        while (len > 0 && path[0] == '/') {
            path++;
            len--;
        }
        const char *end = lib_memchr(path, '/', len);
        size_t part = end ? (size_t)(end - path) : len;
        if (part > 0) {
            node = hd_child(node, path, part);
        }
        path += part;
        len -= part;
    }
    return node;
}

/* A one-cell property, or dflt when it is absent. */
static int hd_u32(struct hd_ctx *c, int node, const char *prop, uint32_t dflt, uint32_t *v)
{
    int len;
    const fdt32_t *p = hd_getprop(c->fdt, node, prop, &len);

    if (p == NULL) {
        *v = dflt;
        return 0;
    }
    if (len != HD_CELL) {
        return hd_error(c, node, prop, "length %d, expected %d", len, HD_CELL);
    }
    *v = fdt32_ld(p);
    return 0;
}

/* #address-cells and #size-cells of bus, limited to what fits a 64-bit value. */
static int hd_bus_cells(struct hd_ctx *c, int bus, struct hd_cells *cells)
{
    uint32_t ac = 0;
    uint32_t sc = 0;

    if (hd_u32(c, bus, "#address-cells", 2, &ac) || hd_u32(c, bus, "#size-cells", 1, &sc)) {
        return -EINVAL;
    }
    if (ac < 1 || ac > 2) {
        return hd_error(c, bus, "#address-cells", "%u is not supported (1 or 2)", ac);
    }
    if (sc > 2) {
        return hd_error(c, bus, "#size-cells", "%u is not supported (0, 1 or 2)", sc);
    }
    cells->addr = (int)ac;
    cells->size = (int)sc;
    return 0;
}

/* Validates node's reg against its parent's cell counts; gives the cells and entry count. */
static int hd_reg_layout(struct hd_ctx *c, int node, struct hd_cells *cells, int *count)
{
    int len;
    int parent = hd_parent(node);

    if (parent < 0) {
        return hd_error(c, node, "reg", "the node has no parent bus");
    }
    if (hd_bus_cells(c, parent, cells)) {
        return -EINVAL;
    }
    if (hd_getprop(c->fdt, node, "reg", &len) == NULL) {
        return hd_error(c, node, "reg", "missing");
    }
    int entry = (cells->addr + cells->size) * HD_CELL;
    if (len % entry != 0) {
        return hd_error(c, node, "reg", "length %d is not a multiple of %d", len, entry);
    }
    *count = len / entry;
    return 0;
}

/* Entry idx of node's reg as written, in its parent bus's address space. */
static int hd_reg_raw(struct hd_ctx *c, int node, int idx, struct hostdt_region *r)
{
    struct hd_cells cells;
    int count;

    if (hd_reg_layout(c, node, &cells, &count)) {
        return -EINVAL;
    }
    if (idx >= count) {
        return hd_error(c, node, "reg", "has %d entries, entry %d is required", count, idx + 1);
    }
    const fdt32_t *p = hd_getprop(c->fdt, node, "reg", NULL);
    p += idx * (cells.addr + cells.size);
    r->base = hd_read_cells(p, cells.addr);
    r->size = hd_read_cells(p + cells.addr, cells.size);
    return 0;
}

/* Maps addr from bus's child address space to bus's parent through bus's ranges. */
static int hd_translate_one(struct hd_ctx *c, int bus, int parent, uint64_t *addr)
{
    struct hd_cells child;
    struct hd_cells up;
    int len;
    const fdt32_t *p = hd_getprop(c->fdt, bus, "ranges", &len);

    if (p == NULL) {
        return hd_error(c, bus, "ranges", "missing, so child addresses cannot be translated");
    }
    if (len == 0) {
        return 0; /* empty ranges: identity */
    }
    if (hd_bus_cells(c, bus, &child) || hd_bus_cells(c, parent, &up)) {
        return -EINVAL;
    }
    int cells = child.addr + up.addr + child.size;
    if (len % (cells * HD_CELL) != 0) {
        return hd_error(c, bus, "ranges", "length %d is not a multiple of %d", len,
                        cells * HD_CELL);
    }
    for (int i = 0; i < len / HD_CELL; i += cells) {
        uint64_t from = hd_read_cells(p + i, child.addr);
        uint64_t to = hd_read_cells(p + i + child.addr, up.addr);
        uint64_t size = hd_read_cells(p + i + child.addr + up.addr, child.size);
        if (*addr >= from && *addr - from < size) {
            *addr = to + (*addr - from);
            return 0;
        }
    }
    return hd_error(c, bus, "ranges", "no entry covers address 0x%llx", (unsigned long long)*addr);
}

/* Entry idx of node's reg, translated to the root's (the CPU's) address space. */
static int hd_reg(struct hd_ctx *c, int node, int idx, struct hostdt_region *r)
{
    if (hd_reg_raw(c, node, idx, r)) {
        return -EINVAL;
    }
    /* Offset 0 is the root, whose address space is the CPU's. */
    int bus = hd_parent(node);
    while (bus > 0) {
        int parent = hd_parent(bus);
        if (parent < 0) {
            return hd_error(c, bus, NULL, "the parent node cannot be found");
        }
        if (hd_translate_one(c, bus, parent, &r->base)) {
            return -EINVAL;
        }
        bus = parent;
    }
    return 0;
}

/* Specifier idx of node's interrupts as a GIC INTID: PPI n -> 16 + n, SPI n -> 32 + n. */
static int hd_intid(struct hd_ctx *c, int node, int idx, uint32_t *intid)
{
    int len;
    const fdt32_t *p = hd_getprop(c->fdt, node, "interrupts", &len);
    const int spec = HD_IRQ_CELLS * HD_CELL;

    if (p == NULL) {
        return hd_error(c, node, "interrupts", "missing");
    }
    if (len % spec != 0) {
        return hd_error(c, node, "interrupts",
                        "length %d is not a multiple of %d (<type number flags>)", len, spec);
    }
    if (idx >= len / spec) {
        return hd_error(c, node, "interrupts", "has %d specifiers, specifier %d is required",
                        len / spec, idx + 1);
    }
    uint32_t type = fdt32_ld(&p[idx * HD_IRQ_CELLS]);
    uint32_t num = fdt32_ld(&p[idx * HD_IRQ_CELLS + 1]);
    if (type == HD_IRQ_PPI && num < HD_PPI_COUNT) {
        *intid = 16 + num;
    } else if (type == HD_IRQ_SPI && num < HD_SPI_COUNT) {
        *intid = 32 + num;
    } else {
        return hd_error(c, node, "interrupts", "specifier %d: <%u %u> is neither a PPI nor an SPI",
                        idx + 1, type, num);
    }
    return 0;
}

/* Calls fn(c, node, region, arg) for every non-empty entry of node's reg; stops at an error. */
static int hd_each_reg(struct hd_ctx *c, int node,
                       int (*fn)(struct hd_ctx *c, int node, const struct hostdt_region *r,
                                 void *arg),
                       void *arg)
{
    struct hd_cells cells;
    struct hostdt_region r;
    int count;

    if (hd_reg_layout(c, node, &cells, &count)) {
        return -EINVAL;
    }
    for (int i = 0; i < count; i++) {
        if (hd_reg(c, node, i, &r)) {
            return -EINVAL;
        }
        if (r.size != 0 && fn(c, node, &r, arg)) {
            return -EINVAL;
        }
    }
    return 0;
}

static int hd_memory_region(struct hd_ctx *c, int node, const struct hostdt_region *r, void *arg)
{
    (void)arg;
    if (c->out->mem_count == HOSTDT_MAX_MEM) {
        return hd_error(c, node, "reg", "more than %d memory regions (HOSTDT_MAX_MEM)",
                        HOSTDT_MAX_MEM);
    }
    c->out->mem[c->out->mem_count++] = *r;
    return 0;
}

static int hd_add_memory(struct hd_ctx *c, int node)
{
    return hd_each_reg(c, node, hd_memory_region, NULL);
}

static int hd_memory(struct hd_ctx *c)
{
    for (int i = 0; i < hd_node_count; i++) {
        int node = hd_nodes[i].offset;
        if (hd_nodes[i].memory && hd_nodes[i].enabled && hd_add_memory(c, node)) {
            return -EINVAL;
        }
    }
    if (c->out->mem_count == 0) {
        return hd_error(c, 0, NULL, "no memory node (device_type = \"memory\") with a nonzero reg");
    }
    return 0;
}

static int hd_add_reserved(struct hd_ctx *c, int node, const char *prop, uint64_t base,
                           uint64_t size)
{
    if (size == 0) {
        return 0;
    }
    if (c->out->reserved_count == HOSTDT_MAX_RSV) {
        return hd_error(c, node, prop, "more than %d reserved regions (HOSTDT_MAX_RSV)",
                        HOSTDT_MAX_RSV);
    }
    c->out->reserved[c->out->reserved_count++] = (struct hostdt_region){base, size};
    return 0;
}

/* The children of /reserved-memory that have a reg (the others are allocated by Linux). */
static int hd_reserved_nodes(struct hd_ctx *c, int rm)
{
    struct hd_cells cells;
    struct hostdt_region r;
    int node;
    int count;

    for (int i = 0; i < hd_node_count; i++) {
        if (hd_nodes[i].parent != rm) {
            continue;
        }
        node = hd_nodes[i].offset;
        if (!hd_has(c->fdt, node, "reg") || !hd_enabled(c->fdt, node)) {
            continue;
        }
        if (hd_reg_layout(c, node, &cells, &count)) {
            return -EINVAL;
        }
        for (int i = 0; i < count; i++) {
            if (hd_reg(c, node, i, &r) || hd_add_reserved(c, node, "reg", r.base, r.size)) {
                return -EINVAL;
            }
        }
    }
    return 0;
}

static int hd_reserved(struct hd_ctx *c)
{
    int n = fdt_num_mem_rsv(c->fdt);
    uint64_t base;
    uint64_t size;

    for (int i = 0; i < n; i++) {
        if (fdt_get_mem_rsv(c->fdt, i, &base, &size) != 0) {
            return hd_error(c, 0, "/memreserve/", "entry %d cannot be read", i);
        }
        if (hd_add_reserved(c, 0, "/memreserve/", base, size)) {
            return -EINVAL;
        }
    }
    int rm = hd_lookup(c->fdt, "/reserved-memory", 16);
    return rm >= 0 ? hd_reserved_nodes(c, rm) : 0;
}

/* A cpu node: device_type "cpu", or a node named cpu@... for trees that omit it. */
static bool hd_is_cpu(const void *fdt, int node)
{
    const struct hd_node *n = hd_find(node);

    return hd_prop_is(fdt, node, "device_type", "cpu") ||
           (n && n->name_len >= 4 && lib_strncmp(n->name, "cpu@", 4) == 0);
}

static int hd_cpus(struct hd_ctx *c)
{
    struct hostdt_region r;
    int cpus = hd_lookup(c->fdt, "/cpus", 5);
    int node;

    if (cpus < 0) {
        return hd_error(c, 0, NULL, "no /cpus node");
    }
    for (int i = 0; i < hd_node_count; i++) {
        if (hd_nodes[i].parent != cpus) {
            continue;
        }
        node = hd_nodes[i].offset;
        if (!hd_is_cpu(c->fdt, node)) {
            continue;
        }
        if (c->out->cpu_count == HOSTDT_MAX_CPUS) {
            return hd_error(c, node, NULL, "more than %d CPUs (HOSTDT_MAX_CPUS)", HOSTDT_MAX_CPUS);
        }
        /* A cpu's reg is its MPIDR affinity, not an address: no translation. */
        if (hd_reg_raw(c, node, 0, &r)) {
            return -EINVAL;
        }
        c->out->cpu_mpidr[c->out->cpu_count++] = r.base;
    }
    if (c->out->cpu_count == 0) {
        return hd_error(c, cpus, NULL, "no cpu node (device_type = \"cpu\")");
    }
    return 0;
}

static int hd_psci(struct hd_ctx *c)
{
    static const char *const compat[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci"};
    int node = -1;

    for (size_t i = 0; node < 0 && i < ARRAY_SIZE(compat); i++) {
        node = hd_find_compatible(compat[i]);
    }
    if (node < 0) {
        return 0;
    }
    if (hd_prop_is(c->fdt, node, "method", "smc")) {
        c->out->psci_smc = true;
    } else if (!hd_prop_is(c->fdt, node, "method", "hvc")) {
        return hd_error(c, node, "method", "must be \"smc\" or \"hvc\"");
    }
    c->out->psci_found = true;
    return 0;
}

static int hd_hyp_region(struct hd_ctx *c, int node, const struct hostdt_region *r, void *arg)
{
    const struct hd_node *n = hd_find(node);
    const enum hostdt_hyp_kind *kind = arg;

    if (c->out->hyp_count == HOSTDT_MAX_HYP) {
        return hd_error(c, node, "reg",
                        "more than %d regions the hypervisor keeps (HOSTDT_MAX_HYP)",
                        HOSTDT_MAX_HYP);
    }
    struct hostdt_hyp_region *h = &c->out->hyp[c->out->hyp_count++];
    h->base = r->base;
    h->size = r->size;
    h->kind = *kind;
    size_t len = MIN((size_t)n->name_len, sizeof(h->node) - 1);
    lib_memcpy(h->node, n->name, len);
    h->node[len] = '\0';
    return 0;
}

/* Records every reg entry of node as a region the hypervisor keeps. */
static int hd_add_hyp(struct hd_ctx *c, int node, enum hostdt_hyp_kind kind)
{
    if (!hd_find(node) || !hd_has(c->fdt, node, "reg")) {
        return 0;
    }
    return hd_each_reg(c, node, hd_hyp_region, &kind);
}

/* The GIC node and every child of it (ITS, GICv2m frames, ...): all the hypervisor's. */
static int hd_gic_regions(struct hd_ctx *c, int gic)
{
    if (hd_add_hyp(c, gic, HOSTDT_HYP_GIC)) {
        return -EINVAL;
    }
    for (int i = 0; i < hd_node_count; i++) {
        const struct hd_node *n = &hd_nodes[i];
        if (n->parent != gic) {
            continue;
        }
        enum hostdt_hyp_kind kind = hd_compatible(n->offset, "arm,gic-v3-its") ? HOSTDT_HYP_GIC_ITS
                                    : hd_has(c->fdt, n->offset, "msi-controller")
                                        ? HOSTDT_HYP_GIC_MSI
                                        : HOSTDT_HYP_GIC_SUB;
        if (hd_add_hyp(c, n->offset, kind)) {
            return -EINVAL;
        }
    }
    return 0;
}

/* IOMMUs (nodes with #iommu-cells, such as an SMMU): the hypervisor's, whether it drives them
 * or not, since a domain programming one could reach any memory. */
static int hd_iommus(struct hd_ctx *c)
{
    for (int i = 0; i < hd_node_count; i++) {
        const struct hd_node *n = &hd_nodes[i];
        if (n->enabled && hd_has(c->fdt, n->offset, "#iommu-cells") &&
            hd_add_hyp(c, n->offset, HOSTDT_HYP_IOMMU)) {
            return -EINVAL;
        }
    }
    return 0;
}

/* The GICv2 regions that are present: GICD and GICC always, GICH and GICV with the
 * virtualization extensions. */
static int hd_gic_v2(struct hd_ctx *c, int node)
{
    struct hd_cells cells;
    int count;

    if (hd_reg_layout(c, node, &cells, &count) || hd_reg(c, node, 0, &c->out->gic.dist) ||
        hd_reg(c, node, 1, &c->out->gic.cpuif)) {
        return -EINVAL;
    }
    if (count >= 4 &&
        (hd_reg(c, node, 2, &c->out->gic.hyp) || hd_reg(c, node, 3, &c->out->gic.vcpu))) {
        return -EINVAL;
    }
    c->out->gic.version = 2;
    return 0;
}

static int hd_gic(struct hd_ctx *c)
{
    int node = hd_find_compatible("arm,gic-v3");

    if (node >= 0) {
        if (hd_reg(c, node, 0, &c->out->gic.dist) || hd_reg(c, node, 1, &c->out->gic.redist)) {
            return -EINVAL;
        }
        c->out->gic.version = 3;
    } else {
        node = hd_find_compatible("arm,cortex-a15-gic");
        if (node < 0) {
            node = hd_find_compatible("arm,gic-400");
        }
        if (node < 0) {
            return 0;
        }
        if (hd_gic_v2(c, node)) {
            return -EINVAL;
        }
    }
    if (hd_gic_regions(c, node)) {
        return -EINVAL;
    }
    if (hd_has(c->fdt, node, "interrupts")) {
        return hd_intid(c, node, 0, &c->out->gic.maint_intid);
    }
    return 0;
}

/* The architected timer's interrupts, in binding order: secure physical, non-secure
 * physical, virtual, hypervisor physical. */
static int hd_timer(struct hd_ctx *c)
{
    int node = hd_find_compatible("arm,armv8-timer");

    if (node < 0) {
        return 0;
    }
    if (hd_intid(c, node, 1, &c->out->timer.phys_intid) ||
        hd_intid(c, node, 2, &c->out->timer.virt_intid) ||
        hd_intid(c, node, 3, &c->out->timer.hyp_intid) ||
        hd_u32(c, node, "clock-frequency", 0, &c->out->timer.freq_hz)) {
        return -EINVAL;
    }
    c->out->timer.found = true;
    return 0;
}

/* The node /chosen stdout-path names (a path or an alias, maybe followed by ":options"). */
static int hd_stdout_node(const void *fdt)
{
    int len;
    int chosen = hd_lookup(fdt, "/chosen", 7);
    const char *path = chosen >= 0 ? hd_getprop(fdt, chosen, "stdout-path", &len) : NULL;

    if (path == NULL || len <= 0) {
        return -1;
    }
    size_t n = lib_strnlen(path, (size_t)len);
    const char *colon = lib_memchr(path, ':', n);
    if (colon) {
        n = (size_t)(colon - path);
    }
    return hd_lookup(fdt, path, n);
}

static int hd_uart(struct hd_ctx *c)
{
    struct hostdt_region r;
    int node = hd_stdout_node(c->fdt);

    if (node < 0 || !hd_enabled(c->fdt, node) || !hd_compatible(node, "arm,pl011")) {
        node = hd_find_compatible("arm,pl011");
    }
    if (node < 0) {
        return 0;
    }
    if (hd_reg(c, node, 0, &r)) {
        return -EINVAL;
    }
    if (hd_has(c->fdt, node, "interrupts") && hd_intid(c, node, 0, &c->out->uart.intid)) {
        return -EINVAL;
    }
    c->out->uart.base = r.base;
    c->out->uart.size = r.size;
    c->out->uart.found = true;
    return hd_add_hyp(c, node, HOSTDT_HYP_UART);
}

static int hd_chosen(struct hd_ctx *c)
{
    int len;
    int chosen = hd_lookup(c->fdt, "/chosen", 7);

    c->out->chosen_node = chosen >= 0 ? chosen : -1;
    if (chosen < 0) {
        return 0;
    }
    const char *args = hd_getprop(c->fdt, chosen, "bootargs", &len);
    if (args) {
        if (len < 1 || args[len - 1] != '\0') {
            return hd_error(c, chosen, "bootargs", "not a terminated string");
        }
        c->out->bootargs = args;
    }
    const char *trace = hd_getprop(c->fdt, chosen, "tessera,trace", &len);
    if (trace) {
        if (len < 2 || trace[len - 1] != '\0') {
            return hd_error(c, chosen, "tessera,trace", "not a non-empty terminated string");
        }
        c->out->trace_target = trace;
        c->out->trace_target_size = (size_t)len;
    }
    int hv = hd_child(chosen, "hypervisor", 10);
    c->out->hypervisor_node = hv >= 0 ? hv : -1;
    return 0;
}

/* Checks the header; the index walk then meets every structure token and reports a broken
 * one (fdt_check_full would cost as much as the rest of the parse together). */
static int hd_check_blob(struct hd_ctx *c)
{
    int rc = fdt_check_header(c->fdt);

    if (rc != 0) {
        lib_snprintf(c->err, c->errlen, "device tree: %s", fdt_strerror(rc));
        return -EINVAL;
    }
    return 0;
}

int hostdt_parse(const void *fdt, struct hostdt *out, char *err, size_t errlen)
{
    struct hd_ctx c = {.fdt = fdt, .out = out, .err = err, .errlen = errlen};

    if (errlen > 0) {
        err[0] = '\0';
    }
    lib_memset(out, 0, sizeof(*out));
    out->hypervisor_node = -1;
    out->chosen_node = -1;
    if (hd_check_blob(&c) || hd_index(&c) || hd_memory(&c) || hd_reserved(&c) || hd_cpus(&c) ||
        hd_psci(&c) || hd_gic(&c) || hd_iommus(&c) || hd_timer(&c) || hd_uart(&c) ||
        hd_chosen(&c)) {
        return -EINVAL;
    }
    return 0;
}
