/* The boot CPU's arm64 start: EL check, vectors, early MMU, host DT, console, RAM mapping and
 * secondary CPUs; then the arch-neutral start sequence in boot/start.c. */
#include <tessera/arch.h>
#include <tessera/arm64/gicv3.h>
#include <tessera/arm64/mmu.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/pmu_debug.h>
#include <tessera/arm64/pl011.h>
#include <tessera/arm64/psci.h>
#include <tessera/arm64/smp.h>
#include <tessera/arm64/stage2.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/arm64/trace_out.h>
#include <tessera/arm64/traps.h>
#include <tessera/boot.h>
#include <tessera/trace.h>
#include <tessera/console.h>
#include <tessera/hostdt.h>
#include <tessera/lib.h>

extern char _start[], __image_end[], arm64_vectors[], arm64_boot_stack_top[], __bss_start[],
    __bss_end[];

static struct hostdt setup_hd;

void lib_abort(const char *why)
{
    hyp_printf("FATAL %s", why);
    arch_cpu_halt();
}

/* The run's verdict already went out as the "exit status=S" line (status is not needed here):
 * the trace follows on the console, then the machine powers off. No other way out exists: the
 * QEMU that runs guests has no semihosting (docs/console.md). */
void arch_system_exit(int status)
{
    (void)status;
    arm64_trace_out();
    arm64_psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
    arch_cpu_halt();
}

/* Entered below EL2: no virtualization. Say so on the UART (MMU off, EL2 registers out of
 * reach) and stop. */
static void setup_wrong_el(const void *dtb, uint64_t el)
{
    static char msg[] = "tessera: entered at ELx, not EL2: the hypervisor needs EL2 "
                        "(QEMU: -M virt,virtualization=on; boards: boot from EL2 "
                        "firmware); halting\n";
    char err[8];

    msg[sizeof("tessera: entered at EL") - 1] = (char)('0' + el);
    if (hostdt_parse(dtb, &setup_hd, err, sizeof(err)) == 0 || setup_hd.uart.found) {
        pl011_init(setup_hd.uart.base);
        pl011_write(msg, sizeof(msg) - 1);
    }
    arch_cpu_halt();
}

void arm64_primary_main(const void *dtb, uint64_t entry_ticks, uint64_t el, uint64_t base)
{
    char err[160];
    int rc;

    if (el != 2) {
        setup_wrong_el(dtb, el);
    }
    sysreg_write(vbar_el2, (uint64_t)(uintptr_t)arm64_vectors);
    isb();
    arm64_percpu_init_boot((uint64_t)(uintptr_t)arm64_boot_stack_top);
    arm64_mmu_early(base, (uint64_t)(uintptr_t)__image_end, (uint64_t)(uintptr_t)dtb);
    /* The rest of .bss, with DC ZVA now that memory is cacheable (head.S zeroed only
     * .bss.early, which the steps above use). */
    arch_zero(__bss_start, (size_t)(__bss_end - __bss_start));
    TRACE_AT(entry_ticks, boot_phase, TRACE_BOOT_ENTRY, el);
    TRACE(boot_phase, TRACE_BOOT_MMU, 0);
    arm64_stage2_init();
    arm64_stage2_init_cpu();
    arm64_pmu_debug_init_cpu();

    TRACE(boot_phase, TRACE_BOOT_HOSTDT, 0);
    rc = hostdt_parse(dtb, &setup_hd, err, sizeof(err));
    TRACE(boot_phase, TRACE_BOOT_CONSOLE, 0);
    if (setup_hd.uart.found) {
        pl011_init(setup_hd.uart.base);
    }
    if (rc) {
        hyp_printf("FATAL host device tree: %s", err);
        arch_cpu_halt();
    }
    arm64_trace_out_init(setup_hd.bootargs, setup_hd.trace_target, setup_hd.trace_target_size);
    hyp_printf("entry el=2 counter_hz=%llu entry_ticks=%llu cpus=%u",
               (unsigned long long)arch_counter_hz(), (unsigned long long)entry_ticks,
               setup_hd.cpu_count);
    for (unsigned i = 0; i < setup_hd.mem_count; i++) {
        rc = arm64_mmu_map_ram(setup_hd.mem[i].base, setup_hd.mem[i].size);
        if (rc) {
            hyp_printf("RAM bank 0x%llx+0x%llx not mapped (%s): outside the hypervisor's map",
                       (unsigned long long)setup_hd.mem[i].base,
                       (unsigned long long)setup_hd.mem[i].size, lib_errstr(rc));
        }
    }
    if (arm64_gic_init(&setup_hd) == 0) {
        arm64_gic_init_cpu(0);
        /* Console input by interrupt: nothing at EL2 runs periodically to poll it. */
        if (setup_hd.uart.found && arm64_gic_console_irq(setup_hd.uart.intid) == 0) {
            pl011_rx_start();
        }
    }
    arm64_trap_fixup_selftest();
    TRACE(boot_phase, TRACE_BOOT_SMP, setup_hd.cpu_count);
    arm64_smp_start(&setup_hd);

    struct boot_info bi = {
        .fdt = dtb,
        .hd = &setup_hd,
        .image_base = base,
        .image_size = (uint64_t)(uintptr_t)__image_end - base,
    };
    boot_start(&bi);
}
