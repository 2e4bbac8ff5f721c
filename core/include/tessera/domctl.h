/* Hypervisor side of the domain control hypercalls (tessera/domctl_abi.h). */
#ifndef TESSERA_DOMCTL_H
#define TESSERA_DOMCTL_H

#include <stdint.h>

struct vcpu;

/* Handles HC_DOMCTL_* for the calling vCPU; regs are x0-x6, results written back. */
void domctl_dispatch(struct vcpu *v, uint64_t *regs);

#endif
