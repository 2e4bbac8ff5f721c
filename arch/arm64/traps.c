/* Trap handling: ESR exception-class dispatch for traps from guests, and the report of a
 * fault inside the hypervisor itself. A guest can never stop the hypervisor: what it does
 * wrong is refused, reported, and reflected back into the guest or ends that domain. */
#include <tessera/arch.h>
#include <tessera/arm64/esr.h>
#include <tessera/arm64/gicv3.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/pmu_debug.h>
#include <tessera/arm64/psci.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/arm64/traps.h>
#include <tessera/arm64/vcpu.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/hypercall_dispatch.h>
#include <tessera/lib.h>
#include <tessera/mmio.h>
#include <tessera/trace.h>
#include <tessera/vgic.h>

const char *esr_class_name(unsigned ec)
{
    switch (ec) {
    case EC_UNKNOWN:
        return "unknown/undefined instruction";
    case EC_WFX:
        return "WFI/WFE";
    case EC_FP_ASIMD:
        return "FP/SIMD access";
    case EC_ILLEGAL:
        return "illegal execution state";
    case EC_SVC64:
        return "SVC";
    case EC_HVC64:
        return "HVC";
    case EC_SMC64:
        return "SMC";
    case EC_SYSREG:
        return "system register access";
    case EC_SVE:
        return "SVE access";
    case EC_IABT_LOW:
        return "instruction abort from lower EL";
    case EC_IABT_CUR:
        return "instruction abort from EL2";
    case EC_PC_ALIGN:
        return "PC alignment";
    case EC_DABT_LOW:
        return "data abort from lower EL";
    case EC_DABT_CUR:
        return "data abort from EL2";
    case EC_SP_ALIGN:
        return "SP alignment";
    case EC_SERROR:
        return "SError";
    case EC_BRK64:
        return "BRK";
    default:
        return "other";
    }
}

static struct vcpu *trap_vcpu(void)
{
    return this_cpu()->vcpu;
}

/* Takes the vCPU off this pCPU for good; never returns. Its context leaves the registers
 * before it is marked off: from then on another pCPU may start it afresh (PSCI CPU_ON). */
static void trap_stop_vcpu(void) __attribute__((noreturn));
static void trap_stop_vcpu(void)
{
    struct vcpu *v = this_cpu()->vcpu;

    TRACE(sched_switch, arch_cpu_id(), TRACE_DV(v->dom->id, v->id), TRACE_IDLE, TRACE_SWITCH_EXIT);
    arm64_vcpu_ctx_leave(v);
    arm64_vgic_unload();
    arm64_vtimer_stop();
    __atomic_store_n(&v->power, VCPU_OFF, __ATOMIC_RELEASE);
    arch_cpu_park();
}

/* Enters the guest's EL1 synchronous exception vector as if the fault had been taken there. */
static void trap_inject_sync(struct arm64_regs *regs, uint64_t esr_el1, uint64_t far)
{
    uint64_t mode = regs->spsr & SPSR_MODE_MASK;
    uint64_t offset = mode == SPSR_MODE_EL0T ? 0x400 : mode == SPSR_MODE_EL1T ? 0x000 : 0x200;
    struct vcpu *v = trap_vcpu();

    TRACE(trap_inject, TRACE_DV(v->dom->id, v->id), ESR_EC(esr_el1), far);
    sysreg_write(esr_el1, esr_el1);
    sysreg_write(far_el1, far);
    sysreg_write(elr_el1, regs->elr);
    sysreg_write(spsr_el1, regs->spsr);
    regs->elr = sysreg_read(vbar_el1) + offset;
    regs->spsr = SPSR_EL1H_DAIF;
}

static void trap_inject_undef(struct arm64_regs *regs, uint64_t esr)
{
    trap_inject_sync(regs, ((uint64_t)EC_UNKNOWN << ESR_EC_SHIFT) | (esr & ESR_IL), 0);
}

/* Reflecting a fault into the guest sends it to its vector table; a fault there again would
 * loop forever, so a fault inside the vector table ends the domain instead. */
