/* The GICv3 register interface a domain sees (IHI 0069, chapter 12): its distributor (GICD)
 * and one redistributor frame pair (RD_base, SGI_base) per vCPU, emulated on trapped
 * accesses. Affinity routing is always on, every interrupt is Non-secure Group 1 (IGROUPR
 * reads as ones), there are no LPIs; what is not listed below reads as zero and ignores
 * writes, as do the SPIs the domain does not own. */
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/trace.h>
#include <tessera/vgic.h>

#include "vgic_priv.h"

/* Distributor (12.9) */
#define GICD_CTLR       0x0000
#define GICD_TYPER      0x0004
#define GICD_IIDR       0x0008
#define GICD_BITS       0x0080 /* IGROUPR .. ICACTIVER: seven banks of 0x80 bytes */
#define GICD_BITS_END   0x0400
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR      0x0c00
#define GICD_ICFGR_END  0x0d00
#define GICD_IROUTER    0x6000
#define GICD_PIDR2      0xffe8

#define GICD_CTLR_ENABLE_G0 (1u << 0)
#define GICD_CTLR_ARE       (1u << 4)
#define GICD_CTLR_DS        (1u << 6)
#define GICD_TYPER_IDBITS   (9u << 19)      /* 10 INTID bits */
#define GICD_TYPER_NO1N     (1u << 25)      /* 1 of N routing is not offered */
#define GICD_IROUTER_MASK   0xff80ffffffull /* Aff3, IRM, Aff2, Aff1, Aff0 */
#define GICD_IROUTER_IRM    (1ull << 31)

/* Redistributor, RD_base frame (12.11) */
#define GICR_CTLR             0x0000
#define GICR_IIDR             0x0004
#define GICR_TYPER            0x0008
#define GICR_WAKER            0x0014
#define GICR_PIDR2            0xffe8
#define GICR_TYPER_LAST       (1ull << 4)
#define GICR_TYPER_PROC_SHIFT 8
#define GICR_TYPER_AFF_SHIFT  32
#define GICR_WAKER_PS         (1u << 1) /* ProcessorSleep */
#define GICR_WAKER_CA         (1u << 2) /* ChildrenAsleep */
/* ... SGI_base frame: the bank-0 copies of the distributor's registers */
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04

enum vgic_bank {
    BANK_GROUP,
    BANK_SENABLE,
    BANK_CENABLE,
    BANK_SPEND,
    BANK_CPEND,
    BANK_SACTIVE,
    BANK_CACTIVE
};

/* One access being emulated. */
struct vgic_access {
    struct vcpu *v;  /* the vCPU that accesses */
    struct vcpu *rd; /* the redistributor's vCPU (private interrupts), NULL for the GICD */
    bool write;
    unsigned size;
    uint64_t *value;
    uint32_t kick; /* vCPUs (bit per index) to make look at their pending sets */
};

static struct vgic_irq *vgic_acc_irq(struct vgic_access *a, unsigned intid)
{
    if (intid < VGIC_NR_PRIVATE) {
        return a->rd ? &a->rd->vgic.priv[intid] : NULL;
    }
    return a->rd ? NULL : vgic_irq_of(a->v, intid);
}

/* The vCPU whose view intid is looked up in: the redistributor's for private interrupts. */
static struct vcpu *vgic_acc_vcpu(struct vgic_access *a)
{
    return a->rd ? a->rd : a->v;
}

static bool vgic_is_hw_spi(struct domain *d, unsigned intid)
{
    return intid >= VGIC_NR_PRIVATE && (d->vgic.hw[intid / 32] & (1u << (intid % 32)));
}

