/* Launch modes: how the fleet of a manifest becomes running domains (DESIGN.md §1). The
 * fleet proper is every domain that is neither the control domain (permissions bit 1) nor
 * the boot domain (function "boot"): those two exist only for the dom0 and bootdomain modes,
 * on pCPUs of their own. */
#ifndef TESSERA_LAUNCH_H
#define TESSERA_LAUNCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tessera/manifest.h>

/* Where the control domain sees the boot DTB and the boot modules: IPA = PA + this. */
#define LAUNCH_MODULE_WINDOW 0x4000000000ull /* 256 GiB */

enum launch_mode { LAUNCH_HYPERLAUNCH, LAUNCH_DOM0, LAUNCH_BOOTDOMAIN };

/* The mode named in the hypervisor's command line (mode=dom0|hyperlaunch|bootdomain);
 * hyperlaunch when absent; -EINVAL for another value. */
int launch_parse_mode(const char *cmdline, enum launch_mode *mode);
const char *launch_mode_name(enum launch_mode m);
/* True if fleet entry d belongs to the fleet proper. */
bool launch_in_fleet(const struct mf_domain *d);

/* Builds every domain of the fleet proper (in parallel), links their event channels, then
 * starts those that wait for nobody; the others start as their start-after predecessors
 * declare themselves ready. Returns 0, or a negative errno with a message in err before any
 * domain has run: the caller then stops the boot (no partial fleet). */
int launch_hyperlaunch(const struct mf_fleet *f, char *err, size_t errlen);
/* Builds only the control domain, maps the boot DTB and the fleet's modules read-only into
 * it (LAUNCH_MODULE_WINDOW) and starts it: its toolstack creates the others by domctl. */
int launch_dom0(const struct mf_fleet *f, const void *fdt, char *err, size_t errlen);
/* Builds the whole fleet held (nothing starts), then the boot domain as for dom0: it applies
 * the start order, unpauses the others and ends; the hypervisor then reclaims it. */
int launch_bootdomain(const struct mf_fleet *f, const void *fdt, char *err, size_t errlen);
/* Builds every domain of the fleet proper, in parallel, and links their event channels;
 * held domains wait for a domctl unpause. */
int launch_build_fleet(const struct mf_fleet *f, bool held, char *err, size_t errlen);

#endif
