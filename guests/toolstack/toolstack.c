/* toolstack: the bare-metal control domain of the dom0 mode, and the boot domain of the
 * bootdomain mode (the work itself: ts_core.c). Hypercalls by HVC; the boot modules are mapped
 * at their physical address + the window offset its device tree gives. */
#include <guest/kit.h>
#include <libfdt.h>
#include <tessera/arch.h>
#include <tessera/hypercall.h>
#include <tessera/launch.h>
#include <tessera/lib.h>

#include "ts.h"

static uint64_t ts_module_offset;

void *arch_phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(pa + ts_module_offset);
}

/* Guest RAM is mapped at IPA = VA: pointers are the addresses the hypervisor reads. */
static uint64_t bm_ipa(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

static uint64_t bm_publish(const void *buf, size_t len)
{
    (void)len;
    return (uint64_t)(uintptr_t)buf;
}

static uint64_t bm_u64(const void *fdt, int node, const char *prop)
{
    int len;
    const fdt64_t *v = fdt_getprop(fdt, node, prop, &len);
    return v && len == 8 ? fdt64_to_cpu(*v) : 0;
}

static volatile unsigned ts_aborts;

/* A data abort the hypervisor injected for a probe: counted, and the load skipped. */
static bool ts_on_abort(uint64_t esr, uint64_t far, uint64_t elr, uint64_t *resume)
{
    (void)far;
    if ((esr >> 26) != 0x25) { /* EC: data abort taken without a change of EL */
        return false;
    }
    ts_aborts++;
    *resume = elr + 4;
    return true;
}

/* The boot domain orders the fleet through domctl only: its module window holds the boot DTB
 * and nothing of the fleet, whose kernels may be mapped in place as the domains' own RAM. Each
 * fleet kernel's first byte, read where the window would put it, must fault here. */
static void ts_probe_fleet(const struct mf_fleet *f)
{
    unsigned probes = 0, blocked = 0;
    char what[160];

    kit_set_fault_handler(ts_on_abort);
    for (unsigned i = 0; i < f->count; i++) {
        const struct mf_domain *d = &f->dom[i];
        if (!launch_in_fleet(d)) {
            continue;
        }
        unsigned before = ts_aborts;
        volatile const uint8_t *p = arch_phys_to_virt(d->kernel.addr);
        (void)*p;
        bool refused = ts_aborts == before + 1;
        lib_snprintf(what, sizeof(what),
                     "%s: its kernel's frames (PA 0x%llx) cannot be read from "
                     "the boot domain",
                     d->name, (unsigned long long)d->kernel.addr);
        kit_check(refused, what);
        probes++;
        blocked += refused;
    }
    kit_set_fault_handler(0);
    kit_isolation("bootdomain_reads_fleet", blocked == probes);
}

int guest_main(uint64_t dtb)
{
    static const struct ts_env env = {kit_hvc5, bm_ipa, bm_publish, kit_printf};
    const void *own = (const void *)dtb;
    int chosen = dtb ? fdt_path_offset(own, "/chosen") : -1;
    uint64_t fleet_ipa = chosen >= 0 ? bm_u64(own, chosen, "tessera,fleet-dtb") : 0;
    unsigned built = 0;

    ts_module_offset = chosen >= 0 ? bm_u64(own, chosen, "tessera,module-offset") : 0;
    if (!fleet_ipa) {
        kit_printf("FAIL: no tessera,fleet-dtb in /chosen: not started as a control domain\n");
        return 1;
    }
    const struct mf_fleet *fleet = ts_parse(&env, (const void *)fleet_ipa);
    if (!fleet || ts_build_all(&built)) {
        return 1;
    }
    if (ts_released()) {
        ts_probe_fleet(fleet);
    }
    if (kit_failed()) {
        kit_print_verdict();
        return 1;
    }
    /* A snapshot of the hypervisor's trace as the toolstack leaves (control domains may). */
    struct hc_ret snap = kit_hvc(HC_TRACE_DUMP, 0, 0, 0);
    kit_printf("trace snapshot: %s (%lld)\n", snap.status == 0 ? "written" : "not written",
               (long long)(snap.status == 0 ? (int64_t)snap.r1 : snap.status));
    kit_printf("verdict: PASS (%u domains created)\n", built);
    kit_ready(built);
    return 0;
}
