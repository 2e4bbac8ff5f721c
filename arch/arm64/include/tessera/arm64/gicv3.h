/* The physical GICv3 as the hypervisor drives it (Arm IHI 0069): distributor routing of the
 * SPIs passed through to domains, each CPU's redistributor and EL2 CPU interface, and the
 * virtual CPU interface (ICH_*) whose list registers deliver virtual interrupts. */
#ifndef TESSERA_ARM64_GICV3_H
#define TESSERA_ARM64_GICV3_H

#include <stdbool.h>
#include <stdint.h>
#include <tessera/domain.h>

struct hostdt;
struct vcpu;

/* Distributor registers */
#define GICD_CTLR           0x0000
#define GICD_CTLR_RWP       (1u << 31)
#define GICD_CTLR_ENABLE_G1 (1u << 1)
#define GICD_CTLR_ARE       (1u << 4)
#define GICD_IGROUPR        0x0080
#define GICD_ISENABLER      0x0100
#define GICD_ICENABLER      0x0180
#define GICD_ISPENDR        0x0200
#define GICD_ICPENDR        0x0280
#define GICD_ISACTIVER      0x0300
#define GICD_ICACTIVER      0x0380
#define GICD_IPRIORITYR     0x0400
#define GICD_ICFGR          0x0c00
#define GICD_IROUTER        0x6000
/* Redistributor: RD_base frame, then the SGI_base frame 64 KiB above it */
#define GICR_FRAME_STRIDE          0x20000
#define GICR_WAKER                 0x0014
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_SGI_BASE              0x10000
#define GICR_IGROUPR0              (GICR_SGI_BASE + 0x0080)
#define GICR_ISENABLER0            (GICR_SGI_BASE + 0x0100)
#define GICR_ICENABLER0            (GICR_SGI_BASE + 0x0180)
#define GICR_IPRIORITYR            (GICR_SGI_BASE + 0x0400)
/* ICH_LR<n>_EL2 fields */
#define ICH_LR_STATE_SHIFT    62
#define ICH_LR_STATE_PENDING  (1ull << 62)
#define ICH_LR_STATE_ACTIVE   (2ull << 62)
#define ICH_LR_STATE_MASK     (3ull << 62)
#define ICH_LR_HW             (1ull << 61)
#define ICH_LR_GROUP1         (1ull << 60)
#define ICH_LR_EOI            (1ull << 41) /* software interrupt: maintenance on deactivation */
#define ICH_LR_PRIORITY_SHIFT 48
#define ICH_LR_PINTID_SHIFT   32
#define ICH_LR_PINTID_MASK    (0x1fffull << 32)
#define ICH_LR_VINTID_MASK    0xffffffffull
/* ICH_HCR_EL2 */
#define ICH_HCR_EN   (1ull << 0)
#define ICH_HCR_UIE  (1ull << 1)
#define ICH_HCR_NPIE (1ull << 3)
/* ICH_VTR_EL2.ListRegs: number of list registers - 1 */
#define ICH_VTR_LISTREGS(v) (((v)&0x1f) + 1)
#define ICC_CTLR_EOIMODE    (1ull << 1)
/* ICC_SGI1R_EL1 as EL2 writes it to interrupt another pCPU */
#define ICC_SGI1R_INTID_SHIFT 24
#define ICC_SGI1R_AFF1_SHIFT  16
#define ICC_SGI1R_AFF2_SHIFT  32
#define ICC_SGI1R_AFF3_SHIFT  48

#define GIC_SPI_BASE             32
#define GIC_PASSTHROUGH_PRIORITY 0xa0
#define GIC_HYP_PRIORITY         0x80 /* the hypervisor's own SGI and PPIs */
#define GIC_SGI_KICK             15   /* a pCPU tells another to look at its vCPU's interrupts */
#define GIC_PPI_MAINT            25   /* the maintenance interrupt of the virtual interface */
#define GIC_PPI_VTIMER           27   /* the EL1 virtual timer */

/* Distributor on (boot CPU), then each CPU's redistributor and interfaces (every CPU). */
int arm64_gic_init(const struct hostdt *hd);
void arm64_gic_init_cpu(unsigned cpu);
/* Routes SPI spi to the pCPU of v (left disabled until the guest enables it); its
 * interrupts become v's domain's (HW-linked). */
int arm64_gic_route_spi(unsigned spi, struct vcpu *v);
/* Routes the hypervisor's UART interrupt (an SPI's INTID) to pCPU 0 and enables it: its
 * characters go to the console input. -EINVAL if it is no SPI or a domain owns it. */
int arm64_gic_console_irq(unsigned intid);
/* Takes one pending physical interrupt at EL2 and hands it on; false if none was pending. */
bool arm64_gic_handle_irq(void);
/* True once the GICv3 is set up (arm64_gic_init); without it (a GICv2 board) the ICC_* and
 * ICH_* registers are left alone and guests get no interrupts. */
bool arm64_gic_present(void);
/* Enables or disables a private interrupt (PPI) in this pCPU's redistributor. */
void arm64_gic_ppi_enable(unsigned intid, bool on);
/* Deactivates a physical interrupt the hypervisor acknowledged (EOImode 1). */
void arm64_gic_deactivate(unsigned intid);
/* Sends SGI sgi to pCPU cpu. */
void arm64_gic_send_sgi(unsigned cpu, unsigned sgi);

/* The virtual CPU interface of this pCPU (vgic_lr.c): cleared for a vCPU that starts here, and
 * when one leaves (a physical interrupt a list register still links is deactivated); refilled
 * from v's pending set on every way back into v; the maintenance interrupt. */
void arm64_vgic_load(struct vcpu *v);
void arm64_vgic_unload(void);
void arm64_vgic_flush(struct vcpu *v);
/* The way back into v: its interface is refreshed only when the vGIC flagged it. */
static inline void arm64_vgic_refresh(struct vcpu *v)
{
    if (__atomic_load_n(&v->vgic.attention, __ATOMIC_RELAXED) &&
        __atomic_exchange_n(&v->vgic.attention, 0, __ATOMIC_ACQUIRE)) {
        arm64_vgic_flush(v);
    }
}
void arm64_vgic_maintenance(void);
/* True if a list register of this pCPU holds a pending interrupt. */
bool arm64_vgic_lr_pending(void);

/* The virtual timer (vtimer.c): its PPI fired at EL2; its physical enable follows the guest's
 * virtual one, synced on the vCPU's pCPU. */
void arm64_vtimer_irq(void);
void arm64_vtimer_sync(struct vcpu *v);
/* A vCPU leaves this pCPU: its timer is stopped and its PPI disabled, so nothing fires here
 * for a vCPU that is gone. */
void arm64_vtimer_stop(void);

#endif
