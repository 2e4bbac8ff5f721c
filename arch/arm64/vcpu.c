/* arm64 vCPUs: initial EL1 state, loading a vCPU onto a pCPU, and the park loop of a pCPU
 * with nothing to run. */
#include <tessera/arch.h>
#include <tessera/arm64/gicv3.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/pmu_debug.h>
#include <tessera/arm64/smp.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/arm64/vcpu.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/trace.h>

/* Stage 2 on, physical interrupts and SErrors to EL2 (which also gives EL1 the virtual GIC
 * CPU interface and traps its SGI writes), WFI and SMC trapped (blocking, PSCI emulation),
 * EL1 is AArch64, barriers and TLB maintenance broadcast inner shareable. */
#define VCPU_HCR                                                                                   \
    (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | HCR_TWI | HCR_TSC |   \
     HCR_RW)

/* SVE and the trace unit's registers trapped (neither is offered: the first would be state no
 * one switches); FP/SIMD left to the guest, switched with the rest of its context. */
#define VCPU_CPTR (CPTR_EL2_RES1 | CPTR_EL2_TZ | CPTR_EL2_TTA)

void arch_vcpu_init(struct vcpu *v, uint64_t entry, uint64_t arg0)
{
    lib_memset(&v->arch, 0, sizeof(v->arch));
    v->arch.regs.x[0] = arg0;
    v->arch.regs.elr = entry;
    v->arch.regs.spsr = SPSR_EL1H_DAIF;
    v->arch.el1.sctlr = SCTLR_EL1_RES1;    /* everything else of its context starts at 0 */
    v->arch.vmpidr = (1ull << 31) | v->id; /* uniprocessor bit clear, Aff0 = vCPU id */
    v->arch.hcr = VCPU_HCR;
    v->arch.mdcr = arm64_pmu_debug_mdcr();
}

