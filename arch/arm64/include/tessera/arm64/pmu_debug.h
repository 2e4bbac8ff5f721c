/* The PMU and the self-hosted debug registers (breakpoints, watchpoints, MDSCR_EL1, the OS
 * lock): no guest may use them, since what one guest arms would stay armed, counting or
 * trapping, for whoever runs next on the pCPU. MDCR_EL2 traps every guest access, which is
 * emulated as read-as-zero, writes ignored (docs/platform.md). */
#ifndef TESSERA_ARM64_PMU_DEBUG_H
#define TESSERA_ARM64_PMU_DEBUG_H

#include <stdbool.h>
#include <stdint.h>

struct arm64_regs;
struct vcpu;

/* MDCR_EL2 fields (DDI 0487, D13.2.76) */
#define MDCR_HPMN_MASK 0x1full
#define MDCR_TPMCR     (1ull << 5)
#define MDCR_TPM       (1ull << 6)
#define MDCR_HPME      (1ull << 7)
#define MDCR_TDE       (1ull << 8)
#define MDCR_TDA       (1ull << 9)
#define MDCR_TDOSA     (1ull << 10)
#define MDCR_TDRA      (1ull << 11)
#define MDCR_HPMD      (1ull << 17)

/* ID_AA64DFR0_EL1 fields */
#define DFR0_PMUVER(v) (((v) >> 8) & 0xf)
#define DFR0_BRPS(v)   ((((v) >> 12) & 0xf) + 1)
#define DFR0_WRPS(v)   ((((v) >> 20) & 0xf) + 1)
#define PMUVER_V3P1    4   /* FEAT_PMUv3p1: MDCR_EL2.HPMD exists */
#define PMUVER_IMPDEF  0xf /* an IMPLEMENTATION DEFINED PMU, not PMUv3 */

/* PMCR_EL0 fields */
#define PMCR_P    (1ull << 1)
#define PMCR_C    (1ull << 2)
#define PMCR_N(v) (((v) >> 11) & 0x1f)

/* This pCPU's PMU stopped and reset, every breakpoint and watchpoint disabled, MDSCR_EL1
 * cleared (whatever firmware left), and MDCR_EL2 set to the guest value. */
void arm64_pmu_debug_init_cpu(void);
/* MDCR_EL2 while a guest runs: PMU (TPM, TPMCR) and debug (TDA, TDOSA, TDRA) accesses trap,
 * debug exceptions stay with the guest (TDE clear), every counter in the guests' range (HPMN
 * = PMCR_EL0.N) and none counting at EL2 (HPME clear; HPMD set where FEAT_PMUv3p1 has it). */
uint64_t arm64_pmu_debug_mdcr(void);
/* A trapped MSR/MRS (EC 0x18) with syndrome iss: emulated as RAZ/WI if it names a PMU or
 * debug register (Rt gets 0 on a read; the instruction is stepped over); false otherwise. */
bool arm64_pmu_debug_trap(struct vcpu *v, struct arm64_regs *regs, uint32_t iss);

#endif
