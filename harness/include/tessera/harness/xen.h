/* Xen 4.17 as a reference backend (docs/reference-xen.md): where Debian's Xen image is, the
 * scenario's fleet checked for what Xen can express and translated into Xen's Arm dom0less
 * boot bindings, and Xen's command line. */
#ifndef TESSERA_HARNESS_XEN_H
#define TESSERA_HARNESS_XEN_H

#include <stddef.h>

#include <tessera/manifest.h>

#include <tessera/harness/error.h>
#include <tessera/harness/images.h>

#define XEN_PACKAGE "xen-hypervisor-4.17-arm64:arm64"
/* Under the cache (TESSERA_CACHE, else ~/.cache/tessera): the unpacked package's image. */
#define XEN_IMAGE_REL "xen/boot/xen-4.17-arm64"
/* Xen's options besides the console device: raw counter stamps on every line, every message of
 * Xen and of the guests, and no scrubbing of all RAM at boot (Tessera scrubs only what it
 * frees; scrubbing 1 GiB under emulation would dominate the boot). */
#define XEN_BOOTARGS "console_timestamps=raw loglvl=all guest_loglvl=all bootscrub=0"
/* The Debian build's scheduler (it has no null scheduler; CONFIG_SCHED_DEFAULT). */
#define XEN_SCHEDULER "credit2"

/* The Xen image: given (--hypervisor) or the cached one. New string in *path. */
int xen_image_path(const char *given, char **path, struct herr *e);

/* Checks, domain by domain and then the machine, that Xen can run the fleet of mode on pcpus pCPUs
 * as the scenario says, refusing by name every feature it cannot express (start-after, on-crash
 * restart/destroy, event channels, passthrough, a given dtb, priorities, guests that are not Linux
 * arm64 Images, no vpl011, a scheduler other than null, more than one pCPU, a mode other than
 * hyperlaunch). Returns 0 or -ENOTSUP with e naming the node and property. */
int xen_check_fleet(const struct mf_fleet *f, const char *mode, unsigned pcpus,
                    struct images_ctx *ic, struct herr *e);

/* A dom0less scenario for the boot DTB builder: /chosen with one xen,domain node per fleet
 * domain of the mode (memory in KiB, cpus, vpl011, multiboot,kernel and multiboot,ramdisk
 * modules with the scenario's images and bootargs), in manifest order. *fdt is malloc'd. */
int xen_scenario(const struct mf_fleet *f, void **fdt, size_t *len, struct herr *e);

/* Xen's command line for a machine whose console UART is uart (a DT path). */
int xen_cmdline(const char *uart, char *buf, size_t len);

/* Adds /chosen/xen,xen-bootargs to a boot DTB, growing it (*fdt is realloc'd). */
int xen_set_bootargs(void **fdt, size_t *size, const char *cmdline, struct herr *e);

/* True for the fleet domains a mode builds (neither the control nor the boot domain). */
bool xen_in_fleet(const struct mf_domain *d);

#endif
