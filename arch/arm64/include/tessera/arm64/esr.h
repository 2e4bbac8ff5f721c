/* Exception Syndrome Register (ESR_ELx) fields and exception classes (DDI 0487, D17.2.37). */
#ifndef TESSERA_ARM64_ESR_H
#define TESSERA_ARM64_ESR_H

#include <stdint.h>

#define ESR_EC_SHIFT 26
#define ESR_EC(esr)  (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL       (1ull << 25)
#define ESR_ISS(esr) ((esr)&0x1ffffff)

#define EC_UNKNOWN  0x00
#define EC_WFX      0x01
#define EC_FP_ASIMD 0x07
#define EC_ILLEGAL  0x0e
#define EC_SVC64    0x15
#define EC_HVC64    0x16
#define EC_SMC64    0x17
#define EC_SYSREG   0x18
#define EC_SVE      0x19
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_PC_ALIGN 0x22
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define EC_SP_ALIGN 0x26
#define EC_SERROR   0x2f
#define EC_BRK64    0x3c

/* Data/instruction abort ISS */
#define ISS_DABT_ISV         (1u << 24)
#define ISS_DABT_SAS(iss)    (((iss) >> 22) & 3)
#define ISS_DABT_SRT(iss)    (((iss) >> 16) & 0x1f)
#define ISS_DABT_WNR         (1u << 6)
#define ISS_xFSC(iss)        ((iss)&0x3f)
#define FSC_TRANSLATION(fsc) (((fsc)&0x3c) == 0x04) /* levels 0-3 */
#define FSC_ACCESS(fsc)      (((fsc)&0x3c) == 0x08)
#define FSC_PERMISSION(fsc)  (((fsc)&0x3c) == 0x0c)
#define FSC_SYNC_EXT_ABORT   0x10

/* WFI/WFE ISS: TI set for WFE */
#define ISS_WFX_TI (1u << 0)

/* Trapped MSR/MRS (EC 0x18) ISS: the register's encoding, Rt and the direction */
#define ISS_SYSREG_DIR_READ (1u << 0)
#define ISS_SYSREG_RT(iss)  (((iss) >> 5) & 0x1f)
#define ISS_SYSREG_MASK     0x3ffc1eu /* Op0, Op2, Op1, CRn, CRm */
#define ISS_SYSREG(op0, op1, crn, crm, op2)                                                        \
    (((op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | ((crm) << 1))
#define ISS_ICC_SGI1R_EL1 ISS_SYSREG(3, 0, 12, 11, 5)

/* A readable name for an exception class, for fault reports. */
const char *esr_class_name(unsigned ec);

#endif
