/* The list registers of this pCPU's virtual CPU interface (ICH_*_EL2): filled from the
 * pending set of the vCPU that runs here, highest priority first, on every way back into it.
 * When more is pending than there are list registers, the maintenance interrupt (NPIE: no
 * list register pending any more) brings EL2 back to refill them. A vCPU owns its pCPU's
 * interface while it runs there (one vCPU per pCPU): the interface is cleared when a vCPU
 * leaves and again when one enters, and nothing is saved, since under the null scheduler a
 * vCPU leaves only for good (a scheduler that resumes vCPUs must fold it back into the
 * pending sets). */
#include <tessera/arch.h>
#include <tessera/arm64/gicv3.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/smp.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/domain.h>
#include <tessera/trace.h>
#include <tessera/vgic.h>

#define VGIC_LR_MAX 4 /* the list registers this code drives (QEMU and Cortex-A57 have 4) */

static unsigned vgic_lr_count(void)
{
    unsigned n = ICH_VTR_LISTREGS(sysreg_read(S3_4_C12_C11_1)); /* ICH_VTR_EL2 */
    return n < VGIC_LR_MAX ? n : VGIC_LR_MAX;
}

static uint64_t vgic_lr_read(unsigned n)
{
    switch (n) {
    case 0:
        return sysreg_read(S3_4_C12_C12_0);
    case 1:
        return sysreg_read(S3_4_C12_C12_1);
    case 2:
        return sysreg_read(S3_4_C12_C12_2);
    default:
        return sysreg_read(S3_4_C12_C12_3);
    }
}

static void vgic_lr_write(unsigned n, uint64_t v)
{
    switch (n) {
    case 0:
        sysreg_write(S3_4_C12_C12_0, v);
        break;
    case 1:
        sysreg_write(S3_4_C12_C12_1, v);
        break;
    case 2:
        sysreg_write(S3_4_C12_C12_2, v);
        break;
    default:
        sysreg_write(S3_4_C12_C12_3, v);
        break;
    }
}

