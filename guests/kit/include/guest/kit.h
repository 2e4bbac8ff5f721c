/* Bare-metal guest kit: hypercall wrappers, console output, the virtual counter and a hook
 * for synchronous exceptions. A guest provides guest_main(); the kit provides everything else. */
#ifndef GUEST_KIT_H
#define GUEST_KIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Results of a hypercall: status (x0) and the result registers x1-x3. */
struct hc_ret {
    int64_t status;
    uint64_t r1, r2, r3;
};

struct hc_ret kit_hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
/* A hypercall with five arguments (domctl_load, domctl_set_vcpu): returns the status (x0). */
int64_t kit_hvc5(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
/* True if the command line args (NULL: none) holds the word KEY=VALUE. */
bool kit_arg_is(const char *args, const char *key, const char *value);
/* console_write hypercall on a buffer: returns the status (0 or a negative errno). */
int64_t kit_console_write(const void *buf, uint64_t len);
int kit_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kit_ready(uint64_t code);
void kit_shutdown(unsigned reason) __attribute__((noreturn));

/* Virtual counter now, and at the guest's first instruction. */
uint64_t kit_counter(void);
uint64_t kit_counter_hz(void);
extern uint64_t kit_start_ticks;
/* SP_EL1 and VBAR_EL1 as the guest was entered with, before the kit set its own stack and
 * vectors (a vCPU starts with both 0, docs/platform.md). */
extern uint64_t kit_entry_sp, kit_entry_vbar;

/* A handler for synchronous exceptions: return true and set *resume to continue at another
 * address; false ends the guest with a crash report. */
typedef bool (*kit_fault_fn)(uint64_t esr, uint64_t far, uint64_t elr, uint64_t *resume);
void kit_set_fault_handler(kit_fault_fn fn);

/* Interrupts: a handler for IRQs (the kit acknowledges and ends them on the GIC CPU interface,
 * the virtual one under Tessera), and enabling that interface with IRQs unmasked. */
typedef void (*kit_irq_fn)(unsigned intid);
void kit_set_irq_handler(kit_irq_fn fn);
void kit_gic_cpu_enable(void);
/* The virtual distributor (GICD_CTLR: affinity routing, group 1 on), and one interrupt at a
 * priority: an SPI in the distributor, an SGI or PPI in the calling vCPU's redistributor
 * (which it wakes first, GICR_WAKER). Frames at the QEMU virt addresses the guest device tree
 * states. */
void kit_gic_dist_enable(void);
void kit_gic_enable_irq(unsigned intid, uint8_t priority);

/* Several vCPUs: the calling one's index (MPIDR_EL1.Aff0), and starting vCPU cpu with PSCI
 * CPU_ON (HVC) so that it runs fn(arg) on a stack of its own, with the kit's vectors; when fn
 * returns the vCPU turns itself off (CPU_OFF). Returns the PSCI status. */
#define KIT_MAX_CPUS 4
unsigned kit_cpu_id(void);
int64_t kit_cpu_on(unsigned cpu, void (*fn)(uint64_t), uint64_t arg);

/* Metrics the harness collects from the console (docs/console.md, "Lines guests print"):
 * latency samples in ns for a named series (printed as `lat SERIES V V ...` lines, split so no
 * line is cut), and the outcome of one isolation probe (`isolation PROBE blocked|leaked`).
 * SERIES and PROBE are one word each, at most 32 characters. */
void kit_lat(const char *series, const uint64_t *ns, size_t n);
void kit_isolation(const char *probe, bool blocked);

/* Self-checks: one `PASS: what` or `FAIL: what` line each (the tests read them), counted; the
 * verdict line `verdict: PASS|FAIL (N failed)`; kit_verdict prints it, makes the ready call with
 * the count and returns what guest_main should (0 when every check passed). */
void kit_check(bool ok, const char *what);
unsigned kit_failed(void);
void kit_print_verdict(void);
int kit_verdict(void);

/* The guest's own code: dtb is x0 at entry (0 when the domain has no device tree). Returning
 * powers the domain off with reason poweroff if ret == 0, crash otherwise. */
int guest_main(uint64_t dtb);

#endif
