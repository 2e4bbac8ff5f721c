/* The virtual GICv3 on the hosted arch: the pending set hands out interrupts by priority and
 * never a disabled one, SPIs belong to their domain only, the GICD and GICR registers read and
 * write as the architecture says, and ICC_SGI1R_EL1 values reach the vCPUs they name. */
#include <criterion/criterion.h>
#include <string.h>
#include <tessera/arch_host.h>
#include <tessera/domain.h>
#include <tessera/mmio.h>
#include <tessera/vgic.h>

#define GICD(off)     (VGIC_GICD_IPA + (off))
#define GICR(n, off)  (VGIC_GICR_IPA + (n)*VGIC_GICR_STRIDE + (off))
#define SGI(n, off)   GICR(n, VGIC_GICR_SGI + (off))
#define ISENABLER     0x100
#define ICENABLER     0x180
#define ISPENDR       0x200
#define ICPENDR       0x280
#define IPRIORITYR    0x400
#define ICFGR         0xc00
#define IROUTER       0x6000
#define OWNED_SPI     2 /* INTID 34 */
#define FOREIGN_INTID 40

static struct domain dom;

static void setup(void)
{
    memset(&dom, 0, sizeof(dom));
    dom.id = 5;
    dom.vcpu_count = 2;
    for (unsigned i = 0; i < 2; i++) {
        dom.vcpu[i].dom = &dom;
        dom.vcpu[i].id = i;
    }
    vgic_domain_init(&dom);
    cr_assert_eq(vgic_assign_spi(&dom, OWNED_SPI), 0);
}

TestSuite(vgic, .init = setup);

static uint64_t rd(unsigned vcpu, uint64_t ipa, unsigned size)
{
    uint64_t v = 0xdeadbeef;
    cr_assert(mmio_emulate(&dom.vcpu[vcpu], ipa, size, false, &v), "read 0x%llx",
              (unsigned long long)ipa);
    return v;
}

static void wr(unsigned vcpu, uint64_t ipa, unsigned size, uint64_t v)
{
    cr_assert(mmio_emulate(&dom.vcpu[vcpu], ipa, size, true, &v), "write 0x%llx",
              (unsigned long long)ipa);
}

/* Distributor on, and intid enabled at priority prio as seen from vcpu. */
static void enable(unsigned vcpu, unsigned intid, uint8_t prio)
{
    wr(vcpu, GICD(0), 4, 0x12);
    if (intid < 32) {
        wr(vcpu, SGI(vcpu, IPRIORITYR + intid), 1, prio);
        wr(vcpu, SGI(vcpu, ISENABLER), 4, 1u << intid);
    } else {
        wr(vcpu, GICD(IPRIORITYR + intid), 1, prio);
        wr(vcpu, GICD(ISENABLER + 4 * (intid / 32)), 4, 1u << (intid % 32));
    }
}

static unsigned take(unsigned vcpu)
{
    unsigned intid;
    uint8_t prio;
    bool hw;
    cr_assert(vgic_take(&dom.vcpu[vcpu], &intid, &prio, &hw), "nothing to take");
    return intid;
}

static bool nothing(unsigned vcpu)
{
    unsigned intid;
    uint8_t prio;
    bool hw;
    return !vgic_take(&dom.vcpu[vcpu], &intid, &prio, &hw);
}

Test(vgic, takes_by_priority_then_intid)
{
    static const uint8_t prio[] = {0x80, 0x40, 0x80, 0x20, 0xa0};
    struct vcpu *v = &dom.vcpu[0];

    for (unsigned i = 0; i < 5; i++) {
        enable(0, i, prio[i]);
        cr_assert(vgic_inject(v, i, false));
    }
    cr_assert_eq(take(0), 3);
    cr_assert_eq(take(0), 1);
    cr_assert_eq(take(0), 0, "equal priority: the lower INTID first");
    cr_assert_eq(take(0), 2);
    cr_assert_eq(take(0), 4);
    cr_assert(nothing(0), "each taken once");
    cr_assert_not(vgic_maybe_pending(v));
}

