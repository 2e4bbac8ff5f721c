/* rtcirq: a passed-through device's interrupt reaches the guest. The domain owns QEMU's PL031
 * real-time clock (MMIO page and SPI 2); it enables the SPI in its virtual distributor, sets
 * the match register one second ahead, waits in WFI, and its handler must see INTID 34, clear the
 * device and end the interrupt (which, through the HW-linked list register, deactivates the
 * physical one). */
#include <guest/kit.h>
#include <stdint.h>

#define RTC       0x09010000ull
#define RTC_DR    0x00
#define RTC_MR    0x04
#define RTC_IMSC  0x10
#define RTC_ICR   0x1c
#define RTC_INTID 34

static volatile unsigned rtc_irqs, rtc_last;

static uint32_t rtc_read(unsigned off)
{
    return *(volatile uint32_t *)(RTC + off);
}

static void rtc_write(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(RTC + off) = v;
}

static void rtc_irq(unsigned intid)
{
    rtc_last = intid;
    rtc_irqs++;
    rtc_write(RTC_ICR, 1); /* the device lowers its line */
}

int guest_main(uint64_t dtb)
{
    (void)dtb;
    kit_set_irq_handler(rtc_irq);
    kit_gic_dist_enable();
    kit_gic_enable_irq(RTC_INTID, 0xa0);
    kit_gic_cpu_enable();
    uint32_t now = rtc_read(RTC_DR);
    rtc_write(RTC_MR, now + 1);
    rtc_write(RTC_IMSC, 1);
    kit_printf("RTC at %u s, match at %u s: waiting for its interrupt\n", now, now + 1);
    for (unsigned i = 0; i < 1000000 && rtc_irqs == 0; i++) {
        __asm__ volatile("wfi");
    }
    bool ok = rtc_irqs == 1 && rtc_last == RTC_INTID;
    kit_printf("%s: the RTC's interrupt arrived as INTID %u (%u time%s)\n", ok ? "PASS" : "FAIL",
               rtc_last, rtc_irqs, rtc_irqs == 1 ? "" : "s");
    kit_printf("verdict: %s\n", ok ? "PASS" : "FAIL");
    kit_ready(!ok);
    return ok ? 0 : 1;
}
