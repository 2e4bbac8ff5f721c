/* arm64 implementation of the basic arch interface: counter, CPU index, serial, events. */
#include <tessera/arch.h>
#include <tessera/arm64/pl011.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/sysreg.h>

uint64_t arch_counter(void)
{
    isb();
    return sysreg_read(cntpct_el0);
}

uint64_t arch_counter_hz(void)
{
    return sysreg_read(cntfrq_el0);
}

unsigned arch_cpu_id(void)
{
    return this_cpu()->id;
}

void arch_serial_write(const char *s, size_t n)
{
    pl011_write(s, n);
}

void arch_wait_event(void)
{
    __asm__ volatile("wfe" ::: "memory");
}

void arch_send_event(void)
{
    __asm__ volatile("dsb ishst; sev" ::: "memory");
}

void *arch_phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)pa;
}

void arch_cpu_halt(void)
{
    __asm__ volatile("msr daifset, #0xf" ::: "memory");
    for (;;) {
        __asm__ volatile("wfi");
    }
}