Test(vgic, a_disabled_interrupt_waits)
{
    struct vcpu *v = &dom.vcpu[0];

    enable(0, 5, 0x80);
    wr(0, SGI(0, ICENABLER), 4, 1u << 5);
    cr_assert(vgic_inject(v, 5, false));
    cr_assert(nothing(0), "disabled: not delivered");
    cr_assert_not(vgic_has_deliverable(v));
    cr_assert(vgic_maybe_pending(v), "but still pending");
    cr_assert_eq(rd(0, SGI(0, ISPENDR), 4), 1u << 5);
    wr(0, SGI(0, ISENABLER), 4, 1u << 5);
    cr_assert(vgic_has_deliverable(v));
    cr_assert_eq(take(0), 5);
}

Test(vgic, nothing_while_the_distributor_is_off)
{
    enable(0, 6, 0x80);
    wr(0, GICD(0), 4, 0);
    vgic_inject(&dom.vcpu[0], 6, false);
    cr_assert(nothing(0));
    wr(0, GICD(0), 4, 0x2);
    cr_assert_eq(take(0), 6);
}

Test(vgic, untake_puts_it_back)
{
    unsigned intid;
    uint8_t prio;
    bool hw;

    enable(0, 27, 0xa0);
    cr_assert(vgic_inject(&dom.vcpu[0], 27, true));
    cr_assert(vgic_take(&dom.vcpu[0], &intid, &prio, &hw));
    cr_assert(intid == 27 && prio == 0xa0 && hw, "the physical link travels with it");
    vgic_untake(&dom.vcpu[0], intid, hw);
    cr_assert(vgic_take(&dom.vcpu[0], &intid, &prio, &hw));
    cr_assert(intid == 27 && hw);
}

Test(vgic, spis_belong_to_their_domain_only)
{
    cr_assert_not(vgic_inject(&dom.vcpu[0], FOREIGN_INTID, false));
    wr(0, GICD(ISENABLER + 4), 4, ~0u);
    cr_assert_eq(rd(0, GICD(ISENABLER + 4), 4), 1u << (32 + OWNED_SPI - 32),
                 "only the owned SPI takes the enable");
    cr_assert(arch_host_spi_enabled(OWNED_SPI), "the physical SPI follows the guest's enable");
    wr(0, GICD(IPRIORITYR + FOREIGN_INTID), 1, 0xa0);
    cr_assert_eq(rd(0, GICD(IPRIORITYR + FOREIGN_INTID), 1), 0);
    cr_assert_eq(rd(0, GICD(0x80 + 4), 4), 1u << OWNED_SPI, "IGROUPR: group 1, owned only");
    wr(0, GICD(ICENABLER + 4), 4, ~0u);
    cr_assert_not(arch_host_spi_enabled(OWNED_SPI));
    cr_assert_eq(rd(0, GICD(ISENABLER), 4), 0, "bank 0 lives in the redistributors");
}

Test(vgic, distributor_identification)
{
    uint64_t typer = rd(0, GICD(0x4), 4);

    cr_assert_eq(typer & 0x1f, 1, "ITLinesNumber covers INTIDs up to 63");
    cr_assert_eq((typer >> 19) & 0x1f, 9);
    cr_assert_eq(rd(0, GICD(0xffe8), 4), 0x3b, "PIDR2: ArchRev 3");
    cr_assert_eq(rd(0, GICD(0x8), 4), VGIC_IIDR);
    cr_assert_eq(rd(0, GICD(0xc), 4), 0, "TYPER2 reads as zero");
    wr(0, GICD(0), 4, 0x13);
    cr_assert_eq(rd(0, GICD(0), 4), 0x53, "ARE and DS always set, the group enables kept");
    cr_assert_eq(vgic_assign_spi(&dom, 90), 0);
    cr_assert_eq(rd(0, GICD(0x4), 4) & 0x1f, 3, "INTID 122 needs 4 lines of 32");
    cr_assert_neq(vgic_assign_spi(&dom, VGIC_NR_SPIS), 0);
}

