/* Stage-2 translation for domains: IPA -> PA tables (4K granule, 39-bit IPA starting at
 * level 1), mapped with the largest blocks that fit, and the software walk used to check
 * guest pointers. Table frames belong to the domain and are released with its memory; its
 * VMID comes from the allocator (core/mm/vmid.c) and is invalidated before reuse. */
#include <tessera/arch.h>
#include <tessera/arm64/mmu.h>
#include <tessera/arm64/stage2.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/vmid.h>

static int s2_table_alloc(struct domain *d, paddr_t *pa)
{
    int rc = frame_alloc(&hyp_frames, FRAME_SIZE, FRAME_SIZE, d->id, pa);
    if (!rc) {
        arch_zero(arch_phys_to_virt(*pa), FRAME_SIZE);
    }
    return rc;
}

/* Invalidates every stage-1 and stage-2 TLB entry tagged with the VMID of vttbr, on every pCPU
 * (TLBI VMALLS12E1IS acts on the VMID VTTBR_EL2 holds, so it is loaded for the operation; its
 * table has no stale entries to walk). */
static void s2_flush_vmid(uint64_t vttbr)
{
    uint64_t saved = sysreg_read(vttbr_el2);

    sysreg_write(vttbr_el2, vttbr);
    isb();
    __asm__ volatile("dsb ishst; tlbi vmalls12e1is; dsb ish; isb" ::: "memory");
    sysreg_write(vttbr_el2, saved);
    isb();
}

int arch_p2m_init(struct domain *d, bool stale_vmid)
{
    int rc = s2_table_alloc(d, &d->p2m_root);

    if (rc) {
        return rc;
    }
    d->arch.vttbr = ((uint64_t)d->vmid << VTTBR_VMID_SHIFT) | d->p2m_root;
    if (stale_vmid) {
        s2_flush_vmid(d->arch.vttbr); /* entries of its previous owner */
    }
    return 0;
}

static uint64_t s2_leaf_attrs(unsigned perms)
{
    uint64_t a = PTE_VALID | PTE_AF | PTE_SH_INNER |
                 ((perms & P2M_DEVICE) ? S2_MEMATTR_DEVICE : S2_MEMATTR_NORMAL_WB);
    if (perms & P2M_R) {
        a |= S2AP_R;
    }
    if (perms & P2M_W) {
        a |= S2AP_W;
    }
    if (!(perms & P2M_X) || (perms & P2M_DEVICE)) {
        a |= S2_XN;
    }
    return a;
}

/* The next-level table under *entry, created if missing. */
static int s2_next(struct domain *d, uint64_t *entry, uint64_t **next)
{
    if (!(*entry & PTE_VALID)) {
        paddr_t pa;
        int rc = s2_table_alloc(d, &pa);
        if (rc) {
            return rc;
        }
        *entry = pa | PTE_VALID | PTE_TABLE;
    } else if (!(*entry & PTE_TABLE)) {
        return -EEXIST; /* already mapped by a block */
    }
    *next = arch_phys_to_virt(*entry & PTE_ADDR_MASK);
    return 0;
}

static int s2_map_one(struct domain *d, uint64_t ipa, paddr_t pa, uint64_t left, uint64_t attrs,
                      uint64_t *mapped)
{
    uint64_t *table = arch_phys_to_virt(d->p2m_root);
    static const unsigned shifts[] = {L1_SHIFT, L2_SHIFT, L3_SHIFT};

    for (unsigned lvl = 0; lvl < ARRAY_SIZE(shifts); lvl++) {
        uint64_t sz = 1ull << shifts[lvl];
        uint64_t *e = &table[(ipa >> shifts[lvl]) % PT_ENTRIES];
        bool leaf_ok = IS_ALIGNED(ipa | pa, sz) && left >= sz;
        if (leaf_ok || lvl == ARRAY_SIZE(shifts) - 1) {
            if (*e & PTE_VALID) {
                return -EEXIST;
            }
            *e = pa | attrs | (lvl == 2 ? PTE_TABLE : PTE_BLOCK);
            *mapped = sz;
            return 0;
        }
        int rc = s2_next(d, e, &table);
        if (rc) {
            return rc;
        }
    }
    return -EINVAL;
}

