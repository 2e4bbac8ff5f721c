/* The boot DTB builder: machine DTB + scenario -> the DTB the hypervisor boots with. A pure
 * function over in-memory buffers; image files are found through a resolver callback. */
#ifndef TESSERA_HARNESS_BOOTDTB_H
#define TESSERA_HARNESS_BOOTDTB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tessera/harness/error.h>

#define BOOTDTB_MODULE_OFFSET (256ull << 20) /* guest modules start at RAM base + 256 MiB */
#define BOOTDTB_MODULE_ALIGN  (2ull << 20)   /* each module 2 MiB aligned (stage-2 blocks) */

/* Finds the host file of image (the node's `image` string). On success *path is a new string
 * (the builder frees it) and *size its length in bytes. */
typedef int (*bootdtb_resolve_fn)(void *ctx, const char *image, char **path, uint64_t *size,
                                  struct herr *e);

/* One image placed in guest-module RAM, for QEMU's loader. */
struct bootdtb_module {
    char *node;  /* its node in the boot DTB, e.g. /chosen/hypervisor/hello/kernel */
    char *image; /* the `image` property */
    char *path;  /* the host file */
    uint64_t addr;
    uint64_t size;
    int acells, scells; /* cells of its reg: 2 + 2, or its xen,domain node's (default 2 + 1) */
};

#define BOOTDTB_TRACE_PATH_MAX 160 /* /chosen/tessera,trace is padded to this fixed size */

struct bootdtb_params {
    const void *machine; /* DTB dumped by QEMU */
    size_t machine_len;
    const void *scenario; /* the compiled scenario */
    size_t scenario_len;
    const char *bootargs; /* /chosen/bootargs of the result */
    bootdtb_resolve_fn resolve;
    void *resolve_ctx;
    /* /chosen/tessera,trace: where the hypervisor sends its trace ("uart"; NULL: nowhere) */
    const char *trace_target;
    /* Where the first module goes (2 MiB aligned, in RAM); 0: RAM base + BOOTDTB_MODULE_OFFSET */
    uint64_t module_base;
    /* /chosen/tessera,seed: the run's entropy seed, from which each domain's rng-seed comes */
    uint64_t seed;
};

struct bootdtb {
    void *fdt; /* the packed boot DTB */
    size_t size;
    struct bootdtb_module *mods; /* in manifest (depth-first) order */
    size_t nmods;
    uint64_t ram_base; /* the first memory bank of the machine */
    uint64_t ram_size;
    bool dom0less; /* the manifest was Xen xen,domain nodes, copied to /chosen */
};

/* Builds the boot DTB: the machine DTB without /chosen rng-seed and kaslr-seed, plus the
 * scenario's manifest: its /hypervisor copied to /chosen/hypervisor, or (when it has none) its
 * xen,domain nodes under /chosen copied to /chosen, properties and subnodes in order. Every
 * node with an `image` gets a `reg` with the address the image is loaded at (2 + 2 cells under
 * /hypervisor; the xen,domain node's #address-cells/#size-cells, default 2 + 1, for dom0less),
 * and /chosen/bootargs is set. Returns 0 or a negative errno with e naming the node, image and
 * sizes at fault; *out is then left empty. */
int bootdtb_build(const struct bootdtb_params *p, struct bootdtb *out, struct herr *e);
void bootdtb_free(struct bootdtb *b);
/* The first memory bank of a machine DTB. */
int bootdtb_ram(const void *fdt, uint64_t *base, uint64_t *size, struct herr *e);

#endif
