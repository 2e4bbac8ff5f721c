/* arm64 part of a vCPU: the trap-saved general registers and the EL1 system register state
 * that the hypervisor switches on its behalf. */
#ifndef TESSERA_ARCH_VCPU_H
#define TESSERA_ARCH_VCPU_H

#include <stdint.h>

struct arm64_regs {
    uint64_t x[31];
    uint64_t elr;
    uint64_t spsr;
    uint64_t pad;
};

struct arch_vcpu {
    struct arm64_regs regs;
    uint64_t sctlr_el1;
    uint64_t vmpidr;
    uint64_t hcr;
};

struct arch_domain {
    uint64_t vttbr;
};

#endif
