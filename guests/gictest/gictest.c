/* gictest: the virtual platform a domain of two vCPUs sees. It probes its GICv3 distributor
 * and redistributors (identification, TYPER, the WAKER handshake, an SPI it does not own),
 * takes periodic virtual timer interrupts and reports their latency, refuses the EL1 physical
 * timer, brings up vCPU 1 with PSCI CPU_ON, bounces SGIs between the two vCPUs, pends more
 * SGIs on itself than there are list registers and counts each arriving once, in priority
 * order, and checks that a disabled interrupt waits. Every check prints PASS or FAIL. */
#include <guest/kit.h>
#include <libfdt.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>
#include <stdint.h>

#define GICD       0x08000000ull
#define GICR(n)    (0x080a0000ull + (n)*0x20000ull)
#define SGI_BASE   0x10000ull
#define GICD_CTLR  0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR  0x0008
#define ISENABLER  0x0100
#define ICENABLER  0x0180
#define IPRIORITYR 0x0400
#define GICR_TYPER 0x0008
#define GICR_WAKER 0x0014
#define PIDR2      0xffe8
#define VTIMER_PPI 27

#define PSCI_CPU_ON        0xc4000003u
#define PSCI_AFFINITY_INFO 0xc4000004u
#define PSCI_FEATURES      0x8400000au
#define PSCI_ALREADY_ON    (-4)
#define PSCI_INVALID       (-2)
#define PSCI_INVALID_ADDR  (-9)

#define TIMER_IRQS      20
#define TIMER_PERIOD_US 500
#define SGI_ROUNDS      10
#define SGI_PING        1 /* vCPU 0 -> vCPU 1 */
#define SGI_PONG        2 /* vCPU 1 -> vCPU 0 */
#define SGI_BCAST       3 /* vCPU 0 -> every other vCPU (IRM) */
#define SGI_HELD        4 /* pended while disabled */
#define SGI_FLOOD_FIRST 8 /* SGIs 8-15 at once: more than the 4 list registers */
#define SGI_FLOOD_COUNT 8
#define FOREIGN_SPI     40 /* INTID of an SPI the domain does not own */

static volatile unsigned irq_count[2][32];
static volatile unsigned flood_order[SGI_FLOOD_COUNT], flood_seen;
static volatile unsigned cpu1_up, cpu1_done;
static volatile uint64_t timer_cval;
static volatile unsigned timer_irqs;
static uint64_t timer_lat_ns[TIMER_IRQS];
static volatile bool undef_seen;

static uint32_t rd32(uint64_t a)
{
    return *(volatile uint32_t *)(uintptr_t)a;
}

static uint64_t rd64(uint64_t a)
{
    return *(volatile uint64_t *)(uintptr_t)a;
}

static void wr32(uint64_t a, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)a = v;
}

static void wr8(uint64_t a, uint8_t v)
{
    *(volatile uint8_t *)(uintptr_t)a = v;
}

static uint64_t ticks_to_ns(uint64_t t)
{
    return t * 1000000000ull / kit_counter_hz();
}

/* ICC_SGI1R_EL1: SGI intid to the vCPUs in targets (Aff0 bits), or to all others (irm). */
static void send_sgi(unsigned intid, uint16_t targets, bool irm)
{
    uint64_t v = ((uint64_t)intid << 24) | targets | (irm ? 1ull << 40 : 0);
    __asm__ volatile("msr S3_0_C12_C11_5, %0; isb" ::"r"(v) : "memory");
}

static void timer_arm(uint64_t cval)
{
    timer_cval = cval;
    __asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" ::"r"(cval), "r"(1ull));
}

static void timer_stop(void)
{
    __asm__ volatile("msr cntv_ctl_el0, %0; isb" ::"r"(0ull));
}

