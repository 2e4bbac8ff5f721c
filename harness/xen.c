/* Xen 4.17 as a reference backend: the fleet checked for what Xen's Arm dom0less boot can
 * express (anything else is refused by name, never dropped) and translated into its bindings
 * (xen,domain nodes, multiboot modules), and Xen's command line. docs/reference-xen.md. */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/xen.h>

#define XEN_FDT_SIZE      65536
#define XEN_IMAGE_MAGIC   0x644d5241u /* "ARM\x64" at offset 56 of a Linux arm64 Image */
#define XEN_BOOTARGS_ROOM 1024

int xen_image_path(const char *given, char **path, struct herr *e)
{
    const char *cache = getenv("TESSERA_CACHE"), *home = getenv("HOME");
    int n;

    if (given) {
        n = asprintf(path, "%s", given);
    } else if (cache) {
        n = asprintf(path, "%s/%s", cache, XEN_IMAGE_REL);
    } else {
        n = asprintf(path, "%s/.cache/tessera/%s", home ? home : ".", XEN_IMAGE_REL);
    }
    if (n < 0) {
        *path = NULL;
        return herr_set(e, -ENOMEM, "out of memory");
    }
    if (!fileio_is_file(*path)) {
        return herr_set(e, -ENOENT,
                        "Xen image %s not found: fetch Debian's Xen with `sh scripts/fetch-deb.sh "
                        "%s ~/.cache/tessera/xen` (scripts/setup.sh does), or pass "
                        "--hypervisor FILE",
                        *path, XEN_PACKAGE);
    }
    return 0;
}

bool xen_in_fleet(const struct mf_domain *d)
{
    return !(d->permissions & MF_PERM_CONTROL) && !(d->functions & MF_FUNC_BOOT);
}

static int xen_refuse(struct herr *e, const struct mf_domain *d, const char *what)
{
    return herr_set(e, -ENOTSUP, "/hypervisor/%s: %s: Xen cannot express this (--backend xen)",
                    d->name, what);
}

/* The kernel must be a Linux arm64 Image: a bare-metal Tessera guest makes Tessera hypercalls. */
static int xen_check_kernel(const struct mf_domain *d, struct images_ctx *ic, struct herr *e)
{
    uint32_t magic = 0;
    uint64_t size;
    char *path = NULL, head[64];
    FILE *f;
    int rc = images_resolve(ic, d->kernel.image, &path, &size, e);

    if (rc) {
        return herr_prefix(e, rc, "/hypervisor/%s/kernel: image", d->name);
    }
    f = fopen(path, "rb");
    if (f && fread(head, 1, sizeof(head), f) == sizeof(head)) {
        memcpy(&magic, head + 56, sizeof(magic));
    }
    if (f) {
        fclose(f);
    }
    if (magic != XEN_IMAGE_MAGIC) {
        rc = herr_set(e, -ENOTSUP,
                      "/hypervisor/%s/kernel: image '%s' (%s) is not a Linux arm64 Image: a "
                      "bare-metal Tessera guest uses Tessera hypercalls, which Xen does not "
                      "have (--backend xen runs Linux guests only)",
                      d->name, d->kernel.image, path);
    }
    free(path);
    return rc;
}

static int xen_check_domain(const struct mf_domain *d, struct images_ctx *ic, struct herr *e)
{
    int rc = xen_check_kernel(d, ic, e);

    if (rc) {
        return rc;
    }
    if (d->start_after_count > 0) {
        return xen_refuse(e, d, "start-after (Xen dom0less starts every domain at once)");
    }
    if (d->on_crash != MF_CRASH_HALT) {
        return xen_refuse(e, d,
                          d->on_crash == MF_CRASH_RESTART
                              ? "on-crash = \"restart\" (dom0less has no crash policy)"
                              : "on-crash = \"destroy\" (dom0less has no crash policy)");
    }
    if (d->link_count > 0) {
        return xen_refuse(e, d, "event-channels (Xen 4.17 dom0less has no static event channels)");
    }
    if (d->device_count > 0) {
        return xen_refuse(e, d, "device@ passthrough (not translated to xen,passthrough)");
    }
    if (d->dtb.present) {
        return xen_refuse(e, d, "dtb (a given device tree is not translated)");
    }
    if (d->priority != MF_PRIORITY_DEFAULT) {
        return xen_refuse(e, d, "priority (Xen's credit2 scheduler has weights, not priorities)");
    }
    if (!d->vpl011) {
        return xen_refuse(e, d,
                          "no vpl011 (without it a dom0less domain has no console, and its ready "
                          "marker could not be seen)");
    }
    return 0;
}

int xen_check_fleet(const struct mf_fleet *f, const char *mode, unsigned pcpus,
                    struct images_ctx *ic, struct herr *e)
{
    unsigned n = 0;
    int rc;

