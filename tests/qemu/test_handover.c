/* Integration boots of pCPU hand-overs (DESIGN.md section 3, "Nothing crosses a pCPU
 * hand-over"): what a rebuilt domain finds in its registers and RAM, a passthrough interrupt
 * whose domain crashed, RAM a domain gets straight after boot, and what the boot domain of the
 * bootdomain mode can read. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/fileio.h>

#include "boot_helpers.h"

/* The console lines of domain name that contain text, joined (caller frees); "" if none. */
static char *lines_with(const struct boot *b, const char *name, const char *text)
{
    char prefix[64];
    size_t len = 0;
    char *out = calloc(1, 1);

    snprintf(prefix, sizeof(prefix), "] %s: ", name);
    for (const char *p = b->console; (p = strstr(p, prefix)) != NULL; p += strlen(prefix)) {
        const char *bol = p, *eol = strchr(p, '\n');
        size_t n;
        while (bol > b->console && bol[-1] != '\n') {
            bol--;
        }
        n = eol ? (size_t)(eol - bol + 1) : strlen(bol);
        const char *hit = strstr(p, text);
        if (hit && (!eol || hit < eol)) {
            out = realloc(out, len + n + 1);
            memcpy(out + len, bol, n);
            len += n;
            out[len] = '\0';
        }
    }
    return out;
}

/* Fails with the domain's FAIL lines unless its verdict line says it passed. */
static void check_guest_passed(const struct boot *b, const char *name)
{
    char want[96];
    char *fails = lines_with(b, name, "FAIL");

    snprintf(want, sizeof(want), "] %s: verdict: PASS (0 failed)\n", name);
    cr_assert(strstr(b->console, want) && fails[0] == '\0', "%s did not pass:\n%s(results in %s)",
              name, fails, b->dir);
    free(fails);
}

/* Number of console lines containing text. */
static unsigned count_lines(const struct boot *b, const char *text)
{
    unsigned n = 0;
    for (const char *p = b->console; (p = strstr(p, text)) != NULL; p += strlen(text)) {
        n++;
    }
    return n;
}

/* The heir crashes after marking its FP/SIMD registers, EL1 system registers, timer, PMU and
 * debug registers and its RAM; the rebuilt heir on the same pCPU finds reset values, RAM that
 * reads as zero, and PMU and debug registers that read as zero and ignore writes. */
Test(handover, context_restart, .timeout = 110)
{
    struct boot b = {0};
    char *path = data_path("handover-restart.dts");

    boot_run_path(path, NULL, 0, &b);
    check_console_has(&b, "] heir: first incarnation: marking registers");
    check_console_has(&b, "hyp: dom heir restart 1/3\n");
    check_console_has(&b, "] heir: rebuilt incarnation: checking what the first one left\n");
    check_guest_passed(&b, "heir");
    check_guest_passed(&b, "witness");
    /* Each vCPU entry loads a whole context; each exit drops it from the registers. */
    cr_assert_eq(per_event(&b, "vcpu_ctx_load"), 3, "witness, heir, rebuilt heir");
    cr_assert_eq(per_event(&b, "vcpu_ctx_save"), 3, "each of the three leaves its pCPU");
    /* Six PMU and debug registers written by each incarnation, eight read before and after the
     * rebuilt one writes: every access trapped and emulated. */
    cr_assert_eq(per_event(&b, "sysreg_raz"), 6 + 8 + 6 + 8);
    /* The crashed heir's RAM was scrubbed before the rebuilt one got it. */
    cr_assert_gt(per_event(&b, "scrub"), 0);
    free(path);
    boot_free(&b, true);
}

/* The stormer enables its passthrough RTC interrupt and crashes before the RTC asserts it. When
 * it does, the interrupt must not reach pCPU 0: the domain's SPIs were disabled, cleared and
 * unrouted when it stopped. The survivor runs through that moment; the run fails only because
 * the stormer crashed (exit 1). */