static void on_irq(unsigned intid)
{
    unsigned cpu = kit_cpu_id() & 1;

    if (intid < 32) {
        irq_count[cpu][intid]++;
        __asm__ volatile("sev"); /* for a vCPU waiting on another's count (wait_other) */
    }
    if (intid == VTIMER_PPI) {
        uint64_t now = kit_counter();
        unsigned n = timer_irqs;
        if (n < TIMER_IRQS) {
            timer_lat_ns[n] = ticks_to_ns(now - timer_cval);
        }
        timer_irqs = n + 1;
        if (n + 1 < TIMER_IRQS) {
            timer_arm(now + TIMER_PERIOD_US * kit_counter_hz() / 1000000);
        } else {
            timer_stop(); /* lowers the line before the EOI deactivates it */
        }
    } else if (intid == SGI_PING && cpu == 1) {
        send_sgi(SGI_PONG, 1u << 0, false);
    } else if (intid >= SGI_FLOOD_FIRST && intid < SGI_FLOOD_FIRST + SGI_FLOOD_COUNT) {
        if (flood_seen < SGI_FLOOD_COUNT) {
            flood_order[flood_seen] = intid;
        }
        flood_seen++;
    }
}

static void wait_irq(volatile unsigned *counter, unsigned until)
{
    for (unsigned i = 0; i < 100000 && *counter < until; i++) {
        __asm__ volatile("wfi");
    }
}

/* Waits for a count another vCPU's interrupt handler raises (it sends an event). */
static void wait_other(volatile unsigned *counter, unsigned until)
{
    for (unsigned i = 0; i < 100000 && *counter < until; i++) {
        __asm__ volatile("wfe");
    }
}

static bool on_fault(uint64_t esr, uint64_t far, uint64_t elr, uint64_t *resume)
{
    (void)far;
    if ((esr >> 26) == 0) { /* undefined instruction */
        undef_seen = true;
        *resume = elr + 4;
        return true;
    }
    return false;
}

static void probe_gicd(void)
{
    uint32_t typer = rd32(GICD + GICD_TYPER);

    kit_check(((rd32(GICD + PIDR2) >> 4) & 0xf) == 3, "GICD_PIDR2 says GICv3 (ArchRev 3)");
    kit_check((typer & 0x1f) >= 1 && ((typer >> 19) & 0x1f) >= 9,
              "GICD_TYPER: ITLinesNumber covers SPIs, at least 10 INTID bits");
    kit_check(rd32(GICD + GICD_IIDR) != 0, "GICD_IIDR identifies the implementation");
    kit_gic_dist_enable();
    kit_check((rd32(GICD + GICD_CTLR) & 0x12) == 0x12, "GICD_CTLR: ARE and EnableGrp1 set");
    /* An SPI of someone else: enabling it and giving it a priority leaves no trace. */
    wr32(GICD + ISENABLER + 4 * (FOREIGN_SPI / 32), 1u << (FOREIGN_SPI % 32));
    wr8(GICD + IPRIORITYR + FOREIGN_SPI, 0xa0);
    kit_check(rd32(GICD + ISENABLER + 4 * (FOREIGN_SPI / 32)) == 0 &&
                  *(volatile uint8_t *)(uintptr_t)(GICD + IPRIORITYR + FOREIGN_SPI) == 0,
              "an SPI the domain does not own reads as zero (ISENABLER, IPRIORITYR)");
}

static void probe_gicr(void)
{
    uint64_t t0 = rd64(GICR(0) + GICR_TYPER), t1 = rd64(GICR(1) + GICR_TYPER);

    kit_check(((rd32(GICR(0) + PIDR2) >> 4) & 0xf) == 3, "GICR_PIDR2 says GICv3");
    kit_check((t0 >> 32) == 0 && ((t0 >> 8) & 0xffff) == 0 && !(t0 & 0x10),
              "GICR0_TYPER: affinity 0, processor 0, not Last");
    kit_check((t1 >> 32) == 1 && ((t1 >> 8) & 0xffff) == 1 && (t1 & 0x10),
              "GICR1_TYPER: affinity 1, processor 1, Last");
    kit_check(rd32(GICR(0) + GICR_WAKER) == 0x6, "GICR_WAKER: asleep at reset (0x6)");
    wr32(GICR(0) + GICR_WAKER, 0x4);
    kit_check(rd32(GICR(0) + GICR_WAKER) == 0, "GICR_WAKER: awake once ProcessorSleep is cleared");
}

