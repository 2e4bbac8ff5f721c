/* Physical GICv3 and the list-register path for passthrough interrupts: an SPI owned by a
 * domain is routed to the pCPU of its vCPU; when it fires, EL2 acknowledges it, drops its
 * priority (EOImode 1) and puts it in a list register with the HW bit, so the guest's own
 * end-of-interrupt deactivates the physical interrupt. Nothing else is emulated yet. */
#include <tessera/arch.h>
#include <tessera/arm64/gicv3.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/smp.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/hostdt.h>
#include <tessera/lib.h>
#include <tessera/trace.h>

#define GIC_MAX_SPIS 988

static volatile uint8_t *gicd, *gicr;
static struct vcpu *gic_owner[GIC_MAX_SPIS]; /* vCPU an SPI belongs to, NULL: nobody */

static inline void gicd_write32(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(gicd + off) = v;
}

static inline uint32_t gicd_read32(unsigned off)
{
    return *(volatile uint32_t *)(gicd + off);
}

static void gicd_wait_rwp(void)
{
    while (gicd_read32(GICD_CTLR) & GICD_CTLR_RWP) {
    }
}

int arm64_gic_init(const struct hostdt *hd)
{
    if (hd->gic.version != 3 || !hd->gic.dist.base || !hd->gic.redist.base) {
        return -ENODEV;
    }
    gicd = (volatile uint8_t *)(uintptr_t)hd->gic.dist.base;
    gicr = (volatile uint8_t *)(uintptr_t)hd->gic.redist.base;
    gicd_write32(GICD_CTLR, 0);
    gicd_wait_rwp();
    gicd_write32(GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
    gicd_wait_rwp();
    return 0;
}

void arm64_gic_init_cpu(unsigned cpu)
{
    if (!gicr) {
        return;
    }
    volatile uint32_t *waker = (volatile uint32_t *)(gicr + cpu * GICR_FRAME_STRIDE + GICR_WAKER);
    *waker &= ~GICR_WAKER_PROCESSOR_SLEEP;
    while (*waker & GICR_WAKER_CHILDREN_ASLEEP) {
    }
    sysreg_write(S3_0_C4_C6_0, 0xff);               /* ICC_PMR_EL1: let everything in */
    sysreg_write(S3_0_C12_C12_4, ICC_CTLR_EOIMODE); /* ICC_CTLR_EL1: EOI drops priority only */
    sysreg_write(S3_0_C12_C12_7, 1);                /* ICC_IGRPEN1_EL1 */
    sysreg_write(S3_4_C12_C11_0, ICH_HCR_EN);       /* ICH_HCR_EL2: virtual interface on */
    isb();
}

int arm64_gic_route_spi(unsigned spi, struct vcpu *v)
{
    unsigned intid = GIC_SPI_BASE + spi, bit = intid % 32;

    if (!gicd || spi >= GIC_MAX_SPIS || v->pcpu >= arm64_smp_cpus()) {
        return -EINVAL;
    }
    if (gic_owner[spi]) {
        return -EBUSY;
    }
    gic_owner[spi] = v;
    gicd_write32(GICD_IGROUPR + 4 * (intid / 32),
                 gicd_read32(GICD_IGROUPR + 4 * (intid / 32)) | (1u << bit));
    *(volatile uint8_t *)(gicd + GICD_IPRIORITYR + intid) = GIC_PASSTHROUGH_PRIORITY;
    *(volatile uint64_t *)(gicd + GICD_IROUTER + 8 * intid) =
        arm64_percpu_ptrs[v->pcpu]->mpidr & 0xff00ffffffull;
    gicd_write32(GICD_ISENABLER + 4 * (intid / 32), 1u << bit);
    hyp_printf("dom %s owns SPI %u (INTID %u), routed to pCPU %u", v->dom->name, spi, intid,
               v->pcpu);
    return 0;
}

/* A free list register (ICH_ELRSR_EL2 marks the empty ones), or -1. */
static int gic_free_lr(void)
{
    uint64_t elrsr = sysreg_read(S3_4_C12_C11_5);
    for (int i = 0; i < 4; i++) {
        if (elrsr & (1u << i)) {
            return i;
        }
    }
    return -1;
}

static void gic_write_lr(int n, uint64_t v)
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

void arm64_gic_handle_irq(void)
{
    uint64_t intid = sysreg_read(S3_0_C12_C12_0) & 0xffffff; /* ICC_IAR1_EL1 */
    struct vcpu *v = intid >= GIC_SPI_BASE && intid < GIC_SPI_BASE + GIC_MAX_SPIS
                         ? gic_owner[intid - GIC_SPI_BASE]
                         : NULL;

    if (intid >= 1020) {
        return; /* spurious */
    }
    TRACE(irq_phys, intid);
    sysreg_write(S3_0_C12_C12_1, intid); /* ICC_EOIR1_EL1: priority drop; still active */
    int lr = v && v == this_cpu()->vcpu ? gic_free_lr() : -1;
    if (lr < 0) {
        /* Nobody to give it to here (or no list register): deactivate it and say so. */
        sysreg_write(S3_0_C12_C11_1, intid); /* ICC_DIR_EL1 */
        hyp_printf("cpu %u: interrupt %llu %s", arch_cpu_id(), (unsigned long long)intid,
                   v ? "dropped: no free list register" : "belongs to no running domain");
        if (v) {
            TRACE(irq_lr_overflow, TRACE_DV(v->dom->id, v->id), 1);
        }
        return;
    }
    gic_write_lr(lr, ICH_LR_STATE_PENDING | ICH_LR_HW | ICH_LR_GROUP1 |
                         ((uint64_t)GIC_PASSTHROUGH_PRIORITY << ICH_LR_PRIORITY_SHIFT) |
                         (intid << ICH_LR_PINTID_SHIFT) | intid);
    TRACE(irq_inject, TRACE_DV(v->dom->id, v->id), intid);
}

int arch_irq_assign(unsigned spi, struct vcpu *v)
{
    return arm64_gic_route_spi(spi, v);
}
