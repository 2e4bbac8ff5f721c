/* handover: nothing a domain leaves on its pCPU reaches the next vCPU there (DESIGN.md section 3,
 * "Nothing crosses a pCPU hand-over"; docs/platform.md, "A vCPU's first instruction"). Roles,
 * by bootargs:
 *   role=witness  sends an event on its port 0 (linked to the heir's port 0) and powers off;
 *   role=heir     (on-crash = "restart", start-after the witness) finds that event pending in
 *                 its first incarnation, leaves marks in everything it can write (V0-V31,
 *                 FPCR, FPSR, the EL1 system registers, its virtual timer, the PMU and debug
 *                 registers, all of its RAM outside its image and device tree) and crashes.
 *                 Its rebuilt incarnation, on the same pCPU, finds no event (a restart clears
 *                 them) and checks that it sees reset values and zeroed RAM, and that the PMU
 *                 and debug registers read as zero and ignore writes. */
#include <guest/kit.h>
#include <libfdt.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

#define RAM_IPA     0x40000000ull
#define SCTLR_RESET 0x30d00800ull /* docs/platform.md: the RES1 bits, MMU and caches off */
#define CPACR_FPEN  (3ull << 20)
#define FILL        0xa5a5a5a5a5a5a5a5ull
#define MARK(n)     (0x7e55e7a000000000ull | (n))

#define RD(reg)                                                                                    \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " #reg : "=r"(v_));                                              \
        v_;                                                                                        \
    })
#define WR(reg, v) __asm__ volatile("msr " #reg ", %0" ::"r"((uint64_t)(v)) : "memory")

void ho_fp_fill(uint64_t seed);
void ho_fp_store(uint64_t out[64]);
uint64_t ho_fpcr_read(void);
void ho_fpcr_write(uint64_t v);
uint64_t ho_fpsr_read(void);
void ho_fpsr_write(uint64_t v);

extern char __guest_end[];

struct ho_reg {
    const char *name;
    uint64_t value;
    uint64_t expect;
};

/* The EL1 state as the rebuilt incarnation finds it, read before anything else runs. */
static struct ho_reg ho_found[] = {
    {"SCTLR_EL1", 0, SCTLR_RESET},
    {"CPACR_EL1", 0, 0},
    {"TTBR0_EL1", 0, 0},
    {"TTBR1_EL1", 0, 0},
    {"TCR_EL1", 0, 0},
    {"MAIR_EL1", 0, 0},
    {"AMAIR_EL1", 0, 0},
    {"CONTEXTIDR_EL1", 0, 0},
    {"TPIDR_EL0", 0, 0},
    {"TPIDRRO_EL0", 0, 0},
    {"TPIDR_EL1", 0, 0},
    {"SP_EL0", 0, 0},
    {"ELR_EL1", 0, 0},
    {"SPSR_EL1", 0, 0},
    {"ESR_EL1", 0, 0},
    {"FAR_EL1", 0, 0},
    {"AFSR0_EL1", 0, 0},
    {"AFSR1_EL1", 0, 0},
    {"PAR_EL1", 0, 0},
    {"CSSELR_EL1", 0, 0},
    {"CNTKCTL_EL1", 0, 0},
    {"CNTV_CTL_EL0", 0, 0},
    {"CNTV_CVAL_EL0", 0, 0},
    {"VBAR_EL1 at entry", 0, 0},
    {"SP_EL1 at entry", 0, 0},
    {"FPCR", 0, 0},
    {"FPSR", 0, 0},
};

static void ho_snapshot(void)
{
    const uint64_t v[] = {
        RD(sctlr_el1),   RD(cpacr_el1),    RD(ttbr0_el1),      RD(ttbr1_el1),  RD(tcr_el1),
        RD(mair_el1),    RD(amair_el1),    RD(contextidr_el1), RD(tpidr_el0),  RD(tpidrro_el0),
        RD(tpidr_el1),   RD(sp_el0),       RD(elr_el1),        RD(spsr_el1),   RD(esr_el1),
        RD(far_el1),     RD(afsr0_el1),    RD(afsr1_el1),      RD(par_el1),    RD(csselr_el1),
        RD(cntkctl_el1), RD(cntv_ctl_el0), RD(cntv_cval_el0),  kit_entry_vbar, kit_entry_sp,
    };
    for (unsigned i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        ho_found[i].value = v[i];
    }
}

