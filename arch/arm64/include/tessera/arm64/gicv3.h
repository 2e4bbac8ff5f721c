/* The physical GICv3 as the hypervisor drives it (Arm IHI 0069): distributor routing of the
 * SPIs passed through to domains, each CPU's redistributor and EL2 CPU interface, and the
 * virtual CPU interface list registers that deliver those SPIs to the owning vCPU. */
#ifndef TESSERA_ARM64_GICV3_H
#define TESSERA_ARM64_GICV3_H

#include <stdbool.h>
#include <stdint.h>

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
#define GICD_IPRIORITYR     0x0400
#define GICD_ICFGR          0x0c00
#define GICD_IROUTER        0x6000
/* Redistributor (RD_base frame) */
#define GICR_FRAME_STRIDE          0x20000
#define GICR_WAKER                 0x0014
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
/* ICH_LR<n>_EL2 fields */
#define ICH_LR_STATE_PENDING  (1ull << 62)
#define ICH_LR_HW             (1ull << 61)
#define ICH_LR_GROUP1         (1ull << 60)
#define ICH_LR_PRIORITY_SHIFT 48
#define ICH_LR_PINTID_SHIFT   32
#define ICH_HCR_EN            (1ull << 0)
#define ICC_CTLR_EOIMODE      (1ull << 1)

#define GIC_SPI_BASE             32
#define GIC_PASSTHROUGH_PRIORITY 0xa0

/* Distributor on (boot CPU), then each CPU's redistributor and interfaces (every CPU). */
int arm64_gic_init(const struct hostdt *hd);
void arm64_gic_init_cpu(unsigned cpu);
/* Routes SPI spi to the pCPU of v and enables it; its interrupts become v's (HW-linked). */
int arm64_gic_route_spi(unsigned spi, struct vcpu *v);
/* A physical interrupt taken at EL2: handed to the vCPU it belongs to. */
void arm64_gic_handle_irq(void);

#endif
