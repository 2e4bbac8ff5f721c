/* arm64 vCPU entry, its context switch and the idle loop of a pCPU. */
#ifndef TESSERA_ARM64_VCPU_H
#define TESSERA_ARM64_VCPU_H

struct vcpu;

/* Loads v's EL1 and stage-2 state on this pCPU and enters it; never returns. */
void arm64_vcpu_run(struct vcpu *v) __attribute__((noreturn));
/* Resumes the vCPU whose registers this pCPU's percpu block points at (vectors.S). */
void arm64_return_to_guest(void) __attribute__((noreturn));

/* vcpu_ctx.c: every FP/SIMD and EL1 register of v (and its virtual timer) from v->arch into
 * this pCPU's registers; a vCPU never entered gets its reset values. */
void arm64_vcpu_ctx_load(struct vcpu *v);
/* v leaves this pCPU: its registers saved into v->arch (unless v was re-initialised for a
 * next incarnation meanwhile), then set to reset values, so the pCPU keeps nothing of it. */
void arm64_vcpu_ctx_leave(struct vcpu *v);

#endif
