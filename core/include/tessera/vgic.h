/* The virtual GICv3 of a domain (Arm IHI 0069): the distributor and redistributor register
 * model its guest programs through trapped MMIO, and the per-vCPU set of pending virtual
 * interrupts the arch layer moves into list registers. */
#ifndef TESSERA_VGIC_H
#define TESSERA_VGIC_H

#include <stdbool.h>
#include <stdint.h>
#include <tessera/spinlock.h>

#define VGIC_NR_PRIVATE 32  /* SGIs 0-15 and PPIs 16-31, one set per vCPU */
#define VGIC_NR_IRQS    128 /* INTIDs a domain can have: private ones and SPIs 32-127 */
#define VGIC_NR_SPIS    (VGIC_NR_IRQS - VGIC_NR_PRIVATE)
#define VGIC_WORDS      (VGIC_NR_IRQS / 32)
#define VGIC_NR_SGIS    16

/* Guest physical frames (the QEMU virt layout, as the guest device tree states them) */
#define VGIC_GICD_IPA    0x08000000ull
#define VGIC_GICD_SIZE   0x10000ull
#define VGIC_GICR_IPA    0x080a0000ull
#define VGIC_GICR_STRIDE 0x20000ull /* RD_base and SGI_base frames, per vCPU */
#define VGIC_GICR_SGI    0x10000ull

#define VGIC_INTID_MAINT  25 /* the GIC maintenance interrupt (a PPI) */
#define VGIC_INTID_VTIMER 27 /* the EL1 virtual timer's PPI */

/* Per-interrupt state bits (struct vgic_irq.state) */
#define VGIC_ENABLED (1u << 0)
#define VGIC_PENDING (1u << 1) /* latched pending, not yet in a list register */
#define VGIC_ACTIVE  (1u << 2) /* as written through ISACTIVER/ICACTIVER */
#define VGIC_HW      (1u << 3) /* the pending instance came from the physical interrupt */
#define VGIC_EDGE    (1u << 4) /* ICFGR: edge-triggered (clear: level, the reset state) */

struct vcpu;
struct domain;

struct vgic_irq {
    uint8_t priority;
    uint8_t state;
};

/* One vCPU's redistributor and pending set. */
struct vgic_cpu {
    struct vgic_irq priv[VGIC_NR_PRIVATE];
    /* INTIDs pending for this vCPU and not yet in a list register: its private ones and the
     * SPIs routed to it. Read without the lock as a hint only. */
    uint32_t pending[VGIC_WORDS];
    bool asleep;        /* GICR_WAKER.ProcessorSleep */
    uint32_t attention; /* set: something changed its pending set or enables since the last
                         * look (vgic_attention_take), so its vCPU interface needs one */
};

/* A domain's distributor. One lock covers it and every vCPU's vgic_cpu. */
struct vgic_dist {
    struct spinlock lock;
    uint32_t ctlr;
    uint32_t owned[VGIC_WORDS]; /* SPIs the domain owns; the others read as zero */
    uint32_t hw[VGIC_WORDS];    /* ... of which passed through (linked to the physical SPI) */
    uint32_t virt[VGIC_WORDS]; /* ... of which emulated: level-sensitive lines of its own devices */
    uint32_t level[VGIC_WORDS]; /* the line of each emulated SPI: high or low */
    struct vgic_irq spi[VGIC_NR_SPIS];
    uint64_t irouter[VGIC_NR_SPIS];
    uint8_t target[VGIC_NR_SPIS]; /* vCPU an SPI is routed to (from irouter) */
};

/* Guest-visible identification */
#define VGIC_IIDR  0x54000000u /* ProductID 'T', implementer 0: Tessera's own */
#define VGIC_PIDR2 0x3bu       /* ArchRev 3: GICv3 */

/* Resets the distributor and every vCPU's redistributor of d (ownership is kept). */
void vgic_domain_init(struct domain *d);
/* Gives SPI spi (INTID 32 + spi) to d, linked to the physical SPI of the same number, which
 * the arch routes to the pCPU of vCPU 0; -EINVAL beyond the SPIs a domain can have. */
