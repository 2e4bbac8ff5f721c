/* The EL1 virtual timer: guests program CNTV_* directly; CNTVOFF_EL2 makes each domain's
 * virtual counter start near 0 at its creation. Its interrupt (PPI 27) reaches EL2, since
 * physical IRQs are routed there: EL2 drops its priority and pends virtual INTID 27, linked
 * (HW) to the physical one, so the guest's deactivation ends both. */
#include <tessera/arch.h>
#include <tessera/arm64/gicv3.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/domain.h>
#include <tessera/trace.h>
#include <tessera/vgic.h>

void arm64_vtimer_irq(void)
{
    struct vcpu *v = this_cpu()->vcpu;

    if (v && vgic_inject(v, GIC_PPI_VTIMER, true)) {
        TRACE(vtimer_fire, TRACE_DV(v->dom->id, v->id), sysreg_read(cntv_cval_el0));
        return;
    }
    /* Nobody to give it to: silence it here until a guest enables it again. */
    this_cpu()->vtimer_on = false;
    arm64_gic_ppi_enable(GIC_PPI_VTIMER, false);
    arm64_gic_deactivate(GIC_PPI_VTIMER);
}

void arm64_vtimer_stop(void)
{
    sysreg_write(cntv_ctl_el0, 0);
    isb();
    this_cpu()->vtimer_on = false;
    arm64_gic_ppi_enable(GIC_PPI_VTIMER, false);
}

void arm64_vtimer_sync(struct vcpu *v)
{
    struct arm64_percpu *cpu = this_cpu();
    bool want = vgic_enabled(v, GIC_PPI_VTIMER);

    if (want != cpu->vtimer_on) {
        cpu->vtimer_on = want;
        arm64_gic_ppi_enable(GIC_PPI_VTIMER, want);
    }
}
