/* Passthrough ranges of a scenario against QEMU's virt machine, as `tessera run` boots it:
 * the hypervisor's own check (mf_check_passthrough) on the host, before QEMU starts. */
#ifndef TESSERA_HARNESS_CHECK_PASSTHROUGH_H
#define TESSERA_HARNESS_CHECK_PASSTHROUGH_H

#include <stdint.h>

#include <tessera/hostdt.h>
#include <tessera/manifest.h>

#include <tessera/harness/error.h>

/* QEMU's virt machine with memory_mib MiB of RAM as hostdt_parse reads it: its RAM and what the
 * hypervisor keeps (GICv3 distributor, redistributors and ITS, the PL011). */
void check_passthrough_virt(uint32_t memory_mib, struct hostdt *hd);
/* Checks every device@ range of f (parsed from fdt) against a virt machine with memory_mib MiB
 * of RAM; 0, or -EINVAL with e holding "NODE: reg: RANGE overlaps WHAT at RANGE, ...". */
int check_passthrough(const void *fdt, const struct mf_fleet *f, uint32_t memory_mib,
                      struct herr *e);

#endif
