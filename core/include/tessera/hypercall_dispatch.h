/* Hypervisor side of the hypercall ABI: the arch trap handler calls hc_dispatch for every
 * HVC in the Tessera service range. */
#ifndef TESSERA_HYPERCALL_DISPATCH_H
#define TESSERA_HYPERCALL_DISPATCH_H

#include <stdint.h>

struct vcpu;

enum hc_result {
    HC_RESUME,    /* return to the caller with the results in regs */
    HC_STOP_VCPU, /* the caller's vCPU does not run again */
};

/* regs: x0-x6 of the caller, results written back in place. */
enum hc_result hc_dispatch(struct vcpu *v, uint64_t *regs);

#endif
