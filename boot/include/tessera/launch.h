/* Launch modes: how the fleet of a manifest becomes running domains. */
#ifndef TESSERA_LAUNCH_H
#define TESSERA_LAUNCH_H

#include <stddef.h>
#include <tessera/manifest.h>

/* Builds every domain of the fleet, then starts those that wait for nobody; the others start
 * as their start-after predecessors declare themselves ready. Returns 0, or a negative errno
 * with a message in err before any domain has run: the caller then stops the boot (no
 * partial fleet). */
int launch_hyperlaunch(const struct mf_fleet *f, char *err, size_t errlen);

#endif
