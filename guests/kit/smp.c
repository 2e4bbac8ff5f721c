/* Guest kit: starting more vCPUs with PSCI CPU_ON, each on a stack of its own. A separate
 * object, so guests with one vCPU carry (and zero) none of this. */
#include <guest/kit.h>

#define KIT_CPU_STACK     8192
#define PSCI_CPU_ON_64    0xc4000003u
#define PSCI_CPU_OFF      0x84000002u
#define PSCI_INVALID_PARM (-2)

static void (*kit_cpu_fn[KIT_MAX_CPUS])(uint64_t);
static uint64_t kit_cpu_arg[KIT_MAX_CPUS];
/* Stack of vCPU n (n >= 1; vCPU 0 runs on the stack crt0.S sets up): slot n - 1 (smp.S). */
uint8_t kit_cpu_stacks[KIT_MAX_CPUS - 1][KIT_CPU_STACK] __attribute__((aligned(16)));
extern char kit_secondary_entry[];
void kit_secondary_main(uint64_t cpu);

int64_t kit_cpu_on(unsigned cpu, void (*fn)(uint64_t), uint64_t arg)
{
    if (cpu == 0 || cpu >= KIT_MAX_CPUS) {
        return PSCI_INVALID_PARM;
    }
    kit_cpu_fn[cpu] = fn;
    kit_cpu_arg[cpu] = arg;
    return kit_hvc(PSCI_CPU_ON_64, cpu, (uint64_t)(uintptr_t)kit_secondary_entry, cpu).status;
}

void kit_secondary_main(uint64_t cpu)
{
    kit_cpu_fn[cpu](kit_cpu_arg[cpu]);
    kit_hvc(PSCI_CPU_OFF, 0, 0, 0); /* does not return */
    for (;;) {
        __asm__ volatile("wfi");
    }
}
