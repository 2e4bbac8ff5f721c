/* The virtual GIC's interrupt state: ownership of SPIs, the per-vCPU pending sets, priority
 * selection for the list registers, and virtual SGIs between a domain's vCPUs. The register
 * interface the guest sees is vgic_mmio.c; the list registers are the arch layer's. */
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/trace.h>
#include <tessera/vgic.h>

#include "vgic_priv.h"

/* ICC_SGI1R_EL1 fields (IHI 0069, 12.2.22) */
#define SGI1R_TARGETS(v) ((unsigned)((v)&0xffff))
#define SGI1R_AFF1(v)    (((v) >> 16) & 0xff)
#define SGI1R_INTID(v)   ((unsigned)(((v) >> 24) & 0xf))
#define SGI1R_AFF2(v)    (((v) >> 32) & 0xff)
#define SGI1R_IRM        (1ull << 40)
#define SGI1R_RS(v)      ((unsigned)(((v) >> 44) & 0xf))
#define SGI1R_AFF3(v)    (((v) >> 48) & 0xff)

static bool vgic_bit(const uint32_t *map, unsigned n)
{
    return map[n / 32] & (1u << (n % 32));
}

static void vgic_set_bit(uint32_t *map, unsigned n, bool on)
{
    if (on) {
        __atomic_fetch_or(&map[n / 32], 1u << (n % 32), __ATOMIC_RELAXED);
    } else {
        __atomic_fetch_and(&map[n / 32], ~(1u << (n % 32)), __ATOMIC_RELAXED);
    }
}

void vgic_domain_init(struct domain *d)
{
    struct vgic_dist *g = &d->vgic;

    /* All zero is the reset state (disabled, priority 0, level, routed to vCPU 0), but for
     * the redistributors' ProcessorSleep. The lock itself is never reset: another pCPU may
     * hold it (an emulated device's line driven from the console input while the domain is
     * rebuilt); the state is reset under it. */
    spin_lock(&g->lock);
    g->ctlr = 0;
    lib_memset(g->spi, 0, sizeof(g->spi));
    lib_memset(g->irouter, 0, sizeof(g->irouter));
    lib_memset(g->target, 0, sizeof(g->target));
    lib_memset(g->level, 0, sizeof(g->level));
    for (unsigned n = 0; n < d->vcpu_count; n++) {
        struct vgic_cpu *c = &d->vcpu[n].vgic;
        lib_memset(c, 0, sizeof(*c));
        c->asleep = true;
    }
    spin_unlock(&g->lock);
}

int vgic_assign_spi(struct domain *d, unsigned spi)
{
    unsigned intid = VGIC_NR_PRIVATE + spi;

    if (intid >= VGIC_NR_IRQS) {
        return -EINVAL;
    }
    if (vgic_bit(d->vgic.virt, intid)) {
        return -EBUSY; /* the interrupt of one of its emulated devices */
    }
    int rc = arch_irq_assign(spi, &d->vcpu[0]);
    if (rc) {
        return rc;
    }
    TRACE(irq_assign, d->id, intid, d->vcpu[0].pcpu);
    vgic_set_bit(d->vgic.owned, intid, true);
    vgic_set_bit(d->vgic.hw, intid, true);
    return 0;
}

void vgic_domain_stop(struct domain *d)
{
    for (unsigned intid = VGIC_NR_PRIVATE; intid < VGIC_NR_IRQS; intid++) {
        if (!vgic_bit(d->vgic.hw, intid)) {
            continue;
        }
        int was = arch_irq_release(intid - VGIC_NR_PRIVATE, d);
        if (was < 0) {
            continue; /* released already */
        }
        TRACE(irq_release, d->id, intid, (unsigned)was);
        hyp_printf("dom %s released SPI %u (INTID %u): disabled%s%s, unrouted", d->name,
                   intid - VGIC_NR_PRIVATE, intid,
                   was & ARCH_IRQ_WAS_PENDING ? ", pending cleared" : "",
                   was & ARCH_IRQ_WAS_ACTIVE ? ", deactivated" : "");
    }
}

int vgic_domain_relink(struct domain *d)
{
    for (unsigned intid = VGIC_NR_PRIVATE; intid < VGIC_NR_IRQS; intid++) {
        if (vgic_bit(d->vgic.hw, intid)) {
            int rc = arch_irq_assign(intid - VGIC_NR_PRIVATE, &d->vcpu[0]);
            if (rc) {
                return rc;
            }
            TRACE(irq_assign, d->id, intid, d->vcpu[0].pcpu);
        }
    }
    return 0;
}

