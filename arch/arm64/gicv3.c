/* Physical GICv3: the distributor and each pCPU's redistributor and EL2 CPU interface. An
 * SPI owned by a domain is routed to the pCPU of its vCPU and enabled while the guest has it
 * enabled; when it fires, EL2 acknowledges it, drops its priority (EOImode 1) and makes it
 * pending in the domain's vGIC, which puts it in a list register with the HW bit, so the
 * guest's own end-of-interrupt deactivates the physical interrupt. When the domain stops, its
 * SPIs are released (disabled, cleared, owned by nobody) until a rebuilt instance gets them.
 * The hypervisor's own interrupts are one SGI (the kick), the maintenance and virtual timer
 * PPIs, and its UART's SPI (console input, on pCPU 0). */
#include <tessera/arch.h>
#include <tessera/arm64/gicv3.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/pl011.h>
#include <tessera/arm64/smp.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/hostdt.h>
#include <tessera/lib.h>
#include <tessera/trace.h>
#include <tessera/vgic.h>

#define GIC_MAX_SPIS 988

static volatile uint8_t *gicd, *gicr;
static struct vcpu *gic_owner[GIC_MAX_SPIS]; /* vCPU an SPI is routed to, NULL: nobody */
static unsigned gic_console_intid;           /* the hypervisor's UART, 0: none */

static inline void gicd_write32(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(gicd + off) = v;
}

static inline uint32_t gicd_read32(unsigned off)
{
    return *(volatile uint32_t *)(gicd + off);
}

static volatile uint32_t *gicr_reg(unsigned cpu, unsigned off)
{
    return (volatile uint32_t *)(gicr + cpu * GICR_FRAME_STRIDE + off);
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
    static const unsigned own[] = {GIC_SGI_KICK, GIC_PPI_MAINT, GIC_PPI_VTIMER};

    if (!gicr) {
        return;
    }
    volatile uint32_t *waker = gicr_reg(cpu, GICR_WAKER);
    *waker &= ~GICR_WAKER_PROCESSOR_SLEEP;
    while (*waker & GICR_WAKER_CHILDREN_ASLEEP) {
    }
    for (unsigned i = 0; i < ARRAY_SIZE(own); i++) {
        *gicr_reg(cpu, GICR_IGROUPR0) |= 1u << own[i];
        *((volatile uint8_t *)gicr_reg(cpu, GICR_IPRIORITYR) + own[i]) = GIC_HYP_PRIORITY;
    }
    /* The virtual timer's PPI is enabled only while the guest here has it enabled. */
    *gicr_reg(cpu, GICR_ICENABLER0) = 1u << GIC_PPI_VTIMER;
    *gicr_reg(cpu, GICR_ISENABLER0) = (1u << GIC_SGI_KICK) | (1u << GIC_PPI_MAINT);
    sysreg_write(S3_0_C4_C6_0, 0xff);               /* ICC_PMR_EL1: let everything in */
    sysreg_write(S3_0_C12_C12_4, ICC_CTLR_EOIMODE); /* ICC_CTLR_EL1: EOI drops priority only */
    sysreg_write(S3_0_C12_C12_7, 1);                /* ICC_IGRPEN1_EL1 */
    sysreg_write(S3_4_C12_C11_0, ICH_HCR_EN);       /* ICH_HCR_EL2: virtual interface on */
    isb();
}

bool arm64_gic_present(void)
{
    return gicd != NULL;
}

void arm64_gic_ppi_enable(unsigned intid, bool on)
{
    if (gicr) {
        *gicr_reg(arch_cpu_id(), on ? GICR_ISENABLER0 : GICR_ICENABLER0) = 1u << intid;
    }
}

void arm64_gic_deactivate(unsigned intid)
{
    sysreg_write(S3_0_C12_C11_1, intid); /* ICC_DIR_EL1 */
}

void arm64_gic_send_sgi(unsigned cpu, unsigned sgi)
{
    uint64_t mpidr = arm64_percpu_ptrs[cpu]->mpidr;

    if (!gicd) {
        return;
    }
    uint64_t v = ((uint64_t)sgi << ICC_SGI1R_INTID_SHIFT) |
                 (((mpidr >> 8) & 0xff) << ICC_SGI1R_AFF1_SHIFT) |
                 (((mpidr >> 16) & 0xff) << ICC_SGI1R_AFF2_SHIFT) |
                 (((mpidr >> 32) & 0xff) << ICC_SGI1R_AFF3_SHIFT) | (1u << (mpidr & 0xf));

    __asm__ volatile("dsb ishst" ::: "memory"); /* what the target will read is visible */
    sysreg_write(S3_0_C12_C11_5, v);            /* ICC_SGI1R_EL1 */
    isb();
}

static void gic_spi_write_route(unsigned spi, struct vcpu *v)
{
    unsigned intid = GIC_SPI_BASE + spi;
    *(volatile uint64_t *)(gicd + GICD_IROUTER + 8 * intid) =
        arm64_percpu_ptrs[v->pcpu]->mpidr & 0xff00ffffffull;
}

int arm64_gic_route_spi(unsigned spi, struct vcpu *v)
{
    unsigned intid = GIC_SPI_BASE + spi, bit = intid % 32;

    if (!gicd || spi >= GIC_MAX_SPIS || v->pcpu >= arm64_smp_cpus()) {
        return -EINVAL;
    }
    if (gic_owner[spi] || intid == gic_console_intid) {
        return -EBUSY;
    }
    gic_owner[spi] = v;
    gicd_write32(GICD_ICENABLER + 4 * (intid / 32), 1u << bit);
    gicd_write32(GICD_IGROUPR + 4 * (intid / 32),
                 gicd_read32(GICD_IGROUPR + 4 * (intid / 32)) | (1u << bit));
    *(volatile uint8_t *)(gicd + GICD_IPRIORITYR + intid) = GIC_PASSTHROUGH_PRIORITY;
    gic_spi_write_route(spi, v);
    hyp_printf("dom %s owns SPI %u (INTID %u), routed to pCPU %u", v->dom->name, spi, intid,
               v->pcpu);
    return 0;
}

