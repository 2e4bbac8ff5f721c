/* The scenario manifest (docs/manifest.md): the `hypervisor` node of a scenario, or
 * /chosen/hypervisor of a boot DTB, or Xen dom0less `xen,domain` nodes under /chosen, parsed
 * and validated into a plain fleet description. The same code runs in the hypervisor and on
 * the host (tessera check). */
#ifndef TESSERA_MANIFEST_H
#define TESSERA_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MF_MAX_DOMAINS      16
#define MF_MAX_VCPUS        8
#define MF_MAX_DEPS         4
#define MF_NAME_MAX         32
#define MF_MAX_MEMORY_KIB   (64ull << 20) /* 64 GiB */
#define MF_PRIORITY_DEFAULT 128
#define MF_EVTCHN_PORTS     32 /* ports per domain (HC_EVTCHN_PORTS) */
#define MF_MAX_LINKS        8  /* event-channel links a domain may declare */
#define MF_MAX_DEVICES      4  /* passthrough devices per domain */

#define MF_PERM_CONTROL  (1u << 0)
#define MF_PERM_HARDWARE (1u << 1)
#define MF_FUNC_BOOT     (1u << 0)
#define MF_FUNC_CONSOLE  (1u << 1)
#define MF_LATE_AFFINITY (1u << 0) /* late = "cpu-affinity": pinned by the boot domain */

enum mf_on_crash { MF_CRASH_HALT, MF_CRASH_RESTART, MF_CRASH_DESTROY };

/* A device passed through: an MMIO range mapped into the domain at the same address, and
 * optionally its SPIs (interrupts = <spi ...>). */
struct mf_device {
    int node;
    uint64_t base;
    uint64_t size;
    uint32_t spi[4];
    unsigned spi_count;
};

/* A static event-channel link: local port <-> port of another domain of the fleet. */
struct mf_link {
    unsigned port;
    unsigned peer; /* fleet index */
    unsigned peer_port;
};

struct mf_module {
    bool present;
    bool placed;   /* reg present: the boot loader put the image in RAM */
    uint64_t addr; /* reg: physical address and size */
    uint64_t size;
    const char *image;    /* image file (host side); NULL if absent */
    const char *bootargs; /* NULL if absent */
};

struct mf_domain {
    char name[MF_NAME_MAX];
    int node; /* offset of the domain's node in the fdt */
    uint32_t domid;
    uint64_t memory_kib;
    unsigned cpus;
    unsigned affinity[MF_MAX_VCPUS];
    uint32_t permissions; /* MF_PERM_* */
    uint32_t functions;   /* MF_FUNC_* */
    unsigned priority;    /* 0 (lowest) - 255 */
    enum mf_on_crash on_crash;
    bool vpl011;
    uint32_t late; /* MF_LATE_*: settings the boot domain applies (bootdomain mode) */
    unsigned start_after[MF_MAX_DEPS]; /* indexes into the fleet */
    unsigned start_after_count;
    struct mf_link links[MF_MAX_LINKS];
    unsigned link_count;
    struct mf_device devices[MF_MAX_DEVICES];
    unsigned device_count;
    struct mf_module kernel;
    struct mf_module ramdisk;
    struct mf_module dtb; /* a device tree to boot with instead of the generated one */
};

struct mf_fleet {
    char scheduler[16];
    uint32_t trace_kib;  /* trace buffer per pCPU, 0: the default */
    uint32_t trace_mask; /* run-time trace class mask */
    bool trace_mask_set;
    uint64_t seed; /* a boot DTB's /chosen/tessera,seed: the run's entropy seed (0: none) */
    bool dom0less; /* translated from Xen xen,domain nodes */
    struct mf_domain dom[MF_MAX_DOMAINS];
    unsigned count;
};

/* Where the manifest comes from: a boot DTB must say where each image was loaded (reg);
 * a scenario on the host names image files instead. */
enum mf_source { MF_BOOT_DTB, MF_SCENARIO };

/* Parses the hypervisor node at offset node. Returns 0, or -EINVAL with err naming the node
 * and property at fault ("/chosen/hypervisor/rt: memory-kib: must be a multiple of 4"). */
int mf_parse(const void *fdt, int node, enum mf_source src, struct mf_fleet *out, char *err,
             size_t errlen);
/* Translates the Xen dom0less `xen,domain` children of chosen (offset of /chosen). Returns
 * -ENOENT if there are none, else as mf_parse. pCPUs are given out in node order. */
int mf_parse_dom0less(const void *fdt, int chosen, enum mf_source src, struct mf_fleet *out,
                      char *err, size_t errlen);
/* The run's entropy seed, a boot DTB's /chosen/tessera,seed (a u64; chosen: the offset of /chosen,
 * which the caller has already found: looking it up again walks the whole tree), into out->seed;
 * absent leaves it 0. -EINVAL if the property is not 8 bytes. */
int mf_run_seed(const void *fdt, int chosen, struct mf_fleet *out);
/* Checks the fleet against the machine: pCPU ids < pcpus, duplicate domids, one vCPU per pCPU
 * under the null scheduler, start-after cycles. Same error convention. */
int mf_validate(const void *fdt, const struct mf_fleet *f, unsigned pcpus, char *err,
                size_t errlen);
/* Domain indexes in an order that respects start-after (each domain after everything it waits
 * for); requires a validated fleet. */
void mf_start_order(const struct mf_fleet *f, unsigned order[MF_MAX_DOMAINS]);
const char *mf_on_crash_name(enum mf_on_crash p);

#endif