static bool trap_in_guest_vectors(const struct arm64_regs *regs)
{
    uint64_t vbar = sysreg_read(vbar_el1);
    return regs->elr >= vbar && regs->elr - vbar < 0x800;
}

/* A data abort the syndrome fully describes (ISV): emulate it if an emulated device of the
 * domain covers the address, then step past the instruction. */
static bool trap_mmio(struct vcpu *v, struct arm64_regs *regs, uint64_t esr, uint64_t ipa)
{
    uint32_t iss = ESR_ISS(esr);
    unsigned srt = ISS_DABT_SRT(iss), size = 1u << ISS_DABT_SAS(iss);
    bool write = iss & ISS_DABT_WNR;
    uint64_t value = write && srt != 31 ? regs->x[srt] : 0; /* register 31 is xzr here */

    if (!(iss & ISS_DABT_ISV) || !mmio_emulate(v, ipa, size, write, &value)) {
        return false;
    }
    if (!write && srt != 31) {
        regs->x[srt] = value & (size == 8 ? ~0ull : (1ull << (8 * size)) - 1);
    }
    regs->elr += 4;
    return true;
}

static void trap_abort(struct vcpu *v, struct arm64_regs *regs, uint64_t esr, unsigned ec)
{
    uint64_t far = sysreg_read(far_el2);
    uint64_t ipa = ((sysreg_read(hpfar_el2) >> 4) << 12) | (far & 0xfff);
    bool from_el0 = (regs->spsr & SPSR_MODE_MASK) == SPSR_MODE_EL0T;
    bool instr = ec == EC_IABT_LOW;
    unsigned new_ec =
        instr ? (from_el0 ? EC_IABT_LOW : EC_IABT_CUR) : (from_el0 ? EC_DABT_LOW : EC_DABT_CUR);

    if (!instr && trap_mmio(v, regs, esr, ipa)) {
        return;
    }
    if (trap_in_guest_vectors(regs)) {
        char why[128];
        lib_snprintf(why, sizeof(why), "%s ipa=0x%llx pc=0x%llx inside its exception vectors",
                     instr ? "instruction-abort" : "data-abort", (unsigned long long)ipa,
                     (unsigned long long)regs->elr);
        dom_crash(v->dom, why);
        trap_stop_vcpu();
    }
    hyp_printf("dom %s fault %s ipa=0x%llx va=0x%llx pc=0x%llx esr=0x%llx: no memory there, "
               "external abort injected",
               v->dom->name, instr ? "instruction-abort" : "data-abort", (unsigned long long)ipa,
               (unsigned long long)far, (unsigned long long)regs->elr, (unsigned long long)esr);
    trap_inject_sync(regs, ((uint64_t)new_ec << ESR_EC_SHIFT) | ESR_IL | FSC_SYNC_EXT_ABORT, far);
}

/* True if v has a virtual interrupt to take: one in its pending set it may take, or one a
 * list register already holds. */
static bool trap_wfi_wakes(struct vcpu *v)
{
    return arm64_vgic_lr_pending() || vgic_has_deliverable(v);
}

/* WFI: the vCPU sleeps on its pCPU until a virtual interrupt is pending for it. The physical
 * interrupts that can bring one (its passthrough SPIs, its timer, a kick from another pCPU)
 * are taken here with PSTATE.I still masked: a masked interrupt still ends a WFI. */
static void trap_wfi(struct vcpu *v, struct arm64_regs *regs)
{
    regs->elr += 4;
    if (trap_wfi_wakes(v)) {
        return;
    }
    TRACE(sched_block, v->dom->id, v->id);
    while (v->dom->state == DOM_RUNNING && !trap_wfi_wakes(v)) {
        if (!arm64_gic_handle_irq()) {
            __asm__ volatile("dsb sy; wfi" ::: "memory");
        }
    }
    TRACE(sched_wake, v->dom->id, v->id);
}

