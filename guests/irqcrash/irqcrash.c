/* irqcrash: a passthrough interrupt must not outlive the domain instance that enabled it. The
 * domain owns QEMU's PL031 real-time clock (MMIO page, SPI 2 = INTID 34; under the harness the
 * RTC counts virtual time). Roles, by bootargs:
 *   role=stormer   enables INTID 34, sets the RTC's match one second ahead and crashes: when the
 *                  match comes, the level interrupt is asserted for a domain that is gone;
 *   role=survivor  on another pCPU, waits 1.2 s on its virtual timer (past that match) and
 *                  reports: the hypervisor had to keep running through it;
 *   role=phoenix   (on-crash = "restart") does what the stormer does in its first incarnation
 *                  (the RTC's interrupt mask is still clear); the rebuilt one (mask set: the
 *                  device keeps its state) waits until the RTC asserts its interrupt, checks
 *                  that nothing of it reached its own vGIC while it had not enabled it, then
 *                  enables it and must take it exactly once. */
#include <guest/kit.h>
#include <libfdt.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

#define RTC         0x09010000ull
#define RTC_DR      0x00
#define RTC_MR      0x04
#define RTC_IMSC    0x10
#define RTC_RIS     0x14
#define RTC_ICR     0x1c
#define RTC_INTID   34
#define GICD        0x08000000ull
#define GICD_ISEN1  0x104
#define GICD_ISPEN1 0x204
#define TIMER_INTID 27

static volatile unsigned irq_count, irq_last, timer_fired;

static uint32_t rtc_read(unsigned off)
{
    return *(volatile uint32_t *)(RTC + off);
}

static void rtc_write(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(RTC + off) = v;
}

static uint32_t gicd_read(unsigned off)
{
    return *(volatile uint32_t *)(GICD + off);
}

static void on_irq(unsigned intid)
{
    if (intid == TIMER_INTID) {
        __asm__ volatile("msr cntv_ctl_el0, xzr");
        timer_fired = 1;
        return;
    }
    irq_last = intid;
    irq_count++;
    rtc_write(RTC_IMSC, 0); /* the device lowers its line */
    rtc_write(RTC_ICR, 1);
}

/* Enables INTID 34 with IRQs masked, sets the RTC's match one second ahead (its interrupt is
 * raised when the seconds counter reaches it) and crashes before it comes. */
static void arm_and_crash(void)
{
    __asm__ volatile("msr daifset, #2");
    kit_gic_dist_enable();
    kit_gic_enable_irq(RTC_INTID, 0xa0);
    uint32_t now = rtc_read(RTC_DR);
    rtc_write(RTC_MR, now + 1);
    rtc_write(RTC_IMSC, 1);
    kit_printf("INTID %u enabled, RTC at %u s, match at %u s: crashing before it comes\n",
               RTC_INTID, now, now + 1);
    kit_shutdown(HC_SHUTDOWN_CRASH);
}

/* Waits on the virtual timer, with only its interrupt enabled, until deadline (virtual counter
 * ticks); IRQs are masked again on return. */
static void sleep_until(uint64_t deadline)
{
    timer_fired = 0;
    kit_gic_dist_enable(); /* nothing is delivered while its group 1 is off */
    kit_gic_enable_irq(TIMER_INTID, 0x80);
    __asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(deadline), "r"(1ull));
    kit_gic_cpu_enable();
    while (!timer_fired) {
        __asm__ volatile("wfi");
    }
    __asm__ volatile("msr daifset, #2");
}

/* The rebuilt incarnation: the RTC raises its line while this instance has not enabled
 * INTID 34; only its own enable may let it in. */
static int phoenix_rebuilt(void)
{
    char what[128];

    kit_printf("rebuilt incarnation: waiting past the RTC's match\n");
    kit_set_irq_handler(on_irq);
    sleep_until(kit_start_ticks + kit_counter_hz() * 11 / 10);
    kit_check(rtc_read(RTC_RIS) & 1, "1.1 s after its start, the RTC asserts its interrupt");
    uint32_t pending = gicd_read(GICD_ISPEN1), enabled = gicd_read(GICD_ISEN1);
    lib_snprintf(what, sizeof(what),
                 "the RTC's interrupt is neither pending nor enabled in the rebuilt instance's "
                 "vGIC (ISPENDR1 0x%x, ISENABLER1 0x%x)",
                 pending, enabled);
    kit_check(!(pending & 4) && !(enabled & 4), what);
    kit_gic_dist_enable();
    kit_gic_enable_irq(RTC_INTID, 0xa0);
    kit_gic_cpu_enable();
    for (unsigned i = 0; i < 100000 && irq_count == 0; i++) {
        __asm__ volatile("wfi");
    }
    for (volatile int i = 0; i < 10000; i++) {
    }
    lib_snprintf(what, sizeof(what), "once enabled, it arrives once as INTID %u (%u times)",
                 irq_last, irq_count);
    kit_check(irq_count == 1 && irq_last == RTC_INTID, what);
    return kit_verdict();
}

/* Waits on its virtual timer until 1.2 s after its start, past the stormer's RTC match. */
static int survivor(void)
{
    uint64_t deadline = kit_start_ticks + kit_counter_hz() * 12 / 10;

    kit_set_irq_handler(on_irq);
    sleep_until(deadline);
    kit_check(kit_counter() >= deadline, "its timer fired 1.2 s after its start");
    return kit_verdict();
}

static bool role_is(const void *fdt, const char *name)
{
    int chosen = fdt_path_offset(fdt, "/chosen");

    return kit_arg_is(chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL, "role",
                      name);
}

int guest_main(uint64_t dtb)
{
    const void *fdt = (const void *)dtb;

    if (role_is(fdt, "survivor")) {
        return survivor();
    }
    if (role_is(fdt, "phoenix") && (rtc_read(RTC_IMSC) & 1)) {
        return phoenix_rebuilt();
    }
    kit_ready(0);
    arm_and_crash();
    return 1;
}