int vgic_assign_spi(struct domain *d, unsigned spi);
/* d stops (shut down, crashed, destroyed): the physical side of each SPI it owns passed through
 * is released (disabled, pending and active state cleared, unrouted: arch_irq_release), so a
 * device that keeps its line asserted reaches no pCPU. Ownership stays with d. Traced as
 * irq_release; a second call does nothing. */
void vgic_domain_stop(struct domain *d);
/* A rebuilt d gets the physical side of its passthrough SPIs back, routed to the pCPU of its
 * vCPU 0 and disabled until the new instance enables them. Traced as irq_assign. */
int vgic_domain_relink(struct domain *d);
/* Gives SPI spi to d as the interrupt of one of its emulated devices: owned, linked to no
 * physical interrupt, level-sensitive, driven by vgic_set_level. Again for the same SPI is a
 * no-op (a restarted domain); -EBUSY if d owns it passed through, -EINVAL beyond the SPIs a
 * domain can have. */
int vgic_assign_virtual_spi(struct domain *d, unsigned spi);
/* The line of an emulated SPI of d (intid) goes high or low. Rising makes it pending on the
 * vCPU it is routed to (and kicks it); falling withdraws it if it is still only in the pending
 * set; a deactivation while it is high makes it pending again (vgic_eoi). False if intid is not
 * one of d's emulated SPIs. */
bool vgic_set_level(struct domain *d, unsigned intid, bool high);
/* True if the guest's deactivation of intid must be reported with vgic_eoi (an emulated
 * level-sensitive SPI): the arch asks for an EOI maintenance interrupt for it. */
bool vgic_wants_eoi(struct vcpu *v, unsigned intid);
/* v deactivated intid (an EOI maintenance interrupt): if it is an emulated SPI whose line is
 * still high, it is pending again. */
void vgic_eoi(struct vcpu *v, unsigned intid);
/* ITLinesNumber of d's GICD_TYPER: covers its highest owned SPI (at least INTIDs 32-63). */
unsigned vgic_it_lines(const struct domain *d);

/* Makes intid pending: a private one on v, an SPI on the vCPU it is routed to (v only names
 * the domain then). hw: the physical interrupt of the same INTID is active and waits for the
 * guest's deactivation. Kicks the target vCPU. False if the domain does not own the SPI. */
bool vgic_inject(struct vcpu *v, unsigned intid, bool hw);
/* Removes and returns the highest-priority (lowest value, then lowest INTID) pending interrupt
 * v may take now: enabled, and the distributor's group 1 on. False if there is none. */
bool vgic_take(struct vcpu *v, unsigned *intid, uint8_t *priority, bool *hw);
/* Puts back an interrupt vgic_take returned and nothing could hold. */
void vgic_untake(struct vcpu *v, unsigned intid, bool hw);
/* True if v has an interrupt vgic_take would return (a WFI wakes). */
bool vgic_has_deliverable(struct vcpu *v);
/* True if v's pending set is not empty (lock-free hint). */
bool vgic_maybe_pending(const struct vcpu *v);
/* Flags that v's vCPU interface must be brought up to date (what vgic_inject and the register
 * writes do for the vCPUs they affect). */
void vgic_attention(struct vcpu *v);
/* True if the guest enabled intid on v (a private interrupt, or an SPI of its domain), read
 * without the lock: a hint the caller acts on again at v's next exit. */
bool vgic_enabled(struct vcpu *v, unsigned intid);

/* A write of the guest to ICC_SGI1R_EL1: pends the SGI on each vCPU of its domain the
 * target list, affinity and IRM select. Returns how many vCPUs it reached. */
unsigned vgic_sgi1r(struct vcpu *v, uint64_t value);

/* Emulates an access to the GICD or one of the GICR frames; false if ipa is outside them. */
bool vgic_mmio(struct vcpu *v, uint64_t ipa, unsigned size, bool write, uint64_t *value);

#endif