void arm64_vgic_unload(void)
{
    if (!arm64_gic_present()) {
        return;
    }
    for (unsigned n = 0; n < vgic_lr_count(); n++) {
        uint64_t lr = vgic_lr_read(n);
        /* A physical interrupt a former vCPU here never deactivated: deactivate it now. */
        if ((lr & ICH_LR_HW) && (lr & ICH_LR_STATE_MASK)) {
            arm64_gic_deactivate((unsigned)((lr & ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT));
        }
        vgic_lr_write(n, 0);
    }
    sysreg_write(S3_4_C12_C8_0, 0);  /* ICH_AP0R0_EL2 */
    sysreg_write(S3_4_C12_C9_0, 0);  /* ICH_AP1R0_EL2 */
    sysreg_write(S3_4_C12_C11_7, 0); /* ICH_VMCR_EL2: the guest enables its interface */
    sysreg_write(S3_4_C12_C11_0, ICH_HCR_EN);
    isb();
}

void arm64_vgic_load(struct vcpu *v)
{
    if (!arm64_gic_present()) {
        return;
    }
    arm64_vgic_unload(); /* whatever a former vCPU (or firmware) left */
    this_cpu()->vtimer_on = false;
    arm64_gic_ppi_enable(GIC_PPI_VTIMER, false);
    vgic_attention(v); /* whatever it had pending gets its first look */
    isb();
}

/* A list register pending intid. An emulated level interrupt asks for the EOI maintenance
 * interrupt, so that its line is looked at again when the guest deactivates it. */
static uint64_t vgic_lr_make(struct vcpu *v, unsigned intid, uint8_t priority, bool hw)
{
    uint64_t lr = ICH_LR_STATE_PENDING | ICH_LR_GROUP1 |
                  ((uint64_t)priority << ICH_LR_PRIORITY_SHIFT) | intid;
    if (hw) {
        lr |= ICH_LR_HW | ((uint64_t)intid << ICH_LR_PINTID_SHIFT);
    } else if (vgic_wants_eoi(v, intid)) {
        lr |= ICH_LR_EOI;
    }
    return lr;
}

/* Puts intid into a list register: merged with the one already holding it (an interrupt
 * must never be in two), else in a free one, else in place of the lowest-priority one that is
 * only pending if intid comes before it (that one goes back to the pending set). False if
 * intid has to wait. */
static bool vgic_lr_place(struct vcpu *v, unsigned intid, uint8_t priority, bool hw)
{
    uint64_t elrsr = sysreg_read(S3_4_C12_C11_5); /* ICH_ELRSR_EL2: empty list registers */
    int free = -1, victim = -1;
    uint64_t victim_lr = 0;

    for (unsigned n = 0; n < vgic_lr_count(); n++) {
        if (elrsr & (1u << n)) {
            free = free < 0 ? (int)n : free;
            continue;
        }
        uint64_t lr = vgic_lr_read(n);
        if ((lr & ICH_LR_VINTID_MASK) != intid) {
            uint8_t p = (uint8_t)(lr >> ICH_LR_PRIORITY_SHIFT);
            if ((lr & ICH_LR_STATE_MASK) == ICH_LR_STATE_PENDING && p > priority &&
                (victim < 0 || p > (uint8_t)(victim_lr >> ICH_LR_PRIORITY_SHIFT))) {
                victim = (int)n;
                victim_lr = lr;
            }
            continue;
        }
        /* Active, not pending: the new instance pends behind it (a software one only; a
         * physical one cannot fire again before the guest deactivated the first, and an
         * emulated level one is looked at again when it is deactivated: its line may fall
         * before, and a pending state left behind would be a spurious interrupt). Already
         * pending: the two are one. */
        if ((lr & ICH_LR_STATE_MASK) == ICH_LR_STATE_ACTIVE && !(lr & (ICH_LR_HW | ICH_LR_EOI))) {
            vgic_lr_write(n, lr | ICH_LR_STATE_PENDING);
        }
        return true;
    }
    if (free < 0 && victim < 0) {
        return false;
    }
    if (free < 0) {
        free = victim;
        vgic_untake(v, (unsigned)(victim_lr & ICH_LR_VINTID_MASK), victim_lr & ICH_LR_HW);
    }
    vgic_lr_write((unsigned)free, vgic_lr_make(v, intid, priority, hw));
    TRACE(vgic_lr, TRACE_DV(v->dom->id, v->id), intid, (unsigned)free | (hw ? 0x100u : 0));
    return true;
}

void arm64_vgic_flush(struct vcpu *v)
{
    unsigned intid;
    uint8_t priority;
    bool hw;

    if (!arm64_gic_present()) {
        return;
    }
    arm64_vtimer_sync(v);
    while (vgic_take(v, &intid, &priority, &hw)) {
        if (!vgic_lr_place(v, intid, priority, hw)) {
            vgic_untake(v, intid, hw);
            TRACE(irq_lr_overflow, TRACE_DV(v->dom->id, v->id), intid);
            /* Back here once the guest has taken what the list registers hold. */
            sysreg_write(S3_4_C12_C11_0, ICH_HCR_EN | ICH_HCR_NPIE);
            break;
        }
    }
    isb();
}

/* The list registers whose interrupt the guest deactivated and that asked for it (ICH_EISR_EL2):
 * emptied, and each interrupt handed to the vGIC, which pends it again if its line is high. */
static void vgic_lr_eoi(struct vcpu *v)
{
    uint64_t eisr = sysreg_read(S3_4_C12_C11_3); /* ICH_EISR_EL2 */

    for (unsigned n = 0; n < vgic_lr_count(); n++) {
        if (eisr & (1u << n)) {
            unsigned intid = (unsigned)(vgic_lr_read(n) & ICH_LR_VINTID_MASK);
            vgic_lr_write(n, 0);
            if (v) {
                TRACE(irq_eoi, TRACE_DV(v->dom->id, v->id), intid);
                vgic_eoi(v, intid);
            }
        }
    }
}

void arm64_vgic_maintenance(void)
{
    struct vcpu *v = this_cpu()->vcpu;

    /* NPIE off and the EOI list registers emptied first: the maintenance interrupt is a level
     * that stays up while either holds. */
    sysreg_write(S3_4_C12_C11_0, ICH_HCR_EN);
    vgic_lr_eoi(v);
    isb();
    if (v) {
        vgic_attention(v);
        TRACE(vgic_maint, TRACE_DV(v->dom->id, v->id), sysreg_read(S3_4_C12_C11_5));
    }
}

bool arm64_vgic_lr_pending(void)
{
    if (!arm64_gic_present()) {
        return false;
    }
    for (unsigned n = 0; n < vgic_lr_count(); n++) {
        if (vgic_lr_read(n) & ICH_LR_STATE_PENDING) {
            return true;
        }
    }
    return false;
}

void arch_vcpu_kick(struct vcpu *v)
{
    unsigned p = v->pcpu;

    if (p >= arm64_smp_cpus() || p == arch_cpu_id()) {
        return; /* not placed, or here: the way back into the guest looks at it */
    }
    /* The pending state v's pCPU will read is written; pairs with arm64_vcpu_run(). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&arm64_percpu_ptrs[p]->vcpu, __ATOMIC_ACQUIRE) == v) {
        arm64_gic_send_sgi(p, GIC_SGI_KICK);
    }
}