int vgic_assign_virtual_spi(struct domain *d, unsigned spi)
{
    unsigned intid = VGIC_NR_PRIVATE + spi;

    if (intid >= VGIC_NR_IRQS) {
        return -EINVAL;
    }
    if (vgic_bit(d->vgic.owned, intid)) {
        return vgic_bit(d->vgic.virt, intid) ? 0 : -EBUSY;
    }
    vgic_set_bit(d->vgic.virt, intid, true);
    vgic_set_bit(d->vgic.owned, intid, true);
    return 0;
}

static bool vgic_is_virt(const struct domain *d, unsigned intid)
{
    return intid >= VGIC_NR_PRIVATE && intid < VGIC_NR_IRQS && vgic_bit(d->vgic.virt, intid);
}

bool vgic_set_level(struct domain *d, unsigned intid, bool high)
{
    struct vgic_dist *g = &d->vgic;
    struct vcpu *t = NULL;

    if (!vgic_is_virt(d, intid) || d->vcpu_count == 0) {
        return false;
    }
    spin_lock(&g->lock);
    bool was = vgic_bit(g->level, intid);
    vgic_set_bit(g->level, intid, high);
    if (high && !was) {
        t = vgic_target_of(&d->vcpu[0], intid);
        vgic_pend_locked(&d->vcpu[0], intid, false);
    } else if (!high && was) {
        vgic_unpend_locked(&d->vcpu[0], intid);
    }
    spin_unlock(&g->lock);
    if (t) {
        TRACE(irq_inject, TRACE_DV(d->id, t->id), intid);
        arch_vcpu_kick(t);
    }
    return true;
}

bool vgic_wants_eoi(struct vcpu *v, unsigned intid)
{
    return vgic_is_virt(v->dom, intid);
}

void vgic_eoi(struct vcpu *v, unsigned intid)
{
    struct domain *d = v->dom;

    if (!vgic_is_virt(d, intid)) {
        return;
    }
    spin_lock(&d->vgic.lock);
    bool high = vgic_bit(d->vgic.level, intid);
    if (high) {
        vgic_pend_locked(v, intid, false);
    }
    spin_unlock(&d->vgic.lock);
    if (high) {
        TRACE(irq_inject, TRACE_DV(d->id, vgic_target_of(v, intid)->id), intid);
        arch_vcpu_kick(vgic_target_of(v, intid));
    }
}

unsigned vgic_it_lines(const struct domain *d)
{
    unsigned top = 63;

    for (unsigned i = VGIC_NR_PRIVATE; i < VGIC_NR_IRQS; i++) {
        if (vgic_bit(d->vgic.owned, i) && i > top) {
            top = i;
        }
    }
    return top / 32; /* ITLinesNumber N: INTIDs up to 32(N + 1) - 1 */
}

struct vgic_irq *vgic_irq_of(struct vcpu *v, unsigned intid)
{
    struct domain *d = v->dom;

    if (intid < VGIC_NR_PRIVATE) {
        return &v->vgic.priv[intid];
    }
    if (intid >= VGIC_NR_IRQS || !vgic_bit(d->vgic.owned, intid)) {
        return NULL;
    }
    return &d->vgic.spi[intid - VGIC_NR_PRIVATE];
}

struct vcpu *vgic_target_of(struct vcpu *v, unsigned intid)
{
    if (intid < VGIC_NR_PRIVATE) {
        return v;
    }
    return &v->dom->vcpu[v->dom->vgic.target[intid - VGIC_NR_PRIVATE]];
}

void vgic_pend_locked(struct vcpu *v, unsigned intid, bool hw)
{
    struct vgic_irq *irq = vgic_irq_of(v, intid);
    struct vcpu *t = vgic_target_of(v, intid);

    irq->state |= VGIC_PENDING | (hw ? VGIC_HW : 0);
    vgic_set_bit(t->vgic.pending, intid, true);
    vgic_attention(t);
}

void vgic_unpend_locked(struct vcpu *v, unsigned intid)
{
    struct vgic_irq *irq = vgic_irq_of(v, intid);
    struct vcpu *t = vgic_target_of(v, intid);

    irq->state &= (uint8_t) ~(VGIC_PENDING | VGIC_HW);
    vgic_set_bit(t->vgic.pending, intid, false);
}