Test(vgic, config_registers)
{
    cr_assert_eq(rd(0, SGI(0, ICFGR), 4), 0xaaaaaaaa, "SGIs are edge-triggered");
    cr_assert_eq(rd(0, SGI(0, ICFGR + 4), 4), 0, "PPIs are level-sensitive");
    wr(0, GICD(ICFGR + 8), 4, 2u << (2 * OWNED_SPI));
    cr_assert_eq(rd(0, GICD(ICFGR + 8), 4), 2u << (2 * OWNED_SPI), "an owned SPI made edge");
    wr(0, GICD(ICFGR + 8), 4, ~0u);
    cr_assert_eq(rd(0, GICD(ICFGR + 8), 4), 2u << (2 * OWNED_SPI), "the others stay zero");
}

Test(vgic, irouter_moves_an_spi_and_its_pending_state)
{
    unsigned intid = 32 + OWNED_SPI;

    enable(0, intid, 0x80);
    cr_assert(vgic_inject(&dom.vcpu[0], intid, true));
    wr(0, GICD(IROUTER + 8 * intid), 8, 1);
    cr_assert_eq(rd(0, GICD(IROUTER + 8 * intid), 8), 1);
    cr_assert_eq(arch_host_spi_vcpu(OWNED_SPI), &dom.vcpu[1], "the physical SPI follows");
    cr_assert(nothing(0));
    cr_assert_eq(take(1), intid, "pending moved with it");
    wr(0, GICD(IROUTER + 8 * intid + 4), 4, 0);
    wr(0, GICD(IROUTER + 8 * intid), 4, 7);
    cr_assert_eq(rd(0, GICD(IROUTER + 8 * intid), 8), 7);
    cr_assert_eq(arch_host_spi_vcpu(OWNED_SPI), &dom.vcpu[0], "no vCPU 7: back to vCPU 0");
    cr_assert_eq(rd(0, GICD(IROUTER + 8 * FOREIGN_INTID), 8), 0);
}

Test(vgic, redistributor_typer_and_waker)
{
    uint64_t t0 = rd(0, GICR(0, 0x8), 8), t1 = rd(1, GICR(1, 0x8), 8);

    cr_assert_eq(t0, 0, "vCPU 0: affinity 0, processor 0, not last");
    cr_assert_eq(t1, (1ull << 32) | (1u << 8) | (1u << 4), "vCPU 1: affinity 1, processor 1, Last");
    cr_assert_eq(rd(0, GICR(1, 0xc), 4), 1, "upper half of TYPER read alone");
    cr_assert_eq(rd(0, GICR(0, 0x14), 4), 0x6, "asleep at reset");
    wr(0, GICR(0, 0x14), 4, 0x4);
    cr_assert_eq(rd(0, GICR(0, 0x14), 4), 0, "awake: ChildrenAsleep follows at once");
    cr_assert_eq(rd(0, GICR(1, 0x14), 4), 0x6, "each vCPU has its own");
    cr_assert_eq(rd(0, GICR(0, 0xffe8), 4), 0x3b);
    uint64_t v = 0;
    cr_assert_not(mmio_emulate(&dom.vcpu[0], GICR(2, 0), 4, false, &v), "no third frame");
}

Test(vgic, private_state_is_per_vcpu)
{
    wr(0, SGI(1, IPRIORITYR), 4, 0x80706050);
    cr_assert_eq(rd(0, SGI(1, IPRIORITYR), 4), 0x80706050);
    cr_assert_eq(rd(0, SGI(0, IPRIORITYR), 4), 0, "vCPU 0's SGIs untouched");
    cr_assert_eq(rd(0, SGI(1, IPRIORITYR + 1), 1), 0x60, "byte access");
    wr(0, SGI(1, IPRIORITYR + 3), 1, 0xff);
    cr_assert_eq(rd(0, SGI(1, IPRIORITYR + 3), 1), 0xf8, "5 priority bits");
    wr(1, SGI(1, ISPENDR), 4, 1u << 9);
    cr_assert_eq(rd(1, SGI(1, ISPENDR), 4), 1u << 9);
    cr_assert_eq(rd(0, SGI(0, ISPENDR), 4), 0);
    wr(1, SGI(1, ICPENDR), 4, 1u << 9);
    cr_assert_not(vgic_maybe_pending(&dom.vcpu[1]));
    cr_assert_eq(rd(0, SGI(0, 0x80), 4), ~0u, "IGROUPR0: all group 1");
}