int arch_p2m_map(struct domain *d, uint64_t ipa, paddr_t pa, uint64_t size, unsigned perms)
{
    uint64_t attrs = s2_leaf_attrs(perms);

    if (!IS_ALIGNED(ipa | pa | size, FRAME_SIZE) || ipa + size > (1ull << S2_IPA_BITS) ||
        ipa + size < ipa) {
        return -EINVAL;
    }
    while (size > 0) {
        uint64_t done;
        int rc = s2_map_one(d, ipa, pa, size, attrs, &done);
        if (rc) {
            return rc;
        }
        ipa += done;
        pa += done;
        size -= done;
    }
    dsb_ish();
    return 0;
}

int arch_p2m_translate(const struct domain *d, uint64_t ipa, bool write, paddr_t *pa)
{
    static const unsigned shifts[] = {L1_SHIFT, L2_SHIFT, L3_SHIFT};
    const uint64_t *table;

    if (!d->p2m_root || ipa >= (1ull << S2_IPA_BITS)) {
        return -EFAULT;
    }
    table = arch_phys_to_virt(d->p2m_root);
    for (unsigned lvl = 0; lvl < ARRAY_SIZE(shifts); lvl++) {
        uint64_t e = table[(ipa >> shifts[lvl]) % PT_ENTRIES];
        bool leaf = lvl == 2 || !(e & PTE_TABLE);
        if (!(e & PTE_VALID)) {
            return -EFAULT;
        }
        if (!leaf) {
            table = arch_phys_to_virt(e & PTE_ADDR_MASK);
            continue;
        }
        if (!(e & S2AP_R) || (write && !(e & S2AP_W)) ||
            (e & S2_MEMATTR_MASK) != S2_MEMATTR_NORMAL_WB) {
            return -EFAULT; /* no access, or device memory: never touched for a guest */
        }
        uint64_t sz = 1ull << shifts[lvl];
        *pa = ((e & PTE_ADDR_MASK) & ~(sz - 1)) | (ipa & (sz - 1));
        return 0;
    }
    return -EFAULT;
}

void arch_p2m_destroy(struct domain *d)
{
    /* The tables are frames of the domain: they go back with frame_release_all(). Its TLB
     * entries are dropped now, and again when its VMID is next handed out (stale). */
    if (d->p2m_root) {
        s2_flush_vmid(d->arch.vttbr);
    }
    d->p2m_root = 0;
}

/* VMIDs of 16 bits when ID_AA64MMFR1_EL1.VMIDBits says the CPU has them, else 8. */
static unsigned s2_vmid_bits(void)
{
    return MMFR1_VMIDBITS(sysreg_read(id_aa64mmfr1_el1)) == MMFR1_VMIDBITS_16 ? 16 : 8;
}

void arm64_stage2_init(void)
{
    vmid_init(s2_vmid_bits());
    /* Nothing a loader or firmware left tagged with any VMID survives into the first domain. */
    __asm__ volatile("dsb ishst; tlbi alle1is; dsb ish; isb" ::: "memory");
}

void arm64_stage2_init_cpu(void)
{
    uint64_t ps = MMFR0_PARANGE(sysreg_read(id_aa64mmfr0_el1));
    if (ps > 5) {
        ps = 5;
    }
    sysreg_write(vtcr_el2, VTCR_RES1 | VTCR_T0SZ(64 - S2_IPA_BITS) | VTCR_SL0_L1 | VTCR_IRGN0_WBWA |
                               VTCR_ORGN0_WBWA | VTCR_SH0_INNER | VTCR_TG0_4K |
                               (ps << VTCR_PS_SHIFT) | (vmid_bits() == 16 ? VTCR_VS : 0));
    isb();
}