static void vgic_bank_set(struct vgic_access *a, enum vgic_bank bank, unsigned intid)
{
    struct vcpu *v = vgic_acc_vcpu(a);
    struct vgic_irq *irq = vgic_acc_irq(a, intid);
    struct vcpu *t = vgic_target_of(v, intid);
    bool hw = vgic_is_hw_spi(v->dom, intid);

    switch (bank) {
    case BANK_SENABLE:
        irq->state |= VGIC_ENABLED;
        if (hw) {
            arch_irq_set_enabled(intid - VGIC_NR_PRIVATE, true);
            TRACE(irq_enable, v->dom->id, intid, 1);
        }
        a->kick |= 1u << t->id;
        break;
    case BANK_CENABLE:
        irq->state &= (uint8_t)~VGIC_ENABLED;
        if (hw) {
            arch_irq_set_enabled(intid - VGIC_NR_PRIVATE, false);
            TRACE(irq_enable, v->dom->id, intid, 0);
        }
        a->kick |= 1u << t->id;
        break;
    case BANK_SPEND:
        vgic_pend_locked(v, intid, false);
        a->kick |= 1u << t->id;
        break;
    case BANK_CPEND:
        vgic_unpend_locked(v, intid);
        break;
    case BANK_SACTIVE:
        irq->state |= VGIC_ACTIVE;
        break;
    case BANK_CACTIVE:
        irq->state &= (uint8_t)~VGIC_ACTIVE;
        break;
    default:
        break; /* IGROUPR: every interrupt is Group 1 */
    }
}

/* IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER: a bit per interrupt from base. */
static void vgic_bank(struct vgic_access *a, enum vgic_bank bank, unsigned base)
{
    static const uint8_t bit[] = {
        0, VGIC_ENABLED, VGIC_ENABLED, VGIC_PENDING, VGIC_PENDING, VGIC_ACTIVE, VGIC_ACTIVE};
    uint32_t r = 0;

    for (unsigned i = 0; i < 32; i++) {
        struct vgic_irq *irq = vgic_acc_irq(a, base + i);
        if (!irq) {
            continue;
        }
        if (!a->write && (bank == BANK_GROUP || (irq->state & bit[bank]))) {
            r |= 1u << i;
        } else if (a->write && (*a->value & (1u << i))) {
            vgic_bank_set(a, bank, base + i);
        }
    }
    if (!a->write) {
        *a->value = r;
    }
}

/* IPRIORITYR: a byte per interrupt; 5 priority bits, as the virtual CPU interface has. */
static void vgic_priority(struct vgic_access *a, unsigned intid)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < a->size; i++) {
        struct vgic_irq *irq = vgic_acc_irq(a, intid + i);
        if (irq && a->write) {
            irq->priority = (uint8_t)(*a->value >> (8 * i)) & 0xf8;
        } else if (irq) {
            r |= (uint64_t)irq->priority << (8 * i);
        }
    }
    if (!a->write) {
        *a->value = r;
    }
}

/* ICFGR: two bits per interrupt, the upper one set for edge-triggered. SGIs are always edge,
 * PPIs always level; SPIs are what the guest says. */
static void vgic_config(struct vgic_access *a, unsigned base)
{
    uint32_t r = 0;

    for (unsigned i = 0; i < 16; i++) {
        unsigned intid = base + i;
        struct vgic_irq *irq = vgic_acc_irq(a, intid);
        if (!irq) {
            continue;
        }
        if (a->write && intid >= VGIC_NR_PRIVATE) {
            bool edge = *a->value & (2u << (2 * i));
            irq->state = (uint8_t)((irq->state & ~VGIC_EDGE) | (edge ? VGIC_EDGE : 0));
        } else if ((irq->state & VGIC_EDGE) || intid < VGIC_NR_SGIS) {
            r |= 2u << (2 * i);
        }
    }
    if (!a->write) {
        *a->value = r;
    }
}

/* IROUTER<n>: an SPI goes to the vCPU whose affinity it names (Aff0 = vCPU index); an
 * affinity no vCPU has, or IRM (any PE), routes it to vCPU 0. */