int arch_irq_assign(unsigned spi, struct vcpu *v)
{
    return arm64_gic_route_spi(spi, v);
}

void arch_irq_set_enabled(unsigned spi, bool on)
{
    unsigned intid = GIC_SPI_BASE + spi;

    if (gicd && spi < GIC_MAX_SPIS && gic_owner[spi]) {
        gicd_write32((on ? GICD_ISENABLER : GICD_ICENABLER) + 4 * (intid / 32), 1u << (intid % 32));
    }
}

int arch_irq_release(unsigned spi, const struct domain *d)
{
    unsigned intid = GIC_SPI_BASE + spi, reg = 4 * (intid / 32);
    uint32_t bit = 1u << (intid % 32);
    struct vcpu *v = spi < GIC_MAX_SPIS ? __atomic_load_n(&gic_owner[spi], __ATOMIC_ACQUIRE) : NULL;
    int state;

    if (!gicd || !v || v->dom != d) {
        return -ENOENT;
    }
    state = (gicd_read32(GICD_ISENABLER + reg) & bit ? ARCH_IRQ_WAS_ENABLED : 0) |
            (gicd_read32(GICD_ISPENDR + reg) & bit ? ARCH_IRQ_WAS_PENDING : 0) |
            (gicd_read32(GICD_ISACTIVER + reg) & bit ? ARCH_IRQ_WAS_ACTIVE : 0);
    gicd_write32(GICD_ICENABLER + reg, bit);
    gicd_wait_rwp(); /* the disable has reached every CPU interface */
    gicd_write32(GICD_ICPENDR + reg, bit);
    gicd_write32(GICD_ICACTIVER + reg, bit);
    /* Routed nowhere a guest runs: to the boot pCPU, where it can no longer fire. */
    *(volatile uint64_t *)(gicd + GICD_IROUTER + 8 * intid) =
        arm64_percpu_ptrs[0]->mpidr & 0xff00ffffffull;
    __atomic_store_n(&gic_owner[spi], NULL, __ATOMIC_RELEASE);
    return state;
}

int arch_irq_route(unsigned spi, struct vcpu *v)
{
    if (!gicd || spi >= GIC_MAX_SPIS || !gic_owner[spi] || v->pcpu >= arm64_smp_cpus()) {
        return -EINVAL;
    }
    __atomic_store_n(&gic_owner[spi], v, __ATOMIC_RELEASE);
    gic_spi_write_route(spi, v);
    return 0;
}

int arm64_gic_console_irq(unsigned intid)
{
    unsigned bit = intid % 32;

    if (!gicd || intid < GIC_SPI_BASE || intid - GIC_SPI_BASE >= GIC_MAX_SPIS ||
        gic_owner[intid - GIC_SPI_BASE]) {
        return -EINVAL;
    }
    gic_console_intid = intid;
    gicd_write32(GICD_IGROUPR + 4 * (intid / 32),
                 gicd_read32(GICD_IGROUPR + 4 * (intid / 32)) | (1u << bit));
    *(volatile uint8_t *)(gicd + GICD_IPRIORITYR + intid) = GIC_HYP_PRIORITY;
    *(volatile uint64_t *)(gicd + GICD_IROUTER + 8 * intid) =
        arm64_percpu_ptrs[0]->mpidr & 0xff00ffffffull;
    gicd_write32(GICD_ISENABLER + 4 * (intid / 32), 1u << bit);
    return 0;
}

/* A passthrough SPI fired: pending in its domain's vGIC, or deactivated if nobody runs it. */
static void gic_spi(unsigned intid)
{
    struct vcpu *v = intid - GIC_SPI_BASE < GIC_MAX_SPIS
                         ? __atomic_load_n(&gic_owner[intid - GIC_SPI_BASE], __ATOMIC_ACQUIRE)
                         : NULL;

    if (v && v->dom->state == DOM_RUNNING && vgic_inject(v, intid, true)) {
        return; /* stays active until the guest deactivates it */
    }
    arm64_gic_deactivate(intid);
    hyp_printf("cpu %u: interrupt %u belongs to no running domain", arch_cpu_id(), intid);
}

bool arm64_gic_handle_irq(void)
{
    if (!gicd) {
        return false; /* no GICv3: its system registers would not even exist */
    }
    unsigned intid = (unsigned)(sysreg_read(S3_0_C12_C12_0) & 0xffffff); /* ICC_IAR1_EL1 */

    if (intid >= 1020) {
        return false; /* spurious: nothing pending */
    }
    TRACE(irq_phys, intid);
    sysreg_write(S3_0_C12_C12_1, intid); /* ICC_EOIR1_EL1: priority drop; still active */
    switch (intid) {
    case GIC_SGI_KICK:
        /* Nothing to do here: the way back into the guest refills its list registers. */
        arm64_gic_deactivate(intid);
        break;
    case GIC_PPI_MAINT:
        arm64_vgic_maintenance();
        arm64_gic_deactivate(intid);
        break;
    case GIC_PPI_VTIMER:
        arm64_vtimer_irq();
        break;
    default:
        if (intid == gic_console_intid) {
            pl011_rx_irq();
            arm64_gic_deactivate(intid);
        } else if (intid >= GIC_SPI_BASE) {
            gic_spi(intid);
        } else {
            arm64_gic_deactivate(intid);
        }
        break;
    }
    return true;
}