void arm64_vcpu_run(struct vcpu *v)
{
    struct arm64_percpu *cpu = this_cpu();

    sysreg_write(vttbr_el2, v->dom->arch.vttbr);
    sysreg_write(hcr_el2, v->arch.hcr);
    sysreg_write(vpidr_el2, sysreg_read(midr_el1));
    sysreg_write(vmpidr_el2, v->arch.vmpidr);
    sysreg_write(cptr_el2, VCPU_CPTR);
    sysreg_write(mdcr_el2, v->arch.mdcr);
    /* The physical counter stays readable; the EL1 physical timer (CNTP_*) traps. */
    sysreg_write(cnthctl_el2, CNTHCTL_EL1PCTEN);
    sysreg_write(cntvoff_el2, v->dom->vcounter_offset);
    isb();
    arm64_vcpu_ctx_load(v); /* all of it: a new vCPU gets reset values, not the last one's */
    arm64_vgic_load(v);
    if (!v->entered) {
        /* A VMID may have belonged to an earlier domain: start with no stale entries. */
        __asm__ volatile("tlbi vmalls12e1; dsb nsh" ::: "memory");
        v->entered = true;
        v->power = VCPU_ON;
        if (v->id == 0) {
            /* dom_start made the domain running (under its lock) before handing vCPU 0 over;
             * writing it here could revive a domain destroyed meanwhile. */
            TRACE(boot_dom_step, v->dom->id, TRACE_DOM_STEP_FIRST_ENTRY, v->arch.regs.elr);
        }
        hyp_printf("dom %s vcpu %u entry pc=0x%llx", v->dom->name, v->id,
                   (unsigned long long)v->arch.regs.elr);
    }
    TRACE(sched_switch, cpu->id, TRACE_IDLE, TRACE_DV(v->dom->id, v->id), TRACE_SWITCH_START);
    cpu->vcpu = v;
    cpu->regs = &v->arch.regs;
    /* Whoever pended an interrupt for v before seeing it here has kicked nobody: look. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    arm64_vgic_refresh(v);
    arm64_return_to_guest();
}

int arch_vcpu_start(struct vcpu *v)
{
    struct arm64_percpu *cpu;

    if (v->pcpu >= arm64_smp_cpus()) {
        return -EINVAL;
    }
    cpu = arm64_percpu_ptrs[v->pcpu];
    struct vcpu *expected = NULL;
    if (!__atomic_compare_exchange_n(&cpu->next, &expected, v, false, __ATOMIC_RELEASE,
                                     __ATOMIC_RELAXED)) {
        return -EBUSY;
    }
    TRACE(sched_wake, v->dom->id, v->id);
    arch_send_event();
    return 0;
}

unsigned arch_cpu_count(void)
{
    return arm64_smp_cpus();
}

int arch_cpu_call(unsigned cpu, void (*fn)(void *), void *arg)
{
    struct arm64_percpu *c;

    if (cpu >= arm64_smp_cpus()) {
        return -EINVAL;
    }
    c = arm64_percpu_ptrs[cpu];
    if (__atomic_load_n(&c->job, __ATOMIC_ACQUIRE)) {
        return -EBUSY;
    }
    c->job_arg = arg;
    __atomic_store_n(&c->job, fn, __ATOMIC_RELEASE);
    arch_send_event();
    return 0;
}

/* Runs the job handed to this pCPU, if any. */
static void vcpu_park_job(struct arm64_percpu *cpu)
{
    void (*fn)(void *) = __atomic_load_n(&cpu->job, __ATOMIC_ACQUIRE);
    if (fn) {
        fn(cpu->job_arg);
        __atomic_store_n(&cpu->job, NULL, __ATOMIC_RELEASE);
    }
}

/* The vCPU handed to this pCPU, now marked as running here, or NULL. Claiming it (vcpu set,
 * then next cleared) pairs with arch_vcpu_stop() (next cleared, then vcpu read): either the
 * stop cancels the hand-over, or it sees the vCPU running and waits for it to leave. A vCPU
 * whose domain has ended meanwhile does not run. */
static struct vcpu *vcpu_park_take(struct arm64_percpu *cpu)
{
    struct vcpu *v = __atomic_load_n(&cpu->next, __ATOMIC_ACQUIRE);
    struct vcpu *claimed = v;

    if (!v) {
        return NULL;
    }
    __atomic_store_n(&cpu->vcpu, v, __ATOMIC_SEQ_CST);
    if (!__atomic_compare_exchange_n(&cpu->next, &claimed, NULL, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST)) {
        v = NULL; /* cancelled by arch_vcpu_stop() */
    } else if (v->dom->state != DOM_RUNNING) {
        __atomic_store_n(&v->power, VCPU_OFF, __ATOMIC_RELEASE);
        v = NULL;
    }
    if (!v) {
        __atomic_store_n(&cpu->vcpu, NULL, __ATOMIC_SEQ_CST);
        arch_send_event();
    }
    return v;
}

void arch_vcpu_stop(struct vcpu *v)
{
    struct vcpu *expected = v;
    struct arm64_percpu *cpu;

    if (v->pcpu >= arm64_smp_cpus() || v->pcpu == arch_cpu_id()) {
        return;
    }
    cpu = arm64_percpu_ptrs[v->pcpu];
    if (__atomic_compare_exchange_n(&cpu->next, &expected, NULL, false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST)) {
        __atomic_store_n(&v->power, VCPU_OFF, __ATOMIC_RELEASE);
        return; /* handed over, never entered */
    }
    while (__atomic_load_n(&cpu->vcpu, __ATOMIC_SEQ_CST) == v) {
        arch_vcpu_kick(v);
        arch_wait_event();
    }
}

/* Waits until no pCPU runs a vCPU any more. When every domain has ended, a vCPU of one may still
 * be finishing a hypercall on its pCPU (its last console line, say) before it leaves at the exit
 * its kick forces: the system ends after that, not in the middle of it. */
static void vcpu_wait_all_parked(void)
{
    for (unsigned i = 0; i < arm64_smp_cpus(); i++) {
        while (__atomic_load_n(&arm64_percpu_ptrs[i]->vcpu, __ATOMIC_SEQ_CST) != NULL) {
            arch_wait_event();
        }
    }
}

void arch_cpu_park(void)
{
    static int exiting;
    struct arm64_percpu *cpu = this_cpu();
    int status;

    __atomic_store_n(&cpu->vcpu, NULL, __ATOMIC_SEQ_CST);
    arch_send_event(); /* for arch_vcpu_stop() waiting on another pCPU */
    for (;;) {
        vcpu_park_job(cpu);
        struct vcpu *v = vcpu_park_take(cpu);
        if (v) {
            arm64_vcpu_run(v);
        }
        if (dom_all_ended(&status) && !__atomic_exchange_n(&exiting, 1, __ATOMIC_ACQ_REL)) {
            vcpu_wait_all_parked();
            hyp_printf("exit status=%d", status);
            arch_system_exit(status);
        }
        /* A physical interrupt still pending here (a late kick, a passthrough SPI) would end
         * every WFE at once: take it. */
        while (arm64_gic_handle_irq()) {
        }
        /* WFE, not a spin: under QEMU's round-robin icount a waiting CPU then costs a few
         * instructions per round instead of a whole time slice. */
        arch_wait_event();
    }
}
