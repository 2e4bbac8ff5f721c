/* Internal interface between the domain lifecycle (domain.c) and the builder (dom_build.c). */
#ifndef TESSERA_DOM_BUILD_H
#define TESSERA_DOM_BUILD_H

#include <tessera/domain.h>

/* Memory, stage-2, contents and vCPUs of d from s. */
int dom_build(struct domain *d, const struct dom_spec *s);
/* Releases whatever a failed dom_build took (module frames go back to the module pool). */
void dom_build_undo(struct domain *d);

#endif
