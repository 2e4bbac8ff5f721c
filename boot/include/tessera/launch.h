/* Launch modes: how the fleet of a manifest becomes running domains. */
#ifndef TESSERA_LAUNCH_H
#define TESSERA_LAUNCH_H

#include <tessera/manifest.h>

/* Builds every domain of the fleet, then hands their vCPUs to their pCPUs. Returns 0, or a
 * negative errno before any domain has run: the caller then stops the boot (no partial fleet). */
int launch_hyperlaunch(const struct mf_fleet *f);

#endif
