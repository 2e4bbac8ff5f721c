/* arm64 vCPU entry and the idle loop of a pCPU. */
#ifndef TESSERA_ARM64_VCPU_H
#define TESSERA_ARM64_VCPU_H

struct vcpu;

/* Loads v's EL1 and stage-2 state on this pCPU and enters it; never returns. */
void arm64_vcpu_run(struct vcpu *v) __attribute__((noreturn));
/* Resumes the vCPU whose registers this pCPU's percpu block points at (vectors.S). */
void arm64_return_to_guest(void) __attribute__((noreturn));

#endif
