/* System register access and the EL2 control register fields Tessera sets, named as in the
 * Arm Architecture Reference Manual (DDI 0487). */
#ifndef TESSERA_ARM64_SYSREG_H
#define TESSERA_ARM64_SYSREG_H

#include <stdint.h>

#define sysreg_read(reg)                                                                           \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_));                                              \
        v_;                                                                                        \
    })
#define sysreg_write(reg, val) __asm__ volatile("msr " #reg ", %0" ::"r"((uint64_t)(val)))

static inline void isb(void)
{
    __asm__ volatile("isb" ::: "memory");
}

static inline void dsb_sy(void)
{
    __asm__ volatile("dsb sy" ::: "memory");
}

static inline void dsb_ish(void)
{
    __asm__ volatile("dsb ish" ::: "memory");
}

/* HCR_EL2 */
#define HCR_VM     (1ull << 0)
#define HCR_SWIO   (1ull << 1)
#define HCR_FMO    (1ull << 3)
#define HCR_IMO    (1ull << 4)
#define HCR_AMO    (1ull << 5)
#define HCR_FB     (1ull << 9)
#define HCR_BSU_IS (1ull << 10)
#define HCR_TWI    (1ull << 13)
#define HCR_TWE    (1ull << 14)
#define HCR_TSC    (1ull << 19)
#define HCR_RW     (1ull << 31)

/* SCTLR_EL2 (non-VHE): RES1 bits 4, 5, 11, 16, 18, 22, 23, 28, 29 */
#define SCTLR_EL2_RES1 0x30c50830ull
#define SCTLR_M        (1ull << 0)
#define SCTLR_C        (1ull << 2)
#define SCTLR_SA       (1ull << 3)
#define SCTLR_I        (1ull << 12)

/* SCTLR_EL1 reset value for a guest: RES1 bits, MMU and caches off. */
#define SCTLR_EL1_RES1 0x30d00800ull

/* TCR_EL2 (non-VHE): RES1 bits 23 and 31 */
#define TCR_EL2_RES1     ((1ull << 31) | (1ull << 23))
#define TCR_T0SZ(n)      ((uint64_t)(n) << 0)
#define TCR_IRGN0_WBWA   (1ull << 8)
#define TCR_ORGN0_WBWA   (1ull << 10)
#define TCR_SH0_INNER    (3ull << 12)
#define TCR_TG0_4K       (0ull << 14)
#define TCR_EL2_PS_SHIFT 16

/* VTCR_EL2 */
#define VTCR_RES1       (1ull << 31)
#define VTCR_T0SZ(n)    ((uint64_t)(n) << 0)
#define VTCR_SL0_L1     (1ull << 6)
#define VTCR_IRGN0_WBWA (1ull << 8)
#define VTCR_ORGN0_WBWA (1ull << 10)
#define VTCR_SH0_INNER  (3ull << 12)
#define VTCR_TG0_4K     (0ull << 14)
#define VTCR_PS_SHIFT   16
#define VTCR_VS         (1ull << 19) /* 16-bit VMIDs */

/* MAIR attribute indices used by the EL2 tables */
#define MAIR_IDX_DEVICE 0 /* Device-nGnRnE */
#define MAIR_IDX_NORMAL 1 /* Normal, inner/outer write-back, read/write-allocate */
#define MAIR_EL2_VALUE  ((0x00ull << (8 * MAIR_IDX_DEVICE)) | (0xffull << (8 * MAIR_IDX_NORMAL)))

/* SPSR: EL1h with D, A, I, F masked (the state a guest kernel expects at entry) */
#define SPSR_EL1H_DAIF 0x3c5ull
#define SPSR_MODE_MASK 0xfull
#define SPSR_MODE_EL0T 0x0ull
#define SPSR_MODE_EL1T 0x4ull
#define SPSR_MODE_EL1H 0x5ull

/* CPTR_EL2 (non-VHE): RES1 bits 0-7, 9, 12, 13; TZ (bit 8, RES1 without SVE) traps SVE, TFP
 * FP/SIMD (left clear: the vCPU context switch moves FP/SIMD eagerly, vcpu_ctx.c), TTA the
 * trace unit's system registers. */
#define CPTR_EL2_RES1 0x32ffull
#define CPTR_EL2_TZ   (1ull << 8)
#define CPTR_EL2_TFP  (1ull << 10)
#define CPTR_EL2_TTA  (1ull << 20)

/* CNTHCTL_EL2: EL1 may use the physical counter and timer */
#define CNTHCTL_EL1PCTEN (1ull << 0)
#define CNTHCTL_EL1PCEN  (1ull << 1)

/* ID_AA64MMFR0_EL1.PARange */
#define MMFR0_PARANGE(v) ((v)&0xf)
/* ID_AA64MMFR1_EL1.VMIDBits: 0b0000 8 bits, 0b0010 16 bits */
#define MMFR1_VMIDBITS(v) (((v) >> 4) & 0xf)
#define MMFR1_VMIDBITS_16 2

#endif