static void test_timer(void)
{
    uint64_t pct, vct;

    __asm__ volatile("isb; mrs %0, cntpct_el0; mrs %1, cntvct_el0" : "=r"(pct), "=r"(vct));
    kit_printf("virtual counter %llu, physical %llu: offset %llu\n", (unsigned long long)vct,
               (unsigned long long)pct, (unsigned long long)(pct - vct));
    kit_check(vct < pct, "the virtual counter starts at the domain's creation (CNTVOFF_EL2)");
    kit_gic_enable_irq(VTIMER_PPI, 0xa0);
    timer_arm(kit_counter() + TIMER_PERIOD_US * kit_counter_hz() / 1000000);
    wait_irq(&timer_irqs, TIMER_IRQS);
    kit_printf("vtimer: %u interrupts\n", timer_irqs);
    kit_check(timer_irqs == TIMER_IRQS, "periodic virtual timer interrupts (PPI 27)");
    kit_lat("vtimer", timer_lat_ns, TIMER_IRQS);

    undef_seen = false;
    uint64_t ctl;
    __asm__ volatile("mrs %0, cntp_ctl_el0" : "=r"(ctl)::"memory");
    (void)ctl;
    kit_check(undef_seen, "the EL1 physical timer (CNTP_CTL_EL0) is refused (undefined)");
}

/* vCPU 1: its own redistributor, then answers pings until vCPU 0 says done. */
static void cpu1_main(uint64_t arg)
{
    (void)arg;
    kit_gic_enable_irq(SGI_PING, 0x80);
    kit_gic_enable_irq(SGI_BCAST, 0x80);
    kit_gic_cpu_enable();
    cpu1_up = 1;
    __asm__ volatile("sev");
    while (!cpu1_done) {
        __asm__ volatile("wfi");
    }
}

static int64_t psci(uint32_t fn, uint64_t a1, uint64_t a2)
{
    return kit_hvc(fn, a1, a2, 0).status;
}

static void test_smp(void)
{
    kit_check(psci(PSCI_FEATURES, PSCI_CPU_ON, 0) == 0, "PSCI_FEATURES lists CPU_ON");
    kit_check(psci(PSCI_AFFINITY_INFO, 1, 0) == 1, "AFFINITY_INFO: vCPU 1 off before CPU_ON");
    kit_check(psci(PSCI_CPU_ON, 1, 0x1000) == PSCI_INVALID_ADDR,
              "CPU_ON at an address without memory: INVALID_ADDRESS");
    kit_check(kit_cpu_on(1, cpu1_main, 0) == 0, "CPU_ON vCPU 1");
    for (unsigned i = 0; i < 100000 && !cpu1_up; i++) {
        __asm__ volatile("wfe");
    }
    kit_check(cpu1_up, "vCPU 1 runs on its own stack and redistributor");
    kit_check(psci(PSCI_AFFINITY_INFO, 1, 0) == 0, "AFFINITY_INFO: vCPU 1 on");
    kit_check(kit_cpu_on(1, cpu1_main, 0) == PSCI_ALREADY_ON, "CPU_ON again: ALREADY_ON");
    kit_check(psci(PSCI_CPU_ON, 7, 0x40000000) == PSCI_INVALID,
              "CPU_ON of a vCPU it lacks: refused");
}

static void test_sgis(void)
{
    uint64_t rtt[SGI_ROUNDS];

    kit_gic_enable_irq(SGI_PONG, 0x80);
    kit_gic_enable_irq(SGI_BCAST, 0x80);
    for (unsigned r = 0; r < SGI_ROUNDS; r++) {
        uint64_t t0 = kit_counter();
        send_sgi(SGI_PING, 1u << 1, false);
        wait_irq(&irq_count[0][SGI_PONG], r + 1);
        rtt[r] = ticks_to_ns(kit_counter() - t0);
    }
    kit_printf("sgi: %u pings, %u pongs\n", irq_count[1][SGI_PING], irq_count[0][SGI_PONG]);
    kit_check(irq_count[1][SGI_PING] == SGI_ROUNDS && irq_count[0][SGI_PONG] == SGI_ROUNDS,
              "SGIs between vCPU 0 and vCPU 1, each delivered once");
    kit_lat("sgi_rtt", rtt, SGI_ROUNDS);
    send_sgi(SGI_BCAST, 0, true);
    wait_other(&irq_count[1][SGI_BCAST], 1);
    kit_check(irq_count[1][SGI_BCAST] == 1 && irq_count[0][SGI_BCAST] == 0,
              "an SGI to all but self (IRM) reaches vCPU 1 only");
}

