/* arm64 part of a vCPU: the trap-saved general registers, and the rest of its context that a
 * pCPU loads when it enters the vCPU and drops (saved or not) when it leaves it: FP/SIMD, the
 * EL1 system registers, the virtual timer (vcpu_ctx.c). */
#ifndef TESSERA_ARCH_VCPU_H
#define TESSERA_ARCH_VCPU_H

#include <stdint.h>

struct arm64_regs {
    uint64_t x[31];
    uint64_t elr;
    uint64_t spsr;
    uint64_t pad;
};

/* V0-V31 (two 64-bit halves each, low first), FPSR, FPCR: the layout fpsimd.S uses. */
struct arm64_fpsimd {
    uint64_t v[64];
    uint64_t fpsr;
    uint64_t fpcr;
} __attribute__((aligned(16)));

/* Every EL1 (and EL0) system register a guest can write without a trap, plus its virtual
 * timer. All zero is the state a new vCPU starts with, but for SCTLR_EL1 (its RES1 bits). */
struct arm64_el1 {
    uint64_t sctlr;
    uint64_t cpacr;
    uint64_t ttbr0;
    uint64_t ttbr1;
    uint64_t tcr;
    uint64_t mair;
    uint64_t amair;
    uint64_t vbar;
    uint64_t contextidr;
    uint64_t tpidr_el0;
    uint64_t tpidrro_el0;
    uint64_t tpidr_el1;
    uint64_t sp_el0;
    uint64_t sp_el1;
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
    uint64_t afsr0;
    uint64_t afsr1;
    uint64_t par;
    uint64_t csselr;
    uint64_t cntkctl;
    uint64_t cntv_ctl;
    uint64_t cntv_cval;
};

struct arch_vcpu {
    struct arm64_regs regs;
    struct arm64_fpsimd fp;
    struct arm64_el1 el1;
    uint64_t vmpidr;
    uint64_t hcr;
    uint64_t mdcr;
};

struct arch_domain {
    uint64_t vttbr;
};

#endif
