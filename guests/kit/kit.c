/* Guest kit runtime: hypercalls (HVC #0, SMCCC), console printf, counter, exceptions. */
#include <guest/kit.h>
#include <stdarg.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

uint64_t kit_start_ticks;
uint64_t kit_entry_sp, kit_entry_vbar;
static kit_fault_fn kit_fault_handler;

struct hc_ret kit_hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (struct hc_ret){(int64_t)x0, x1, x2, x3};
}

int64_t kit_hvc5(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    register uint64_t x4 __asm__("x4") = a4;
    register uint64_t x5 __asm__("x5") = a5;
    __asm__ volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
                     :
                     : "memory");
    return (int64_t)x0;
}

bool kit_arg_is(const char *args, const char *key, const char *value)
{
    size_t k = lib_strlen(key), n = lib_strlen(value);

    for (const char *p = args; p && *p; p++) {
        if ((p == args || p[-1] == ' ') && lib_strncmp(p, key, k) == 0 && p[k] == '=' &&
            lib_strncmp(p + k + 1, value, n) == 0 &&
            (p[k + 1 + n] == ' ' || p[k + 1 + n] == '\0')) {
            return true;
        }
    }
    return false;
}

int64_t kit_console_write(const void *buf, uint64_t len)
{
    return kit_hvc(HC_CONSOLE_WRITE, (uint64_t)(uintptr_t)buf, len, 0).status;
}

int kit_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = lib_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return n;
    }
    size_t len = MIN((size_t)n, sizeof(buf) - 1);
    kit_console_write(buf, len);
    if ((size_t)n >= sizeof(buf)) {
        static const char cut[] = " [truncated]\n";
        kit_console_write(cut, sizeof(cut) - 1);
    }
    return n;
}

void kit_ready(uint64_t code)
{
    kit_hvc(HC_READY, code, 0, 0);
}

void kit_shutdown(unsigned reason)
{
    for (;;) {
        kit_hvc(HC_SHUTDOWN, reason, 0, 0);
    }
}

uint64_t kit_counter(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
    return v;
}