/* More pending than list registers: SGIs 8-15 pended on itself with IRQs masked, SGI 15 the
 * most urgent; all must arrive, once each, most urgent first. */
static void test_overflow(void)
{
    bool order = true;

    for (unsigned i = 0; i < SGI_FLOOD_COUNT; i++) {
        unsigned intid = SGI_FLOOD_FIRST + i;
        kit_gic_enable_irq(intid, (uint8_t)(0x40 + 8 * (SGI_FLOOD_COUNT - 1 - i)));
    }
    __asm__ volatile("msr daifset, #2" ::: "memory");
    for (unsigned i = 0; i < SGI_FLOOD_COUNT; i++) {
        send_sgi(SGI_FLOOD_FIRST + i, 1u << 0, false);
    }
    __asm__ volatile("isb; msr daifclr, #2; isb" ::: "memory");
    wait_irq(&flood_seen, SGI_FLOOD_COUNT);
    for (unsigned i = 0; i < SGI_FLOOD_COUNT; i++) {
        order &= flood_order[i] == SGI_FLOOD_FIRST + SGI_FLOOD_COUNT - 1 - i;
        order &= irq_count[0][SGI_FLOOD_FIRST + i] == 1;
    }
    kit_printf("flood: %u delivered, first %u last %u\n", flood_seen, flood_order[0],
               flood_order[SGI_FLOOD_COUNT - 1]);
    kit_check(flood_seen == SGI_FLOOD_COUNT && order,
              "8 SGIs pending at once over 4 list registers: each delivered once, by priority");
}

/* A pending interrupt that is disabled waits until it is enabled. */
static void test_disabled(void)
{
    wr32(GICR(0) + SGI_BASE + ICENABLER, 1u << SGI_HELD);
    send_sgi(SGI_HELD, 1u << 0, false);
    for (unsigned i = 0; i < 1000; i++) {
        __asm__ volatile("nop");
    }
    kit_check(irq_count[0][SGI_HELD] == 0, "a disabled SGI is not delivered");
    kit_gic_enable_irq(SGI_HELD, 0x80);
    wait_irq(&irq_count[0][SGI_HELD], 1);
    kit_check(irq_count[0][SGI_HELD] == 1, "... and arrives once enabled");
}

/* bootargs "crash-with-smp": crash on purpose while vCPU 1 runs, so that the hypervisor's
 * on-crash policy has to take a domain with a running secondary vCPU down. */
static bool crash_mode(uint64_t dtb)
{
    const void *fdt = (const void *)dtb;
    int chosen = dtb ? fdt_path_offset(fdt, "/chosen") : -1;
    const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;

    return args && lib_cmdline_flag(args, "crash-with-smp");
}

static int crash_with_smp(void)
{
    kit_gic_dist_enable();
    kit_check(kit_cpu_on(1, cpu1_main, 0) == 0, "CPU_ON vCPU 1");
    for (unsigned i = 0; i < 100000 && !cpu1_up; i++) {
        __asm__ volatile("wfe");
    }
    kit_printf("crashing with vCPU 1 %s\n", cpu1_up ? "up" : "still down");
    kit_shutdown(HC_SHUTDOWN_CRASH);
}

int guest_main(uint64_t dtb)
{
    if (crash_mode(dtb)) {
        return crash_with_smp();
    }
    kit_set_irq_handler(on_irq);
    kit_set_fault_handler(on_fault);
    probe_gicd();
    probe_gicr();
    kit_gic_cpu_enable();
    test_timer();
    test_smp();
    test_sgis();
    test_overflow();
    test_disabled();
    cpu1_done = 1;
    send_sgi(SGI_PING, 1u << 1, false); /* wake it from WFI to see it */
    int64_t aff = -1;
    for (unsigned i = 0; i < 1000 && (aff = psci(PSCI_AFFINITY_INFO, 1, 0)) != 1; i++) {
        __asm__ volatile("wfe"); /* a spin would keep vCPU 1 from running under icount */
    }
    kit_check(aff == 1, "AFFINITY_INFO: vCPU 1 off after its CPU_OFF");
    return kit_verdict();
}