/* ICC_SGI1R_EL1: INTID in bits 24-27, target list 0-15, IRM bit 40, RS 44-47, Aff1-3. */
Test(vgic, sgi1r_targets)
{
    enable(0, 3, 0x80);
    enable(1, 3, 0x80);
    dom.vcpu[1].arch.kicks = 0;
    cr_assert_eq(vgic_sgi1r(&dom.vcpu[0], (3ull << 24) | 0x2), 1);
    cr_assert(nothing(0));
    cr_assert_eq(take(1), 3);
    cr_assert_gt(dom.vcpu[1].arch.kicks, 0, "the target vCPU is kicked");
    cr_assert_eq(vgic_sgi1r(&dom.vcpu[0], (3ull << 24) | 0x3), 2, "both, self included");
    take(0);
    take(1);
    cr_assert_eq(vgic_sgi1r(&dom.vcpu[1], (3ull << 24) | (1ull << 40)), 1, "IRM: all but self");
    cr_assert_eq(take(0), 3);
    cr_assert(nothing(1));
    cr_assert_eq(vgic_sgi1r(&dom.vcpu[0], (3ull << 24) | (1ull << 16) | 0x3), 0, "Aff1 = 1");
    cr_assert_eq(vgic_sgi1r(&dom.vcpu[0], (3ull << 24) | (1ull << 44) | 0x3), 0, "RS = 1");
    cr_assert_eq(vgic_sgi1r(&dom.vcpu[0], (3ull << 24) | (1ull << 48) | 0x3), 0, "Aff3 = 1");
}

Test(vgic, unaligned_and_outside_accesses)
{
    uint64_t v = 0;
    cr_assert_not(mmio_emulate(&dom.vcpu[0], GICD(0x2), 4, false, &v), "unaligned");
    cr_assert_not(mmio_emulate(&dom.vcpu[0], VGIC_GICD_IPA + VGIC_GICD_SIZE, 4, false, &v));
    cr_assert_eq(rd(0, GICD(0x10), 4), 0, "unimplemented registers read as zero");
    wr(0, GICD(0x10), 4, 0xffffffff);
    cr_assert_eq(rd(0, GICD(0x2), 2), 0, "a halfword of a word register reads as zero");
}

/* The attention flag tells the arch layer when a vCPU's interface needs refreshing: a new
 * pending interrupt and a register write that touches the vCPU set it, reads do not. */
Test(vgic, attention_follows_changes)
{
    struct vcpu *v0 = &dom.vcpu[0], *v1 = &dom.vcpu[1];

    enable(0, 7, 0x80);
    v0->vgic.attention = v1->vgic.attention = 0;
    cr_assert(vgic_inject(v1, 7, false));
    cr_assert(v1->vgic.attention && !v0->vgic.attention, "only the target is flagged");
    v1->vgic.attention = 0;
    rd(0, SGI(1, ISENABLER), 4);
    cr_assert_not(v1->vgic.attention, "a read changes nothing");
    wr(0, SGI(1, ISENABLER), 4, 1u << 27);
    cr_assert(v1->vgic.attention, "enabling its timer PPI flags the vCPU");
    v0->vgic.attention = v1->vgic.attention = 0;
    wr(0, GICD(0), 4, 0);
    wr(0, GICD(0), 4, 0x2);
    cr_assert(v0->vgic.attention && v1->vgic.attention, "the distributor on: everyone looks");
}
