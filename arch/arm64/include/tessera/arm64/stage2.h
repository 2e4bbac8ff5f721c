/* Stage-2 (IPA -> PA) descriptor fields, VMSAv8-64 4K granule (DDI 0487, D8.3). */
#ifndef TESSERA_ARM64_STAGE2_H
#define TESSERA_ARM64_STAGE2_H

#define S2_MEMATTR_NORMAL_WB (0xfull << 2) /* Normal, outer and inner write-back */
#define S2_MEMATTR_DEVICE    (0x1ull << 2) /* Device-nGnRE */
#define S2_MEMATTR_MASK      (0xfull << 2) /* MemAttr[3:0] */
#define S2AP_R               (1ull << 6)
#define S2AP_W               (1ull << 7)
#define S2_XN                (2ull << 53) /* XN[1:0] = 0b10: not executable at EL1 or EL0 */

#define S2_IPA_BITS 39 /* start at level 1 with one 4 KiB root table */

#define VTTBR_VMID_SHIFT 48

/* Once, on the boot pCPU: the VMID width (ID_AA64MMFR1_EL1.VMIDBits) for the allocator, and
 * every EL1&0 TLB entry of every VMID invalidated. Before arm64_stage2_init_cpu. */
void arm64_stage2_init(void);
/* Programs VTCR_EL2 on the calling pCPU (every pCPU, before its first guest); VTCR_EL2.VS
 * follows the VMID width. */
void arm64_stage2_init_cpu(void);

#endif
