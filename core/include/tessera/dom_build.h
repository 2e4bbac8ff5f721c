/* Internal interface between the domain lifecycle (domain.c) and the builder (dom_build.c). */
#ifndef TESSERA_DOM_BUILD_H
#define TESSERA_DOM_BUILD_H

#include <tessera/domain.h>

/* Memory, stage-2, contents and vCPUs of d from s. */
int dom_build(struct domain *d, const struct dom_spec *s);
/* Releases what dom_build took, memory scrubbed. ran: the domain has run, so the boot-module
 * frames it had mapped in place are its RAM and are released with the rest (scrubbed);
 * otherwise (a failed build) they go back to the module pool, intact. */
void dom_build_undo(struct domain *d, bool ran);

#endif
