/* EL2 stage-1 translation: the hypervisor maps physical memory one to one. */
#ifndef TESSERA_ARM64_MMU_H
#define TESSERA_ARM64_MMU_H

#include <stdint.h>

/* Translation table descriptor fields (VMSAv8-64, 4K granule) */
#define PTE_VALID       (1ull << 0)
#define PTE_TABLE       (1ull << 1) /* at levels 0-2: next-level table; at level 3: page */
#define PTE_BLOCK       (0ull << 1)
#define PTE_ATTRINDX(i) ((uint64_t)(i) << 2)
#define PTE_SH_INNER    (3ull << 8)
#define PTE_AF          (1ull << 10)
#define PTE_XN          (1ull << 54)
#define PTE_ADDR_MASK   0x0000fffffffff000ull

#define L1_SHIFT   30
#define L2_SHIFT   21
#define L3_SHIFT   12
#define PT_ENTRIES 512

/* Maps 0-512 GiB as device memory except the GiBs holding the image and the DTB (normal),
 * then turns the MMU and caches on. Runs on the boot CPU before anything else. */
void arm64_mmu_early(uint64_t image_base, uint64_t image_end, uint64_t dtb);
/* Maps a RAM bank as normal memory (rounded outwards to 2 MiB). */
int arm64_mmu_map_ram(uint64_t base, uint64_t size);
/* Turns on the boot CPU's tables on a secondary CPU (called from head.S, MMU off). */
void arm64_mmu_enable_secondary(void);
/* Cleans a range to the point of coherency, for data read by CPUs with their MMU off. */
void arm64_dcache_clean(const void *p, uint64_t size);

#endif