/* FPCR, FPSR and V0-V31 as found; FP/SIMD must be enabled at EL1 to read them. */
static void ho_snapshot_fp(uint64_t vregs[64])
{
    WR(cpacr_el1, CPACR_FPEN);
    __asm__ volatile("isb");
    ho_found[ARRAY_SIZE(ho_found) - 2].value = ho_fpcr_read();
    ho_found[ARRAY_SIZE(ho_found) - 1].value = ho_fpsr_read();
    ho_fp_store(vregs);
}

/* The marks the first incarnation leaves in its registers. */
static void ho_mark_registers(void)
{
    WR(cpacr_el1, CPACR_FPEN);
    __asm__ volatile("isb");
    ho_fp_fill(MARK(0x100));
    ho_fpcr_write(0x07400000); /* AHP, DN, FZ, RMode = round towards plus infinity */
    ho_fpsr_write(0x0800009f); /* QC and every cumulative exception flag */
    WR(tpidr_el0, MARK(1));
    WR(tpidrro_el0, MARK(2));
    WR(tpidr_el1, MARK(3));
    WR(contextidr_el1, 0x7e55);
    WR(sp_el0, MARK(4));
    WR(elr_el1, MARK(5));
    WR(spsr_el1, 0x200003c5);
    WR(esr_el1, 0x96000045);
    WR(far_el1, MARK(6));
    WR(afsr0_el1, 0x1234);
    WR(afsr1_el1, 0x5678);
    WR(par_el1, 0x12345000);
    WR(ttbr0_el1, 0x40100000);
    WR(ttbr1_el1, 0x40200000);
    WR(tcr_el1, 0x25b5103510ull);
    WR(mair_el1, 0x4404ff);
    WR(amair_el1, 1);
    WR(csselr_el1, 2);
    WR(cntkctl_el1, 3);
    WR(cntv_cval_el0, MARK(7));
    WR(cntv_ctl_el0, 3);                         /* enabled, interrupt masked */
    WR(sctlr_el1, RD(sctlr_el1) | (1ull << 26)); /* UCI: harmless with the MMU off */
    WR(vbar_el1, 0x4000f800);
    __asm__ volatile("isb");
}

static volatile unsigned ho_undefs;

/* An access the hypervisor refused with an undefined instruction: count it, skip it. */
static bool ho_on_undef(uint64_t esr, uint64_t far, uint64_t elr, uint64_t *resume)
{
    (void)far;
    if ((esr >> 26) != 0) {
        return false;
    }
    ho_undefs++;
    *resume = elr + 4;
    return true;
}

/* PMU and debug registers: the first incarnation arms them; the second finds them zero and
 * finds that writes change nothing (RAZ/WI, docs/platform.md). */
static void ho_mark_pmu_debug(void)
{
    WR(pmcr_el0, 1 | (1 << 2)); /* E: counters on; C: cycle counter reset */
    WR(pmcntenset_el0, 1ull << 31);
    WR(pmuserenr_el0, 1);
    WR(mdscr_el1, 1 << 12);
    WR(dbgbvr0_el1, MARK(8) & ~3ull);
    WR(dbgwvr0_el1, MARK(9) & ~7ull);
    __asm__ volatile("isb");
}

struct ho_pd {
    const char *name;
    uint64_t before; /* as found */
    uint64_t after;  /* after writing a non-zero value */
};

static void ho_check_pmu_debug(void)
{
    struct ho_pd r[] = {
        {"PMCR_EL0", RD(pmcr_el0), 0},
        {"PMCCNTR_EL0", RD(pmccntr_el0), 0},
        {"PMCNTENSET_EL0", RD(pmcntenset_el0), 0},
        {"PMUSERENR_EL0", RD(pmuserenr_el0), 0},
        {"MDSCR_EL1", RD(mdscr_el1), 0},
        {"DBGBVR0_EL1", RD(dbgbvr0_el1), 0},
        {"DBGWVR0_EL1", RD(dbgwvr0_el1), 0},
        {"OSLSR_EL1", RD(oslsr_el1), 0},
    };
    char what[128];

    ho_mark_pmu_debug();
    for (volatile int i = 0; i < 1000; i++) {
    }
    r[0].after = RD(pmcr_el0);
    r[1].after = RD(pmccntr_el0);
    r[2].after = RD(pmcntenset_el0);
    r[3].after = RD(pmuserenr_el0);
    r[4].after = RD(mdscr_el1);
    r[5].after = RD(dbgbvr0_el1);
    r[6].after = RD(dbgwvr0_el1);
    r[7].after = RD(oslsr_el1);
    for (unsigned i = 0; i < ARRAY_SIZE(r); i++) {
        lib_snprintf(what, sizeof(what),
                     "%s reads as zero and ignores writes (0x%llx, then 0x%llx)", r[i].name,
                     (unsigned long long)r[i].before, (unsigned long long)r[i].after);
        kit_check(r[i].before == 0 && r[i].after == 0, what);
    }
}