    if (strcmp(mode, "hyperlaunch") != 0) {
        return herr_set(e, -ENOTSUP,
                        "mode '%s': --backend xen runs hyperlaunch (Xen dom0less) only; the Xen "
                        "Dom0 + xl path is not implemented yet",
                        mode);
    }
    for (unsigned i = 0; i < f->count; i++) {
        if (!xen_in_fleet(&f->dom[i])) {
            continue;
        }
        if ((rc = xen_check_domain(&f->dom[i], ic, e))) {
            return rc;
        }
        n++;
    }
    if (n == 0) {
        return herr_set(e, -EINVAL, "the fleet is empty: nothing for Xen to build");
    }
    if (strcmp(f->scheduler, "null") != 0) {
        return herr_set(e, -ENOTSUP,
                        "/hypervisor: scheduler = \"%s\": Xen cannot express this (--backend xen "
                        "maps only null, one vCPU per pCPU, to Xen's %s)",
                        f->scheduler, XEN_SCHEDULER);
    }
    if (pcpus != 1) {
        return herr_set(e, -ENOTSUP,
                        "%u pCPUs: Xen 4.17 hangs bringing up its second CPU under -icount "
                        "(QEMU-FACTS.md), so --backend xen runs 1-pCPU scenarios only",
                        pcpus);
    }
    return 0;
}

/* One multiboot module node under dom: compatible, the scenario's image and bootargs. */
static int xen_module(void *fdt, int dom, const char *name, const char *kind,
                      const struct mf_module *m)
{
    char compat[64];
    int n = snprintf(compat, sizeof(compat), "multiboot,%s", kind), node, rc;

    memcpy(compat + n + 1, "multiboot,module", sizeof("multiboot,module"));
    n += 1 + (int)sizeof("multiboot,module");
    if ((node = fdt_add_subnode(fdt, dom, name)) < 0) {
        return node;
    }
    if ((rc = fdt_setprop(fdt, node, "compatible", compat, n)) ||
        (rc = fdt_setprop_string(fdt, node, "image", m->image))) {
        return rc;
    }
    return m->bootargs ? fdt_setprop_string(fdt, node, "bootargs", m->bootargs) : 0;
}

/* One xen,domain node (added first under chosen: the caller adds them in reverse order). */
static int xen_domain(void *fdt, int chosen, const struct mf_domain *d)
{
    fdt32_t mem[2] = {cpu_to_fdt32((uint32_t)(d->memory_kib >> 32)),
                      cpu_to_fdt32((uint32_t)d->memory_kib)};
    int dom = fdt_add_subnode(fdt, chosen, d->name), rc;

    if (dom < 0) {
        return dom;
    }
    if ((rc = fdt_setprop_string(fdt, dom, "compatible", "xen,domain")) ||
        (rc = fdt_setprop_u32(fdt, dom, "#address-cells", 1)) ||
        (rc = fdt_setprop_u32(fdt, dom, "#size-cells", 1)) ||
        (rc = fdt_setprop(fdt, dom, "memory", mem, sizeof(mem))) ||
        (rc = fdt_setprop_u32(fdt, dom, "cpus", d->cpus)) ||
        (rc = fdt_setprop(fdt, dom, "vpl011", NULL, 0))) {
        return rc;
    }
    /* fdt_add_subnode inserts first: the ramdisk, then the kernel, gives kernel, ramdisk. */
    if (d->ramdisk.present && (rc = xen_module(fdt, dom, "ramdisk", "ramdisk", &d->ramdisk))) {
        return rc;
    }
    return xen_module(fdt, dom, "kernel", "kernel", &d->kernel);
}

int xen_scenario(const struct mf_fleet *f, void **fdt, size_t *len, struct herr *e)
{
    void *buf = malloc(XEN_FDT_SIZE);
    int rc = buf ? fdt_create_empty_tree(buf, XEN_FDT_SIZE) : -FDT_ERR_NOSPACE, chosen = 0;

    if (!buf) {
        return herr_set(e, -ENOMEM, "out of memory");
    }
    rc = rc ?: fdt_setprop_u32(buf, 0, "#address-cells", 2);
    rc = rc ?: fdt_setprop_u32(buf, 0, "#size-cells", 2);
    if (!rc && (chosen = fdt_add_subnode(buf, 0, "chosen")) < 0) {
        rc = chosen;
    }
    for (unsigned i = f->count; i-- > 0 && !rc;) {
        if (xen_in_fleet(&f->dom[i])) {
            rc = xen_domain(buf, chosen, &f->dom[i]);
        }
    }
    rc = rc ?: fdt_pack(buf);
    if (rc) {
        free(buf);
        return herr_set(e, -EINVAL, "translating the fleet for Xen: %s", fdt_strerror(rc));
    }
    *fdt = buf;
    *len = fdt_totalsize(buf);
    return 0;
}

int xen_cmdline(const char *uart, char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "console=dtuart dtuart=%s %s", uart, XEN_BOOTARGS);
    return n < len ? 0 : -ENOSPC;
}

int xen_set_bootargs(void **fdt, size_t *size, const char *cmdline, struct herr *e)
{
    size_t room = *size + strlen(cmdline) + XEN_BOOTARGS_ROOM;
    void *buf = malloc(room);
    int rc = buf ? fdt_open_into(*fdt, buf, (int)room) : -FDT_ERR_NOSPACE, chosen;

    if (!rc) {
        chosen = fdt_path_offset(buf, "/chosen");
        rc = chosen < 0 ? chosen : fdt_setprop_string(buf, chosen, "xen,xen-bootargs", cmdline);
    }
    rc = rc ?: fdt_pack(buf);
    if (rc) {
        free(buf);
        return herr_set(e, -EINVAL, "adding xen,xen-bootargs to the boot DTB: %s",
                        fdt_strerror(rc));
    }
    free(*fdt);
    *fdt = buf;
    *size = fdt_totalsize(buf);
    return 0;
}