bool vgic_inject(struct vcpu *v, unsigned intid, bool hw)
{
    struct vgic_dist *g = &v->dom->vgic;

    spin_lock(&g->lock);
    if (!vgic_irq_of(v, intid)) {
        spin_unlock(&g->lock);
        return false;
    }
    struct vcpu *t = vgic_target_of(v, intid);
    vgic_pend_locked(v, intid, hw);
    spin_unlock(&g->lock);
    TRACE(irq_inject, TRACE_DV(t->dom->id, t->id), intid);
    arch_vcpu_kick(t);
    return true;
}

/* The best interrupt v may take now, or VGIC_NR_IRQS. Called with the lock held. */
static unsigned vgic_best_locked(struct vcpu *v)
{
    unsigned best = VGIC_NR_IRQS;
    unsigned best_prio = 0x100;

    if (!(v->dom->vgic.ctlr & GICD_CTLR_ENABLE_G1)) {
        return best;
    }
    for (unsigned w = 0; w < VGIC_WORDS; w++) {
        uint32_t bits = v->vgic.pending[w];
        while (bits) {
            unsigned intid = w * 32 + (unsigned)__builtin_ctz(bits);
            const struct vgic_irq *irq = vgic_irq_of(v, intid);
            bits &= bits - 1;
            if (irq && (irq->state & VGIC_ENABLED) && irq->priority < best_prio) {
                best = intid;
                best_prio = irq->priority;
            }
        }
    }
    return best;
}

bool vgic_take(struct vcpu *v, unsigned *intid, uint8_t *priority, bool *hw)
{
    struct vgic_dist *g = &v->dom->vgic;

    spin_lock(&g->lock);
    unsigned best = vgic_best_locked(v);
    if (best < VGIC_NR_IRQS) {
        struct vgic_irq *irq = vgic_irq_of(v, best);
        *intid = best;
        *priority = irq->priority;
        *hw = irq->state & VGIC_HW;
        vgic_unpend_locked(v, best);
    }
    spin_unlock(&g->lock);
    return best < VGIC_NR_IRQS;
}

void vgic_untake(struct vcpu *v, unsigned intid, bool hw)
{
    spin_lock(&v->dom->vgic.lock);
    vgic_pend_locked(v, intid, hw);
    spin_unlock(&v->dom->vgic.lock);
}

bool vgic_has_deliverable(struct vcpu *v)
{
    spin_lock(&v->dom->vgic.lock);
    bool any = vgic_best_locked(v) < VGIC_NR_IRQS;
    spin_unlock(&v->dom->vgic.lock);
    return any;
}

bool vgic_maybe_pending(const struct vcpu *v)
{
    for (unsigned w = 0; w < VGIC_WORDS; w++) {
        if (__atomic_load_n(&v->vgic.pending[w], __ATOMIC_RELAXED)) {
            return true;
        }
    }
    return false;
}

void vgic_attention(struct vcpu *v)
{
    __atomic_store_n(&v->vgic.attention, 1, __ATOMIC_RELEASE);
}

bool vgic_enabled(struct vcpu *v, unsigned intid)
{
    const struct vgic_irq *irq = vgic_irq_of(v, intid);
    uint8_t state = irq ? __atomic_load_n(&irq->state, __ATOMIC_RELAXED) : 0;

    return (state & VGIC_ENABLED) &&
           (__atomic_load_n(&v->dom->vgic.ctlr, __ATOMIC_RELAXED) & GICD_CTLR_ENABLE_G1);
}

/* True if vCPU t is among the targets of an SGI1R value written by vCPU self. A vCPU's
 * affinity is Aff0 = its index, Aff1-3 = 0 (arch_vcpu_init sets VMPIDR_EL2 so). */
static bool vgic_sgi_targets(uint64_t value, const struct vcpu *self, const struct vcpu *t)
{
    if (value & SGI1R_IRM) {
        return t != self;
    }
    if (SGI1R_AFF1(value) || SGI1R_AFF2(value) || SGI1R_AFF3(value)) {
        return false;
    }
    return t->id / 16 == SGI1R_RS(value) && (SGI1R_TARGETS(value) >> (t->id % 16)) & 1;
}

unsigned vgic_sgi1r(struct vcpu *v, uint64_t value)
{
    struct domain *d = v->dom;
    unsigned sgi = SGI1R_INTID(value), reached = 0;

    for (unsigned i = 0; i < d->vcpu_count; i++) {
        struct vcpu *t = &d->vcpu[i];
        if (vgic_sgi_targets(value, v, t)) {
            TRACE(vgic_sgi, TRACE_DV(d->id, v->id), TRACE_DV(d->id, t->id), sgi);
            vgic_inject(t, sgi, false);
            reached++;
        }
    }
    return reached;
}
