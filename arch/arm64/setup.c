/* The boot CPU's arm64 start: EL check, vectors, early MMU, host DT, console, RAM mapping and
 * secondary CPUs; then the arch-neutral start sequence in boot/start.c. */
#include <tessera/arch.h>
#include <tessera/arm64/mmu.h>
#include <tessera/arm64/percpu.h>
#include <tessera/arm64/pl011.h>
#include <tessera/arm64/psci.h>
#include <tessera/arm64/semihost.h>
#include <tessera/arm64/smp.h>
#include <tessera/arm64/stage2.h>
#include <tessera/arm64/sysreg.h>
#include <tessera/boot.h>
#include <tessera/console.h>
#include <tessera/hostdt.h>
#include <tessera/lib.h>

extern char _start[], __image_end[], arm64_vectors[], arm64_boot_stack_top[];

static struct hostdt setup_hd;
static bool setup_semihosting;

void lib_abort(const char *why)
{
    hyp_printf("FATAL %s", why);
    arch_cpu_halt();
}

/* True if the space-separated word occurs in the command line. */
static bool setup_has_word(const char *cmdline, const char *word)
{
    size_t n = lib_strlen(word);
    for (const char *p = cmdline; p && *p;) {
        while (*p == ' ') {
            p++;
        }
        const char *end = lib_strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : lib_strlen(p);
        if (len == n && lib_strncmp(p, word, n) == 0) {
            return true;
        }
        p = end;
    }
    return false;
}

void arch_system_exit(int status)
{
    if (setup_semihosting) {
        arm64_semihost_exit(status);
    }
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
    arm64_stage2_init_cpu();

    rc = hostdt_parse(dtb, &setup_hd, err, sizeof(err));
    if (setup_hd.uart.found) {
        pl011_init(setup_hd.uart.base);
    }
    if (rc) {
        hyp_printf("FATAL host device tree: %s", err);
        arch_cpu_halt();
    }
    setup_semihosting = setup_has_word(setup_hd.bootargs, "semihosting");
    hyp_printf("entry el=2 counter_hz=%llu entry_ticks=%llu cpus=%u",
               (unsigned long long)arch_counter_hz(), (unsigned long long)entry_ticks,
               setup_hd.cpu_count);
    for (unsigned i = 0; i < setup_hd.mem_count; i++) {
        rc = arm64_mmu_map_ram(setup_hd.mem[i].base, setup_hd.mem[i].size);
        if (rc) {
            hyp_printf("RAM bank 0x%llx+0x%llx not mapped (%d): outside the hypervisor's map",
                       (unsigned long long)setup_hd.mem[i].base,
                       (unsigned long long)setup_hd.mem[i].size, rc);
        }
    }
    arm64_smp_start(&setup_hd);

    struct boot_info bi = {
        .fdt = dtb,
        .hd = &setup_hd,
        .image_base = base,
        .image_size = (uint64_t)(uintptr_t)__image_end - base,
    };
    boot_start(&bi);
}