Test(handover, irq_storm, .timeout = 110)
{
    struct boot b = {0};
    char *path = data_path("irq-storm.dts");

    boot_run_path(path, NULL, 1, &b);
    unsigned orphans = count_lines(&b, "belongs to no running domain");
    const char *first = strstr(b.console, "belongs to no running domain");
    while (first && first > b.console && first[-1] != '\n') {
        first--;
    }
    cr_assert_eq(orphans, 0,
                 "%u lines 'interrupt ... belongs to no running domain', the first: %.80s", orphans,
                 first ? first : "");
    check_guest_passed(&b, "survivor");
    check_console_has(&b, "] stormer: INTID 34 enabled");
    check_console_has(&b, "hyp: dom stormer shutdown reason=crash\n");
    /* Physical interrupts: the survivor's timer, a few kicks; never a storm. */
    cr_assert_lt(per_event(&b, "irq_phys"), 20);
    cr_assert_eq(per_event(&b, "irq_release"), 1, "the stormer's SPI released once");
    free(path);
    boot_free(&b, true);
}

/* The phoenix enables its RTC interrupt and crashes before the RTC asserts it; its rebuilt
 * incarnation sees nothing of it until it enables the interrupt itself, then takes it once. */
Test(handover, irq_restart, .timeout = 110)
{
    struct boot b = {0};
    char *path = data_path("irq-restart.dts");

    boot_run_path(path, NULL, 0, &b);
    check_console_has(&b, "hyp: dom phoenix restart 1/3\n");
    check_guest_passed(&b, "phoenix");
    cr_assert_eq(count_lines(&b, "belongs to no running domain"), 0, "%s", b.console);
    cr_assert_eq(per_event(&b, "irq_release"), 2, "released at the crash and at the poweroff");
    cr_assert_eq(per_event(&b, "irq_assign"), 2, "assigned at boot and to the rebuilt instance");
    free(path);
    boot_free(&b, true);
}

/* The bootdomain mode: the boot domain orders and releases the fleet through domctl only and
 * cannot read a byte of it (its toolstack probes each fleet kernel's frames and reports an
 * isolation probe). */
Test(handover, bootdomain_cannot_read_fleet, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "fleet4.dts");
    char *fails;

    boot_run_mode(path, "bootdomain", NULL, 0, &b);
    fails = lines_with(&b, "boot", "FAIL");
    cr_assert_eq(fails[0], '\0', "the boot domain read the fleet:\n%s", fails);
    free(fails);
    cr_assert_eq(count_lines(&b, "] boot: PASS: "), 4, "one probe per fleet domain:\n%s",
                 b.console);
    check_console_has(&b, "] boot: isolation bootdomain_reads_fleet blocked\n");
    check_console_has(&b, "hyp: dom boot fault data-abort ipa=0x40");
    json_t *iso = jget(b.summary, "isolation");
    cr_assert_eq(get_int(iso, "leaked"), 0);
    check_console_has(&b, "hyp: dom boot is the boot domain: boot DTB mapped read-only at ");
    free(path);
    boot_free(&b, true);
}

/* Booted through U-Boot, whose own data stays in RAM the hypervisor hands out: the domain's
 * RAM outside its image and device tree reads as zero (the frame allocator scrubs RAM it has
 * never scrubbed before a domain gets it), and its registers hold their reset values. */
Test(handover, fresh_ram_uboot, .timeout = 110)
{
    struct boot b = {0};
    char *path = data_path("fresh-ram-uboot.dts");

    boot_run_path(path, NULL, 0, &b);
    check_guest_passed(&b, "fresh");
    /* most of its 16 MiB (all but its image and device tree, whose size follows the build) */
    const char *line = console_line(&b, "fresh", "PASS: the ");
    cr_assert_not_null(line, "no PASS line on fresh RAM:\n%s", b.console);
    unsigned long kib = strtoul(line + strlen("PASS: the "), NULL, 10);
    cr_assert(kib > 16000 && kib < 16384, "%lu KiB checked", kib);
    const char *eol = strchr(line, '\n'),
               *zero = strstr(line, " KiB of RAM outside its image and device tree read as zero");
    cr_assert(zero && eol && zero < eol, "not on the PASS line: %s", line);
    cr_assert_gt(per_event(&b, "scrub"), 0);
    free(path);
    boot_free(&b, true);
}
