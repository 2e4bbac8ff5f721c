/* EL2 stage-1 tables: an identity map of the first 512 GiB with 1 GiB blocks, split into
 * 2 MiB blocks where a RAM bank covers only part of a GiB. Normal memory for RAM, device
 * memory (never executable) for everything else. */
#include <tessera/arm64/mmu.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

#define MMU_L2_TABLES 8
#define MMU_VA_BITS   39

/* Filled completely before use, so never zeroed (.noinit). */
static uint64_t mmu_l1[PT_ENTRIES] __attribute__((section(".noinit"), aligned(4096)));
static uint64_t mmu_l2[MMU_L2_TABLES][PT_ENTRIES]
    __attribute__((section(".noinit"), aligned(4096)));
static unsigned mmu_l2_used __attribute__((section(".bss.early")));

/* Register values the secondaries load (cleaned to PoC before they start). */
uint64_t arm64_mmu_tcr __attribute__((section(".bss.early")));
uint64_t arm64_mmu_ttbr __attribute__((section(".bss.early")));

static const uint64_t mmu_normal =
    PTE_VALID | PTE_BLOCK | PTE_AF | PTE_SH_INNER | PTE_ATTRINDX(MAIR_IDX_NORMAL);
static const uint64_t mmu_device =
    PTE_VALID | PTE_BLOCK | PTE_AF | PTE_XN | PTE_ATTRINDX(MAIR_IDX_DEVICE);

static void mmu_tlb_flush(void)
{
    __asm__ volatile("dsb ishst; tlbi alle2; dsb ish; isb" ::: "memory");
}

void arm64_dcache_clean(const void *p, uint64_t size)
{
    uint64_t line = 4ull << ((sysreg_read(ctr_el0) >> 16) & 0xf);
    uint64_t a = ALIGN_DOWN((uint64_t)(uintptr_t)p, line);
    uint64_t end = (uint64_t)(uintptr_t)p + size;

    for (; a < end; a += line) {
        __asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
    }
    dsb_sy();
}

static uint64_t mmu_tcr(void)
{
    uint64_t ps = MMFR0_PARANGE(sysreg_read(id_aa64mmfr0_el1));
    if (ps > 5) {
        ps = 5;
    }
    return TCR_EL2_RES1 | TCR_T0SZ(64 - MMU_VA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
           TCR_SH0_INNER | TCR_TG0_4K | (ps << TCR_EL2_PS_SHIFT);
}

static void mmu_enable(void)
{
    sysreg_write(mair_el2, MAIR_EL2_VALUE);
    sysreg_write(tcr_el2, arm64_mmu_tcr);
    sysreg_write(ttbr0_el2, arm64_mmu_ttbr);
    isb();
    __asm__ volatile("tlbi alle2; dsb ish; isb" ::: "memory");
    sysreg_write(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_I);
    isb();
}

void arm64_mmu_early(uint64_t image_base, uint64_t image_end, uint64_t dtb)
{
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        mmu_l1[i] = ((uint64_t)i << L1_SHIFT) | mmu_device;
    }
    for (uint64_t a = ALIGN_DOWN(image_base, 1ull << L1_SHIFT); a < image_end;
         a += 1ull << L1_SHIFT) {
        mmu_l1[a >> L1_SHIFT] = a | mmu_normal;
    }
    mmu_l1[(dtb >> L1_SHIFT) % PT_ENTRIES] = ALIGN_DOWN(dtb, 1ull << L1_SHIFT) | mmu_normal;
    arm64_mmu_tcr = mmu_tcr();
    arm64_mmu_ttbr = (uint64_t)(uintptr_t)mmu_l1;
    mmu_enable();
}

void arm64_mmu_enable_secondary(void)
{
    mmu_enable();
}

/* Replaces a live descriptor (break-before-make). */
static void mmu_set(uint64_t *entry, uint64_t desc)
{
    *entry = 0;
    mmu_tlb_flush();
    *entry = desc;
    dsb_ish();
    isb();
}

/* The L2 table under L1 entry i, splitting a device block into 2 MiB device blocks. */
static uint64_t *mmu_l2_for(unsigned i)
{
    uint64_t e = mmu_l1[i];
    if ((e & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE)) {
        return (uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK);
    }
    if (mmu_l2_used == MMU_L2_TABLES) {
        return NULL;
    }
    uint64_t *l2 = mmu_l2[mmu_l2_used++];
    for (unsigned j = 0; j < PT_ENTRIES; j++) {
        l2[j] = (((uint64_t)i << L1_SHIFT) + ((uint64_t)j << L2_SHIFT)) | (e & ~PTE_ADDR_MASK);
    }
    mmu_set(&mmu_l1[i], (uint64_t)(uintptr_t)l2 | PTE_VALID | PTE_TABLE);
    return l2;
}

int arm64_mmu_map_ram(uint64_t base, uint64_t size)
{
    uint64_t gib = 1ull << L1_SHIFT, mib2 = 1ull << L2_SHIFT;
    uint64_t a = ALIGN_DOWN(base, mib2), end = ALIGN_UP(base + size, mib2);

    if (end > (1ull << MMU_VA_BITS)) {
        return -ERANGE;
    }
    while (a < end) {
        unsigned i = a >> L1_SHIFT;
        if (IS_ALIGNED(a, gib) && end - a >= gib) {
            if (mmu_l1[i] != (a | mmu_normal)) {
                mmu_set(&mmu_l1[i], a | mmu_normal);
            }
            a += gib;
            continue;
        }
        if (mmu_l1[i] == (ALIGN_DOWN(a, gib) | mmu_normal)) {
            a = ALIGN_DOWN(a, gib) + gib; /* already normal as a whole */
            continue;
        }
        uint64_t *l2 = mmu_l2_for(i);
        if (!l2) {
            return -ENOMEM;
        }
        for (; a < end && (a >> L1_SHIFT) == i; a += mib2) {
            mmu_set(&l2[(a >> L2_SHIFT) % PT_ENTRIES], a | mmu_normal);
        }
    }
    return 0;
}