/* A trapped system register access: ICC_SGI1R_EL1 writes (virtual SGIs) are emulated, so are
 * the PMU and debug registers (RAZ/WI, pmu_debug.c); any other register the guest may not use
 * (the EL1 physical timer, CNTP_*; the trace unit) is refused with an undefined instruction. */
static void trap_sysreg(struct vcpu *v, struct arm64_regs *regs, uint64_t esr)
{
    uint32_t iss = ESR_ISS(esr);
    unsigned rt = ISS_SYSREG_RT(iss);

    if ((iss & ISS_SYSREG_MASK) == ISS_ICC_SGI1R_EL1 && !(iss & ISS_SYSREG_DIR_READ)) {
        vgic_sgi1r(v, rt == 31 ? 0 : regs->x[rt]);
        regs->elr += 4;
        return;
    }
    if (arm64_pmu_debug_trap(v, regs, iss)) {
        return;
    }
    hyp_printf("dom %s fault %s esr=0x%llx pc=0x%llx: undefined instruction injected", v->dom->name,
               esr_class_name(EC_SYSREG), (unsigned long long)esr, (unsigned long long)regs->elr);
    trap_inject_undef(regs, esr);
}

static void trap_hvc(struct vcpu *v, struct arm64_regs *regs, uint64_t esr)
{
    uint32_t fn = (uint32_t)regs->x[0];
    uint32_t owner = (fn >> HC_SMCCC_OWNER_SHIFT) & HC_SMCCC_OWNER_MASK;
    bool resume = true;

    if ((esr & 0xffff) != 0) {
        regs->x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED; /* only HVC #0 is the ABI */
    } else if (owner == HC_OWNER_VENDOR_HYP && (fn & HC_SMCCC_FAST)) {
        resume = hc_dispatch(v, regs->x) == HC_RESUME;
    } else if (arm64_psci_is_call(fn) || fn == SMCCC_VERSION) {
        resume = arm64_psci_guest(v, regs->x);
    } else {
        regs->x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
    }
    if (!resume) {
        trap_stop_vcpu();
    }
}

void arm64_trap_guest_sync(struct arm64_regs *regs)
{
    struct vcpu *v = trap_vcpu();
    uint64_t esr = sysreg_read(esr_el2);
    unsigned ec = ESR_EC(esr);
    char why[96];

    TRACE(trap, TRACE_DV(v->dom->id, v->id), ec, esr, regs->elr);
    switch (ec) {
    case EC_HVC64:
        trap_hvc(v, regs, esr);
        return;
    case EC_SMC64:
        regs->elr += 4; /* a trapped SMC reports the SMC itself */
        if (!arm64_psci_guest(v, regs->x)) {
            trap_stop_vcpu();
        }
        return;
    case EC_DABT_LOW:
    case EC_IABT_LOW:
        trap_abort(v, regs, esr, ec);
        return;
    case EC_WFX:
        if (ESR_ISS(esr) & ISS_WFX_TI) {
            regs->elr += 4; /* WFE: nothing else to run on this pCPU */
        } else {
            trap_wfi(v, regs);
        }
        return;
    case EC_SYSREG:
        trap_sysreg(v, regs, esr);
        return;
    case EC_UNKNOWN:
    case EC_SVE: /* CPTR_EL2.TZ: no SVE state is switched, so none is offered */
        hyp_printf("dom %s fault %s esr=0x%llx pc=0x%llx: undefined instruction injected",
                   v->dom->name, esr_class_name(ec), (unsigned long long)esr,
                   (unsigned long long)regs->elr);
        trap_inject_undef(regs, esr);
        return;
    default:
        lib_snprintf(why, sizeof(why), "unhandled trap EC=0x%02x (%s) esr=0x%llx pc=0x%llx", ec,
                     esr_class_name(ec), (unsigned long long)esr, (unsigned long long)regs->elr);
        dom_crash(v->dom, why);
        trap_stop_vcpu();
    }
}

void arm64_trap_guest_irq(struct arm64_regs *regs)
{
    (void)regs;
    arm64_gic_handle_irq();
}

