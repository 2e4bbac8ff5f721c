/* Shared between core/vgic.c and core/vgic_mmio.c only: interrupt lookup and the pending-set
 * updates, all called with the domain's vGIC lock held unless said otherwise. */
#ifndef TESSERA_VGIC_PRIV_H
#define TESSERA_VGIC_PRIV_H

#include <tessera/vgic.h>

#define GICD_CTLR_ENABLE_G1 (1u << 1)

/* The state of intid as v sees it, or NULL if v's domain has no such interrupt. */
struct vgic_irq *vgic_irq_of(struct vcpu *v, unsigned intid);
/* The vCPU an interrupt is delivered to: v for its private ones, the routed one for SPIs. */
struct vcpu *vgic_target_of(struct vcpu *v, unsigned intid);
void vgic_pend_locked(struct vcpu *v, unsigned intid, bool hw);
void vgic_unpend_locked(struct vcpu *v, unsigned intid);

#endif
