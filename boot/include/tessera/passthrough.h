/* Passthrough ranges against the machine: a device@ADDR range of the manifest may be given to a
 * domain only when it is clear of everything else the host device tree describes as RAM or as
 * the hypervisor's own. Shared by the hypervisor (at boot) and `tessera check`. */
#ifndef TESSERA_PASSTHROUGH_H
#define TESSERA_PASSTHROUGH_H

#include <stddef.h>
#include <tessera/hostdt.h>
#include <tessera/manifest.h>

/* Checks every passthrough range of f (parsed from fdt) against hd. Returns 0, or -EINVAL with
 * err naming the domain's device node, the range and what it overlaps, and (when bad is not
 * NULL) *bad the refused range and *bad_dom the index of its domain. */
int mf_check_passthrough(const void *fdt, const struct hostdt *hd, const struct mf_fleet *f,
                         char *err, size_t errlen, const struct mf_device **bad, unsigned *bad_dom);

#endif