static void vgic_route(struct vgic_access *a, unsigned intid, unsigned half)
{
    struct domain *d = a->v->dom;
    unsigned n = intid - VGIC_NR_PRIVATE;
    uint64_t cur = d->vgic.irouter[n], shift = 32 * half;
    uint64_t mask = a->size == 8 ? ~0ull : 0xffffffffull << shift;

    if (!a->write) {
        *a->value = cur >> shift;
        return;
    }
    cur = ((cur & ~mask) | ((*a->value << shift) & mask)) & GICD_IROUTER_MASK;
    d->vgic.irouter[n] = cur;
    unsigned to = (cur & ~0xffull & ~GICD_IROUTER_IRM) == 0 && (cur & 0xff) < d->vcpu_count
                      ? (unsigned)(cur & 0xff)
                      : 0;
    if (to == d->vgic.target[n]) {
        return;
    }
    bool pending = d->vgic.spi[n].state & VGIC_PENDING, hw = d->vgic.spi[n].state & VGIC_HW;
    if (pending) {
        vgic_unpend_locked(a->v, intid);
    }
    d->vgic.target[n] = (uint8_t)to;
    if (pending) {
        vgic_pend_locked(a->v, intid, hw);
        a->kick |= 1u << to;
    }
    if (vgic_is_hw_spi(d, intid)) {
        arch_irq_route(n, &d->vcpu[to]);
    }
}

static void vgic_rw32(struct vgic_access *a, uint32_t *reg, uint32_t writable)
{
    if (a->write) {
        *reg = (*reg & ~writable) | ((uint32_t)*a->value & writable);
    } else {
        *a->value = *reg;
    }
}

static void vgic_ro(struct vgic_access *a, uint64_t v)
{
    if (!a->write) {
        *a->value = v;
    }
}

static void vgic_dist(struct vgic_access *a, uint64_t off)
{
    struct domain *d = a->v->dom;

    if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + VGIC_NR_IRQS &&
        (a->size == 1 || a->size == 4)) {
        vgic_priority(a, (unsigned)(off - GICD_IPRIORITYR));
    } else if (off >= GICD_IROUTER + 8 * VGIC_NR_PRIVATE && off < GICD_IROUTER + 8 * VGIC_NR_IRQS &&
               (a->size == 8 || a->size == 4) &&
               vgic_irq_of(a->v, (unsigned)(off - GICD_IROUTER) / 8)) {
        vgic_route(a, (unsigned)(off - GICD_IROUTER) / 8, (off & 4) ? 1 : 0);
    } else if (a->size != 4) {
        vgic_ro(a, 0);
    } else if (off >= GICD_BITS && off < GICD_BITS_END) {
        unsigned n = (unsigned)(off & 0x7f) / 4;
        if (n > 0) {
            vgic_bank(a, (enum vgic_bank)((off - GICD_BITS) / 0x80), 32 * n);
        } else {
            vgic_ro(a, 0); /* bank 0 lives in the redistributors (affinity routing) */
        }
    } else if (off >= GICD_ICFGR + 8 && off < GICD_ICFGR_END) {
        vgic_config(a, 16 * (unsigned)((off - GICD_ICFGR) / 4));
    } else if (off == GICD_CTLR) {
        bool was_on = d->vgic.ctlr & GICD_CTLR_ENABLE_G1;
        vgic_rw32(a, &d->vgic.ctlr, GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
        if (!a->write) {
            *a->value |= GICD_CTLR_ARE | GICD_CTLR_DS;
        } else if (!was_on && (d->vgic.ctlr & GICD_CTLR_ENABLE_G1)) {
            a->kick = ~0u; /* whatever was pending may go now */
        }
    } else if (off == GICD_TYPER) {
        vgic_ro(a, GICD_TYPER_NO1N | GICD_TYPER_IDBITS | vgic_it_lines(d));
    } else if (off == GICD_IIDR) {
        vgic_ro(a, VGIC_IIDR);
    } else if (off == GICD_PIDR2) {
        vgic_ro(a, VGIC_PIDR2);
    } else {
        vgic_ro(a, 0);
    }
}