/* The RAM outside the guest's image (code, data, bss, stack) and its device tree. */
struct ho_ram {
    uint64_t *lo[2];
    uint64_t *hi[2];
};

static struct ho_ram ho_free_ram(const void *fdt)
{
    int node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7), len;
    const fdt64_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;
    uint64_t end = reg && len == 16 ? RAM_IPA + fdt64_to_cpu(reg[1]) : RAM_IPA;
    uint64_t dtb = (uint64_t)(uintptr_t)fdt, dtb_end = ALIGN_UP(dtb + fdt_totalsize(fdt), 8);
    uint64_t image_end = ALIGN_UP((uint64_t)(uintptr_t)__guest_end, 8);

    return (struct ho_ram){.lo = {(uint64_t *)image_end, (uint64_t *)dtb_end},
                           .hi = {(uint64_t *)dtb, (uint64_t *)end}};
}

static void ho_fill_ram(const struct ho_ram *r)
{
    for (unsigned k = 0; k < 2; k++) {
        for (volatile uint64_t *p = r->lo[k]; p < r->hi[k]; p++) {
            *p = FILL;
        }
    }
}

static void ho_check_ram(const struct ho_ram *r)
{
    uint64_t dirty = 0, first = 0, words = 0;
    char what[160];

    for (unsigned k = 0; k < 2; k++) {
        for (volatile uint64_t *p = r->lo[k]; p < r->hi[k]; p++, words++) {
            if (*p && !dirty++) {
                first = (uint64_t)(uintptr_t)p;
            }
        }
    }
    lib_snprintf(what, sizeof(what),
                 "the %llu KiB of RAM outside its image and device tree read as zero (%llu "
                 "non-zero words, the first at 0x%llx)",
                 (unsigned long long)(words * 8 / 1024), (unsigned long long)dirty,
                 (unsigned long long)first);
    kit_check(words > 0 && dirty == 0, what);
}

static void ho_check_registers(const uint64_t vregs[64])
{
    char what[128];
    unsigned marked = 0;

    for (unsigned i = 0; i < ARRAY_SIZE(ho_found); i++) {
        lib_snprintf(what, sizeof(what), "%s at the first instruction is 0x%llx (found 0x%llx)",
                     ho_found[i].name, (unsigned long long)ho_found[i].expect,
                     (unsigned long long)ho_found[i].value);
        kit_check(ho_found[i].value == ho_found[i].expect, what);
    }
    for (unsigned i = 0; i < 64; i++) {
        marked += vregs[i] != 0;
    }
    lib_snprintf(what, sizeof(what),
                 "V0-V31 at the first instruction are zero (%u of 64 halves "
                 "are not; V0 = 0x%llx%016llx)",
                 marked, (unsigned long long)vregs[1], (unsigned long long)vregs[0]);
    kit_check(marked == 0, what);
}

/* True if the bootargs hold the word role=NAME. */
static bool ho_role_is(const void *fdt, const char *name)
{
    int chosen = fdt_path_offset(fdt, "/chosen");

    return kit_arg_is(chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL, "role",
                      name);
}

int guest_main(uint64_t dtb)
{
    static uint64_t vregs[64];
    const void *fdt = (const void *)dtb;

    ho_snapshot(); /* before anything else can change a register */
    ho_snapshot_fp(vregs);
    if (!dtb || fdt_check_header(fdt) != 0) {
        kit_printf("FAIL: no device tree\n");
        return 1;
    }
    if (ho_role_is(fdt, "witness")) {
        kit_check(kit_hvc(HC_EVTCHN_SEND, 0, 0, 0).status == 0, "event sent to the heir");
        return kit_verdict();
    }
    struct ho_ram ram = ho_free_ram(fdt);
    if (kit_hvc(HC_EVTCHN_PENDING, 0, 0, 0).r1 & 1) {
        kit_printf("first incarnation: marking registers, PMU, debug and RAM, then crashing\n");
        ho_mark_registers();
        ho_mark_pmu_debug();
        ho_fill_ram(&ram);
        kit_shutdown(HC_SHUTDOWN_CRASH);
    }
    kit_printf("rebuilt incarnation: checking what the first one left\n");
    ho_check_registers(vregs);
    kit_set_fault_handler(ho_on_undef);
    ho_check_pmu_debug();
    kit_set_fault_handler(0);
    kit_check(ho_undefs == 0, "no PMU or debug register access was refused as undefined");
    ho_check_ram(&ram);
    return kit_verdict();
}
