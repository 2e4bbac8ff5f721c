/* The context a pCPU switches with a vCPU (DESIGN.md section 3, "Nothing crosses a pCPU
 * hand-over"): entering a vCPU loads all of it, so a new vCPU starts from reset values, never
 * from what the pCPU's last vCPU left; leaving one saves it, if the vCPU is still the
 * incarnation that ran, and scrubs the registers, so nothing of it stays on the pCPU. The
 * general registers travel in the trap frame (vectors.S); the EL2 controls that differ per
 * vCPU (HCR, VMPIDR, MDCR, CNTVOFF, VTTBR) are written on every entry (vcpu.c). */
#include <tessera/arch.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/arm64/vcpu.h>
#include <tessera/domain.h>
#include <tessera/trace.h>

void arm64_fpsimd_save(struct arm64_fpsimd *to);
void arm64_fpsimd_load(const struct arm64_fpsimd *from);
void arm64_fpsimd_zero(void);

static const struct arm64_el1 ctx_reset = {.sctlr = SCTLR_EL1_RES1};

static void ctx_el1_load(const struct arm64_el1 *c)
{
    sysreg_write(sctlr_el1, c->sctlr);
    sysreg_write(cpacr_el1, c->cpacr);
    sysreg_write(ttbr0_el1, c->ttbr0);
    sysreg_write(ttbr1_el1, c->ttbr1);
    sysreg_write(tcr_el1, c->tcr);
    sysreg_write(mair_el1, c->mair);
    sysreg_write(amair_el1, c->amair);
    sysreg_write(vbar_el1, c->vbar);
    sysreg_write(contextidr_el1, c->contextidr);
    sysreg_write(tpidr_el0, c->tpidr_el0);
    sysreg_write(tpidrro_el0, c->tpidrro_el0);
    sysreg_write(tpidr_el1, c->tpidr_el1);
    sysreg_write(sp_el0, c->sp_el0);
    sysreg_write(sp_el1, c->sp_el1);
    sysreg_write(elr_el1, c->elr);
    sysreg_write(spsr_el1, c->spsr);
    sysreg_write(esr_el1, c->esr);
    sysreg_write(far_el1, c->far);
    sysreg_write(afsr0_el1, c->afsr0);
    sysreg_write(afsr1_el1, c->afsr1);
    sysreg_write(par_el1, c->par);
    sysreg_write(csselr_el1, c->csselr);
    sysreg_write(cntkctl_el1, c->cntkctl);
    /* The compare value first: the timer must not fire on the previous one. */
    sysreg_write(cntv_cval_el0, c->cntv_cval);
    sysreg_write(cntv_ctl_el0, c->cntv_ctl);
}

static void ctx_el1_save(struct arm64_el1 *c)
{
    c->sctlr = sysreg_read(sctlr_el1);
    c->cpacr = sysreg_read(cpacr_el1);
    c->ttbr0 = sysreg_read(ttbr0_el1);
    c->ttbr1 = sysreg_read(ttbr1_el1);
    c->tcr = sysreg_read(tcr_el1);
    c->mair = sysreg_read(mair_el1);
    c->amair = sysreg_read(amair_el1);
    c->vbar = sysreg_read(vbar_el1);
    c->contextidr = sysreg_read(contextidr_el1);
    c->tpidr_el0 = sysreg_read(tpidr_el0);
    c->tpidrro_el0 = sysreg_read(tpidrro_el0);
    c->tpidr_el1 = sysreg_read(tpidr_el1);
    c->sp_el0 = sysreg_read(sp_el0);
    c->sp_el1 = sysreg_read(sp_el1);
    c->elr = sysreg_read(elr_el1);
    c->spsr = sysreg_read(spsr_el1);
    c->esr = sysreg_read(esr_el1);
    c->far = sysreg_read(far_el1);
    c->afsr0 = sysreg_read(afsr0_el1);
    c->afsr1 = sysreg_read(afsr1_el1);
    c->par = sysreg_read(par_el1);
    c->csselr = sysreg_read(csselr_el1);
    c->cntkctl = sysreg_read(cntkctl_el1);
    c->cntv_ctl = sysreg_read(cntv_ctl_el0);
    c->cntv_cval = sysreg_read(cntv_cval_el0);
}

void arm64_vcpu_ctx_load(struct vcpu *v)
{
    TRACE(vcpu_ctx_load, arch_cpu_id(), TRACE_DV(v->dom->id, v->id), !v->entered);
    ctx_el1_load(&v->arch.el1);
    arm64_fpsimd_load(&v->arch.fp);
    isb();
}

void arm64_vcpu_ctx_leave(struct vcpu *v)
{
    /* Re-initialised for a next incarnation while this one still ran here (a restart, a
     * PSCI CPU_ON after CPU_OFF): what is in the registers is no longer its context. */
    bool keep = v->entered;

    if (keep) {
        ctx_el1_save(&v->arch.el1);
        arm64_fpsimd_save(&v->arch.fp);
    }
    ctx_el1_load(&ctx_reset);
    arm64_fpsimd_zero();
    isb();
    TRACE(vcpu_ctx_save, arch_cpu_id(), TRACE_DV(v->dom->id, v->id), keep);
}
