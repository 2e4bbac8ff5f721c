/* Secondary pCPU bring-up through PSCI CPU_ON (SMC). The boot CPU does not wait for them:
 * each one comes up, reports, and parks (WFE) until it is handed a vCPU. */
#include <tessera/arch.h>
#include <tessera/arm64/gicv3.h>
#include <tessera/arm64/mmu.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/pmu_debug.h>
#include <tessera/arm64/psci.h>
#include <tessera/arm64/smp.h>
#include <tessera/arm64/stage2.h>
#include <tessera/console.h>
#include <tessera/hostdt.h>

/* Used from the first instructions on: in .bss.early (zeroed before the MMU is on). */
struct arm64_percpu arm64_percpu[ARM64_MAX_CPUS] __attribute__((section(".bss.early")));
struct arm64_percpu *arm64_percpu_ptrs[ARM64_MAX_CPUS] __attribute__((section(".bss.early")));
static uint8_t smp_stacks[ARM64_MAX_CPUS][ARM64_STACK_SIZE]
    __attribute__((section(".noinit"), aligned(16)));
static unsigned smp_cpus __attribute__((section(".bss.early")));

extern char arm64_secondary_entry[];
extern char arm64_vectors[];
extern uint64_t arm64_mmu_tcr, arm64_mmu_ttbr;

void arm64_percpu_init_boot(uint64_t stack_top)
{
    struct arm64_percpu *cpu = &arm64_percpu[0];
    cpu->stack_top = stack_top;
    cpu->id = 0;
    cpu->mpidr = sysreg_read(mpidr_el1) & 0xff00ffffffull;
    cpu->online = 1;
    arm64_percpu_ptrs[0] = cpu;
    sysreg_write(tpidr_el2, (uint64_t)(uintptr_t)cpu);
    smp_cpus = 1;
}

unsigned arm64_smp_start(const struct hostdt *hd)
{
    uint64_t self = arm64_percpu[0].mpidr;
    unsigned next = 1;

    for (unsigned i = 0; i < hd->cpu_count && next < ARM64_MAX_CPUS; i++) {
        if (hd->cpu_mpidr[i] == self) {
            continue;
        }
        struct arm64_percpu *cpu = &arm64_percpu[next];
        cpu->id = next;
        cpu->mpidr = hd->cpu_mpidr[i];
        cpu->stack_top = (uint64_t)(uintptr_t)(smp_stacks[next] + ARM64_STACK_SIZE);
        arm64_percpu_ptrs[next] = cpu;
        /* The new CPU reads these with its MMU and caches off. */
        arm64_dcache_clean(cpu, sizeof(*cpu));
        arm64_dcache_clean(&arm64_percpu_ptrs[next], sizeof(arm64_percpu_ptrs[next]));
        arm64_dcache_clean(&arm64_mmu_tcr, sizeof(arm64_mmu_tcr));
        arm64_dcache_clean(&arm64_mmu_ttbr, sizeof(arm64_mmu_ttbr));
        int64_t rc = arm64_psci_call(PSCI_CPU_ON_64, cpu->mpidr,
                                     (uint64_t)(uintptr_t)arm64_secondary_entry, next);
        if (rc != PSCI_SUCCESS) {
            hyp_printf("cpu mpidr 0x%llx: PSCI CPU_ON failed (%lld); continuing without it",
                       (unsigned long long)cpu->mpidr, (long long)rc);
            continue;
        }
        next++;
    }
    smp_cpus = next;
    return next;
}

unsigned arm64_smp_cpus(void)
{
    return smp_cpus;
}

void arm64_secondary_main(unsigned id)
{
    struct arm64_percpu *cpu = this_cpu();

    sysreg_write(vbar_el2, (uint64_t)(uintptr_t)arm64_vectors);
    isb();
    arm64_stage2_init_cpu();
    arm64_pmu_debug_init_cpu();
    arm64_gic_init_cpu(id);
    cpu->online = 1;
    hyp_printf("cpu %u online mpidr=0x%llx", id, (unsigned long long)cpu->mpidr);
    arch_cpu_park();
}