void arm64_trap_exit(void)
{
    struct vcpu *v = trap_vcpu();

    if (v->dom->state != DOM_RUNNING) {
        trap_stop_vcpu(); /* another vCPU ended the domain */
    }
    arm64_vgic_refresh(v);
}

void arm64_trap_guest_fiq(struct arm64_regs *regs)
{
    (void)regs;
    hyp_printf("cpu %u: unexpected FIQ", arch_cpu_id());
}

void arm64_trap_guest_serror(struct arm64_regs *regs)
{
    struct vcpu *v = trap_vcpu();
    char why[64];
    lib_snprintf(why, sizeof(why), "SError esr=0x%llx pc=0x%llx",
                 (unsigned long long)sysreg_read(esr_el2), (unsigned long long)regs->elr);
    dom_crash(v->dom, why);
    trap_stop_vcpu();
}

void arm64_trap_guest_aarch32(struct arm64_regs *regs)
{
    (void)regs;
    dom_crash(trap_vcpu()->dom, "AArch32 execution is not supported");
    trap_stop_vcpu();
}

void arm64_trap_hyp(struct arm64_regs *regs, unsigned kind)
{
    static const char *const kinds[] = {"synchronous exception", "IRQ", "FIQ", "SError"};
    uint64_t esr = sysreg_read(esr_el2);

    hyp_printf("FATAL cpu %u: %s at EL2: EC=0x%02llx (%s) ESR=0x%llx FAR=0x%llx ELR=0x%llx "
               "SPSR=0x%llx; this CPU stops",
               arch_cpu_id(), kinds[kind & 3], (unsigned long long)ESR_EC(esr),
               esr_class_name(ESR_EC(esr)), (unsigned long long)esr,
               (unsigned long long)sysreg_read(far_el2), (unsigned long long)regs->elr,
               (unsigned long long)regs->spsr);
    arch_cpu_halt();
}

extern char arm64_guest_access_begin[], arm64_guest_access_end[], arm64_guest_access_fault[];
static bool trap_fixup_quiet; /* the boot self-test: traced, not printed */

/* A data abort inside the guest-memory copy routines: the copy returns -EFAULT instead of the
 * pCPU stopping. The pointer checks (core/guest_copy.c) should leave nothing for this to
 * catch; it is the last line of defence, so each use is reported and traced. */
static bool trap_hyp_fixup(struct arm64_regs *regs, uint64_t esr)
{
    uint64_t pc = regs->elr, far = sysreg_read(far_el2);

    if (ESR_EC(esr) != EC_DABT_CUR || pc < (uint64_t)(uintptr_t)arm64_guest_access_begin ||
        pc >= (uint64_t)(uintptr_t)arm64_guest_access_end) {
        return false;
    }
    regs->elr = (uint64_t)(uintptr_t)arm64_guest_access_fault;
    TRACE(hyp_fixup, arch_cpu_id(), pc, far, esr);
    if (trap_fixup_quiet) {
        return true;
    }
    hyp_printf("cpu %u: data abort at EL2 copying guest memory (FAR=0x%llx ESR=0x%llx "
               "PC=0x%llx): the copy returns -EFAULT",
               arch_cpu_id(), (unsigned long long)far, (unsigned long long)esr,
               (unsigned long long)pc);
    return true;
}

void arm64_trap_hyp_sync(struct arm64_regs *regs)
{
    if (!trap_hyp_fixup(regs, sysreg_read(esr_el2))) {
        arm64_trap_hyp(regs, 0);
    }
}

void arm64_trap_fixup_selftest(void)
{
    uint8_t byte;

    /* Beyond the 39-bit VA space of EL2's tables: a translation fault, every time. */
    trap_fixup_quiet = true;
    int rc = arch_guest_copy(&byte, (const void *)(uintptr_t)(1ull << 40), 1);
    trap_fixup_quiet = false;
    if (rc != -EFAULT) {
        hyp_printf("FATAL cpu %u: the guest-memory copy fixup does not work (%d): a bad guest "
                   "pointer could stop a pCPU",
                   arch_cpu_id(), rc);
        arch_system_exit(2);
    }
}