uint64_t kit_counter_hz(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

void kit_set_fault_handler(kit_fault_fn fn)
{
    kit_fault_handler = fn;
}

uint64_t kit_sync_exception(uint64_t esr, uint64_t far, uint64_t elr)
{
    uint64_t resume;
    if (kit_fault_handler && kit_fault_handler(esr, far, elr, &resume)) {
        return resume;
    }
    kit_printf("unexpected exception esr=0x%llx far=0x%llx elr=0x%llx\n", (unsigned long long)esr,
               (unsigned long long)far, (unsigned long long)elr);
    kit_shutdown(HC_SHUTDOWN_CRASH);
}

void kit_unexpected_exception(uint64_t esr, uint64_t far, uint64_t elr)
{
    kit_printf("unexpected exception (not EL1h sync) esr=0x%llx far=0x%llx elr=0x%llx\n",
               (unsigned long long)esr, (unsigned long long)far, (unsigned long long)elr);
    kit_shutdown(HC_SHUTDOWN_CRASH);
}

void lib_abort(const char *why)
{
    kit_printf("abort: %s\n", why);
    kit_shutdown(HC_SHUTDOWN_CRASH);
}

void kit_main(uint64_t dtb)
{
    int rc = guest_main(dtb);
    kit_shutdown(rc == 0 ? HC_SHUTDOWN_POWEROFF : HC_SHUTDOWN_CRASH);
}

static kit_irq_fn kit_irq_handler;

void kit_set_irq_handler(kit_irq_fn fn)
{
    kit_irq_handler = fn;
}

/* An IRQ at EL1: acknowledge it on the (virtual) GIC CPU interface, let the guest's handler
 * see it, end it. */
void kit_irq(void)
{
    uint64_t intid;
    __asm__ volatile("mrs %0, S3_0_C12_C12_0" : "=r"(intid)); /* ICC_IAR1_EL1 */
    intid &= 0xffffff;
    if (intid >= 1020) {
        return; /* spurious */
    }
    if (kit_irq_handler) {
        kit_irq_handler((unsigned)intid);
    } else {
        kit_printf("unexpected interrupt %llu\n", (unsigned long long)intid);
    }
    __asm__ volatile("msr S3_0_C12_C12_1, %0" ::"r"(intid)); /* ICC_EOIR1_EL1 */
}

void kit_gic_cpu_enable(void)
{
    __asm__ volatile("msr S3_0_C4_C6_0, %0" ::"r"(0xffull)); /* ICC_PMR_EL1 */
    __asm__ volatile("msr S3_0_C12_C12_7, %0" ::"r"(1ull));  /* ICC_IGRPEN1_EL1 */
    __asm__ volatile("isb; msr daifclr, #2" ::: "memory");   /* unmask IRQs */
}

/* Latency samples: `lat SERIES V V ...`, as many lines as needed, each well under the console's
 * 240-byte line limit so the hypervisor never splits one (docs/console.md). */
void kit_lat(const char *series, const uint64_t *ns, size_t n)
{
    char line[200];
    size_t i = 0;

    while (i < n) {
        int len = lib_snprintf(line, sizeof(line), "lat %s", series);
        while (i < n && len > 0 && (size_t)len < sizeof(line) - 24) {
            len += lib_snprintf(line + len, sizeof(line) - (size_t)len, " %llu",
                                (unsigned long long)ns[i++]);
        }
        if (len <= 0 || (size_t)len >= sizeof(line) - 1) {
            lib_abort("kit_lat: series name too long");
        }
        line[len++] = '\n';
        kit_console_write(line, (uint64_t)len);
    }
}

void kit_isolation(const char *probe, bool blocked)
{
    kit_printf("isolation %s %s\n", probe, blocked ? "blocked" : "leaked");
}

#define KIT_GICD          0x08000000ull
#define KIT_GICR          0x080a0000ull
#define KIT_GICR_STRIDE   0x20000ull
#define KIT_GICR_SGI      0x10000ull
#define KIT_GICR_WAKER    0x0014
#define KIT_ISENABLER     0x0100
#define KIT_IPRIORITYR    0x0400
#define KIT_GICD_CTLR_ARE (1u << 4)
#define KIT_GICD_CTLR_G1  (1u << 1)

static volatile uint32_t *kit_reg32(uint64_t addr)
{
    return (volatile uint32_t *)(uintptr_t)addr;
}

void kit_gic_dist_enable(void)
{
    *kit_reg32(KIT_GICD) = KIT_GICD_CTLR_ARE | KIT_GICD_CTLR_G1;
}

void kit_gic_enable_irq(unsigned intid, uint8_t priority)
{
    uint64_t rd = KIT_GICR + kit_cpu_id() * KIT_GICR_STRIDE;
    uint64_t frame = intid < 32 ? rd + KIT_GICR_SGI : KIT_GICD;

    if (intid < 32) {
        *kit_reg32(rd + KIT_GICR_WAKER) &= ~2u; /* ProcessorSleep off ... */
        while (*kit_reg32(rd + KIT_GICR_WAKER) & 4u) {
        } /* ... and wait for ChildrenAsleep to follow */
    }
    *(volatile uint8_t *)(uintptr_t)(frame + KIT_IPRIORITYR + intid) = priority;
    *kit_reg32(frame + KIT_ISENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
}

unsigned kit_cpu_id(void)
{
    uint64_t mpidr;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    return (unsigned)(mpidr & 0xff);
}

static unsigned kit_failures;

void kit_check(bool ok, const char *what)
{
    kit_printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
    if (!ok) {
        __atomic_add_fetch(&kit_failures, 1, __ATOMIC_RELAXED); /* any vCPU may check */
    }
}

unsigned kit_failed(void)
{
    return __atomic_load_n(&kit_failures, __ATOMIC_RELAXED);
}

void kit_print_verdict(void)
{
    unsigned n = kit_failed();
    kit_printf("verdict: %s (%u failed)\n", n ? "FAIL" : "PASS", n);
}

int kit_verdict(void)
{
    unsigned n = kit_failed();

    kit_print_verdict();
    kit_ready(n);
    return n ? 1 : 0;
}
