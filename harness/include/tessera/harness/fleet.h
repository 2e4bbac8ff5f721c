/* The manifest on the host: the parser and validator the hypervisor runs (boot/manifest.c),
 * applied to a compiled scenario or to a boot DTB, with its messages as harness errors. */
#ifndef TESSERA_HARNESS_FLEET_H
#define TESSERA_HARNESS_FLEET_H

#include <tessera/manifest.h>

#include <tessera/harness/error.h>

/* Parses the manifest of fdt and validates it for a machine with pcpus pCPUs. src MF_SCENARIO:
 * a compiled scenario (/hypervisor, else xen,domain nodes under /chosen); MF_BOOT_DTB: a boot
 * DTB (/chosen/hypervisor, else xen,domain nodes under /chosen). Returns 0, or -EINVAL with e
 * holding the library's "NODE: PROPERTY: MESSAGE". */
int fleet_load(const void *fdt, enum mf_source src, unsigned pcpus, struct mf_fleet *f,
               struct herr *e);

#endif
