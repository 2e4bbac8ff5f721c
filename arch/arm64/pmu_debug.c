/* PMU and debug registers kept from guests (tessera/arm64/pmu_debug.h): quiesced on every pCPU
 * at start, every guest access trapped by MDCR_EL2 and emulated as RAZ/WI. */
#include <tessera/arch.h>
#include <tessera/arm64/esr.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/pmu_debug.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/domain.h>
#include <tessera/trace.h>

/* ISS fields of a trapped MSR/MRS */
#define ISS_OP0(iss) (((iss) >> 20) & 3)
#define ISS_OP2(iss) (((iss) >> 17) & 7)
#define ISS_OP1(iss) (((iss) >> 14) & 7)
#define ISS_CRN(iss) (((iss) >> 10) & 0xf)
#define ISS_CRM(iss) (((iss) >> 1) & 0xf)
#define OP0_DEBUG    2 /* the debug and trace register space */
#define OP1_TRACE    1 /* ... its trace unit part (CPTR_EL2.TTA: not ours to emulate) */

static bool pmu_present(uint64_t dfr0)
{
    return DFR0_PMUVER(dfr0) != 0 && DFR0_PMUVER(dfr0) != PMUVER_IMPDEF;
}

uint64_t arm64_pmu_debug_mdcr(void)
{
    uint64_t dfr0 = sysreg_read(id_aa64dfr0_el1);
    uint64_t mdcr = MDCR_TDA | MDCR_TDOSA | MDCR_TDRA;

    if (pmu_present(dfr0)) {
        mdcr |= MDCR_TPM | MDCR_TPMCR | (PMCR_N(sysreg_read(pmcr_el0)) & MDCR_HPMN_MASK);
        if (DFR0_PMUVER(dfr0) >= PMUVER_V3P1) {
            mdcr |= MDCR_HPMD;
        }
    }
    return mdcr;
}

#define DBG_CLEAR(n)                                                                               \
    case n:                                                                                        \
        sysreg_write(dbgbcr##n##_el1, 0);                                                          \
        sysreg_write(dbgbvr##n##_el1, 0);                                                          \
        break

static void dbg_clear_breakpoint(unsigned n)
{
    switch (n) {
        DBG_CLEAR(0);
        DBG_CLEAR(1);
        DBG_CLEAR(2);
        DBG_CLEAR(3);
        DBG_CLEAR(4);
        DBG_CLEAR(5);
        DBG_CLEAR(6);
        DBG_CLEAR(7);
        DBG_CLEAR(8);
        DBG_CLEAR(9);
        DBG_CLEAR(10);
        DBG_CLEAR(11);
        DBG_CLEAR(12);
        DBG_CLEAR(13);
        DBG_CLEAR(14);
        DBG_CLEAR(15);
    default:
        break;
    }
}

#define WP_CLEAR(n)                                                                                \
    case n:                                                                                        \
        sysreg_write(dbgwcr##n##_el1, 0);                                                          \
        sysreg_write(dbgwvr##n##_el1, 0);                                                          \
        break

static void dbg_clear_watchpoint(unsigned n)
{
    switch (n) {
        WP_CLEAR(0);
        WP_CLEAR(1);
        WP_CLEAR(2);
        WP_CLEAR(3);
        WP_CLEAR(4);
        WP_CLEAR(5);
        WP_CLEAR(6);
        WP_CLEAR(7);
        WP_CLEAR(8);
        WP_CLEAR(9);
        WP_CLEAR(10);
        WP_CLEAR(11);
        WP_CLEAR(12);
        WP_CLEAR(13);
        WP_CLEAR(14);
        WP_CLEAR(15);
    default:
        break;
    }
}

void arm64_pmu_debug_init_cpu(void)
{
    uint64_t dfr0 = sysreg_read(id_aa64dfr0_el1);

    if (pmu_present(dfr0)) {
        sysreg_write(pmcr_el0, PMCR_P | PMCR_C); /* stopped (E clear), counters reset */
        sysreg_write(pmcntenclr_el0, 0xffffffffull);
        sysreg_write(pmintenclr_el1, 0xffffffffull);
        sysreg_write(pmovsclr_el0, 0xffffffffull);
        sysreg_write(pmuserenr_el0, 0);
        sysreg_write(pmselr_el0, 0);
        sysreg_write(pmccfiltr_el0, 0);
    }
    sysreg_write(mdscr_el1, 0);
    for (unsigned n = 0; n < DFR0_BRPS(dfr0); n++) {
        dbg_clear_breakpoint(n);
    }
    for (unsigned n = 0; n < DFR0_WRPS(dfr0); n++) {
        dbg_clear_watchpoint(n);
    }
    sysreg_write(mdcr_el2, arm64_pmu_debug_mdcr());
    isb();
}

/* The PMU's system registers: op0 3, CRn 9 with CRm 12-14 (control, counters, PMINTEN*_EL1,
 * PMUSERENR_EL0), and op1 3, CRn 14, CRm 8-15 (PMEVCNTR<n>, PMEVTYPER<n>, PMCCFILTR). */
static bool iss_is_pmu(uint32_t iss)
{
    unsigned crn = ISS_CRN(iss), crm = ISS_CRM(iss);

    return ISS_OP0(iss) == 3 &&
           ((crn == 9 && crm >= 12 && crm <= 14) || (crn == 14 && ISS_OP1(iss) == 3 && crm >= 8));
}

static bool iss_is_debug(uint32_t iss)
{
    return ISS_OP0(iss) == OP0_DEBUG && ISS_OP1(iss) != OP1_TRACE;
}

bool arm64_pmu_debug_trap(struct vcpu *v, struct arm64_regs *regs, uint32_t iss)
{
    bool pmu = iss_is_pmu(iss), read = iss & ISS_SYSREG_DIR_READ;
    unsigned rt = ISS_SYSREG_RT(iss);

    if (!pmu && !iss_is_debug(iss)) {
        return false;
    }
    TRACE(sysreg_raz, TRACE_DV(v->dom->id, v->id), iss & ISS_SYSREG_MASK, !read, pmu ? 0 : 1);
    if (read && rt != 31) {
        regs->x[rt] = 0;
    }
    regs->elr += 4;
    return true;
}