static void vgic_rd(struct vgic_access *a, uint64_t off)
{
    struct vcpu *rd = a->rd;
    uint64_t typer = ((uint64_t)rd->id << GICR_TYPER_AFF_SHIFT) |
                     ((uint64_t)rd->id << GICR_TYPER_PROC_SHIFT) |
                     (rd->id + 1 == rd->dom->vcpu_count ? GICR_TYPER_LAST : 0);

    if ((off == GICR_TYPER && (a->size == 8 || a->size == 4)) ||
        (off == GICR_TYPER + 4 && a->size == 4)) {
        vgic_ro(a, typer >> (off == GICR_TYPER ? 0 : 32));
    } else if (a->size != 4) {
        vgic_ro(a, 0);
    } else if (off == GICR_WAKER) {
        /* No children to put to sleep: ChildrenAsleep follows ProcessorSleep at once. */
        if (a->write) {
            rd->vgic.asleep = *a->value & GICR_WAKER_PS;
        } else {
            *a->value = rd->vgic.asleep ? GICR_WAKER_PS | GICR_WAKER_CA : 0;
        }
    } else if (off == GICR_IIDR) {
        vgic_ro(a, VGIC_IIDR);
    } else if (off == GICR_PIDR2) {
        vgic_ro(a, VGIC_PIDR2);
    } else {
        vgic_ro(a, 0); /* CTLR (no LPIs, RWP never set) and the rest */
    }
}

static void vgic_sgi_frame(struct vgic_access *a, uint64_t off)
{
    if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + VGIC_NR_PRIVATE &&
        (a->size == 1 || a->size == 4)) {
        vgic_priority(a, (unsigned)(off - GICD_IPRIORITYR));
    } else if (a->size != 4) {
        vgic_ro(a, 0);
    } else if (off >= GICD_BITS && off < GICD_BITS_END && (off & 0x7f) == 0) {
        vgic_bank(a, (enum vgic_bank)((off - GICD_BITS) / 0x80), 0);
    } else if (off == GICR_ICFGR0 || off == GICR_ICFGR1) {
        vgic_config(a, off == GICR_ICFGR0 ? 0 : 16);
    } else {
        vgic_ro(a, 0);
    }
}

bool vgic_mmio(struct vcpu *v, uint64_t ipa, unsigned size, bool write, uint64_t *value)
{
    struct domain *d = v->dom;
    struct vgic_access a = {.v = v, .write = write, .size = size, .value = value};
    uint64_t off;

    if (ipa - VGIC_GICD_IPA < VGIC_GICD_SIZE) {
        off = ipa - VGIC_GICD_IPA;
    } else if (ipa - VGIC_GICR_IPA < VGIC_GICR_STRIDE * d->vcpu_count) {
        off = (ipa - VGIC_GICR_IPA) % VGIC_GICR_STRIDE;
        a.rd = &d->vcpu[(ipa - VGIC_GICR_IPA) / VGIC_GICR_STRIDE];
    } else {
        return false;
    }
    if (off & (size - 1)) {
        return false; /* unaligned: the caller reflects it as an abort */
    }
    spin_lock(&d->vgic.lock);
    if (!a.rd) {
        vgic_dist(&a, off);
    } else if (off < VGIC_GICR_SGI) {
        vgic_rd(&a, off);
    } else {
        a.kick |= 1u << a.rd->id; /* its PPIs' physical side is synced on its pCPU */
        vgic_sgi_frame(&a, off - VGIC_GICR_SGI);
    }
    spin_unlock(&d->vgic.lock);
    for (unsigned i = 0; write && i < d->vcpu_count; i++) {
        if (a.kick & (1u << i)) {
            vgic_attention(&d->vcpu[i]);
            arch_vcpu_kick(&d->vcpu[i]);
        }
    }
    return true;
}
