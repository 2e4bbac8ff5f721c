/* arm64 implementation of the basic arch interface: counter, CPU index, serial, events. */
#include <tessera/arch.h>
#include <tessera/arm64/pl011.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/lib.h>

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

void arch_zero(void *p, size_t n)
{
    uint64_t dczid = sysreg_read(dczid_el0);
    size_t block = 4u << (dczid & 0xf);
    uintptr_t a = (uintptr_t)p, end = a + n;

    /* DC ZVA zeroes a whole block (64 bytes on Cortex-A57) per instruction. */
    if ((dczid & (1u << 4)) || n < 2 * block) {
        lib_memset(p, 0, n);
        return;
    }
    uintptr_t head = ALIGN_UP(a, block), tail = ALIGN_DOWN(end, block);
    lib_memset(p, 0, head - a);
    /* Eight blocks a round: DC ZVA takes no offset, so each block costs it and an add, and the
     * loop's compare and branch are shared (scrubbing cost is boot time, see frame.h). */
    while (tail - head >= 8 * block) {
        __asm__ volatile(".rept 8\n\t"
                         "dc zva, %0\n\t"
                         "add %0, %0, %1\n\t"
                         ".endr"
                         : "+r"(head)
                         : "r"(block)
                         : "memory");
    }
    for (; head < tail; head += block) {
        __asm__ volatile("dc zva, %0" ::"r"(head) : "memory");
    }
    lib_memset((void *)tail, 0, end - tail);
}
