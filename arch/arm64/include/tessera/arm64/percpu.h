/* Per-pCPU state of the arm64 layer, reached through TPIDR_EL2. */
#ifndef TESSERA_ARM64_PERCPU_H
#define TESSERA_ARM64_PERCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tessera/arch_vcpu.h>
#include <tessera/arm64/asm.h>
#include <tessera/arm64/sysreg.h>

#define ARM64_MAX_CPUS   16
#define ARM64_STACK_SIZE 16384

struct vcpu;

struct arm64_percpu {
    uint64_t stack_top;
    struct arm64_regs *regs; /* register block of the vCPU that runs here (for the vectors) */
    unsigned id;
    uint64_t mpidr;
    struct vcpu *vcpu;
    volatile int online;
    struct vcpu *next;   /* handed over by arch_vcpu_start(), taken by the park loop */
    void (*job)(void *); /* handed over by arch_cpu_call(), run by the park loop */
    void *job_arg;
    bool vtimer_on; /* the virtual timer's PPI is enabled in this pCPU's redistributor */
};

_Static_assert(offsetof(struct arm64_percpu, stack_top) == PERCPU_STACK_TOP, "asm offset");
_Static_assert(offsetof(struct arm64_percpu, regs) == PERCPU_REGS, "asm offset");
_Static_assert(sizeof(struct arm64_regs) == REGS_SIZE, "asm offset");
_Static_assert(offsetof(struct arm64_regs, elr) == REGS_ELR, "asm offset");
_Static_assert(offsetof(struct arm64_regs, spsr) == REGS_SPSR, "asm offset");

extern struct arm64_percpu arm64_percpu[ARM64_MAX_CPUS];
extern struct arm64_percpu *arm64_percpu_ptrs[ARM64_MAX_CPUS];

static inline struct arm64_percpu *this_cpu(void)
{
    return (struct arm64_percpu *)sysreg_read(tpidr_el2);
}

#endif
