/* stress: a control domain that creates, runs and destroys the chirp domains of its fleet in a
 * loop while they print, on their own pCPUs (tests/qemu/test_smp_stress.c). Each round builds
 * every fleet domain (create, load kernel, device tree and orders, pin, unpause), pokes it with
 * pause, unpause and getinfo while it runs, lets it end one of three ways (destroyed while it
 * runs, powers itself off, crashes with on-crash = destroy) and destroys it; after each round
 * only the stress domain is left. A last round lets every chirp domain power off, so the run
 * ends with exit status 0. bootargs: rounds=N. */
#include <guest/kit.h>
#include <libfdt.h>
#include <tessera/arch.h>
#include <tessera/domctl_abi.h>
#include <tessera/domspec.h>
#include <tessera/errno.h>
#include <tessera/guest_fdt.h>
#include <tessera/hypercall.h>
#include <tessera/launch.h>
#include <tessera/lib.h>

#include "../chirp/chirp.h"
#include "../toolstack/ts.h"

#define STRESS_MAX_VICTIMS 4
#define STRESS_POLLS       20000000u /* getinfo calls a victim may take to reach a state */

static uint64_t stress_module_offset;
static uint8_t stress_dtb[STRESS_MAX_VICTIMS][GFDT_BUF_SIZE] __attribute__((aligned(8)));
static struct dom_spec stress_spec[STRESS_MAX_VICTIMS];
static unsigned stress_victims;
static struct domctl_create stress_req __attribute__((aligned(8)));
static struct chirp_orders stress_orders __attribute__((aligned(8)));
static uint32_t stress_ids[16] __attribute__((aligned(8)));

void *arch_phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(pa + stress_module_offset);
}

static uint64_t stress_ipa(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

static uint64_t stress_publish(const void *buf, size_t len)
{
    (void)len;
    return (uint64_t)(uintptr_t)buf;
}

/* getinfo: the state (DOMCTL_STATE_*), 0 once the domain is gone, or the error. */
static int64_t stress_state(const struct dom_spec *s, uint64_t *flags)
{
    register uint64_t x0 __asm__("x0") = HC_DOMCTL_GETINFO;
    register uint64_t x1 __asm__("x1") = (uint64_t)s->id;
    register uint64_t x2 __asm__("x2") = 0;
    register uint64_t x3 __asm__("x3") = 0;
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    if (flags) {
        *flags = x3;
    }
    if ((int64_t)x0 == -ESRCH) {
        return 0;
    }
    return (int64_t)x0 ? (int64_t)x0 : (int64_t)x1;
}

/* Domains the hypervisor lists (domctl_list). */
static int64_t stress_count(void)
{
    register uint64_t x0 __asm__("x0") = HC_DOMCTL_LIST;
    register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)stress_ids;
    register uint64_t x2 __asm__("x2") = sizeof(stress_ids) / sizeof(stress_ids[0]);
    __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2) : : "memory");
    return (int64_t)x0 ? (int64_t)x0 : (int64_t)x1;
}

static bool stress_fail(const struct dom_spec *s, unsigned round, const char *what, int64_t rc)
{
    kit_printf("FAIL: round %u: %s: %s: %s\n", round, s->name, what, lib_errstr((int)rc));
    return false;
}

/* create, kernel, device tree and orders loaded, vCPUs pinned, unpaused. */
static bool stress_build(const struct dom_spec *s, unsigned round, enum chirp_end end)
{
    const uint8_t *file = arch_phys_to_virt(s->kernel.pa);
    int64_t rc;

    lib_memset(&stress_req, 0, sizeof(stress_req));
    stress_req.domid = (uint32_t)s->id;
    stress_req.vcpus = s->vcpus;
    stress_req.memory_kib = s->memory_bytes / 1024;
    stress_req.on_crash = DOM_CRASH_DESTROY;
    lib_strlcpy(stress_req.name, s->name, sizeof(stress_req.name));
    rc = kit_hvc5(HC_DOMCTL_CREATE, stress_ipa(&stress_req), 0, 0, 0, 0);
    if (rc) {
        return stress_fail(s, round, "create", rc);
    }
    for (unsigned k = 0; !rc && k < s->image.nseg; k++) {
        const struct loader_segment *seg = &s->image.seg[k];
        rc = kit_hvc5(HC_DOMCTL_LOAD, (uint64_t)s->id, seg->ipa, stress_ipa(file + seg->offset),
                      seg->filesz, 0);
    }
    if (!rc) {
        rc = kit_hvc5(HC_DOMCTL_LOAD, (uint64_t)s->id, s->dtb_ipa, stress_ipa(s->dtb), s->dtb_size,
                      0);
    }
    stress_orders = (struct chirp_orders){CHIRP_ORDERS_MAGIC, end, 40, round};
    if (!rc) {
        rc = kit_hvc5(HC_DOMCTL_LOAD, (uint64_t)s->id, CHIRP_ORDERS_IPA, stress_ipa(&stress_orders),
                      sizeof(stress_orders), 0);
    }
    for (unsigned v = 0; !rc && v < s->vcpus; v++) {
        rc = kit_hvc5(HC_DOMCTL_SET_VCPU, (uint64_t)s->id, v, s->affinity[v],
                      v == 0 ? s->image.entry : 0, v == 0 ? s->dtb_ipa : 0);
    }
    if (!rc) {
        rc = kit_hvc5(HC_DOMCTL_UNPAUSE, (uint64_t)s->id, 0, 0, 0, 0);
    }
    return rc ? stress_fail(s, round, "build", rc) : true;
}

/* While it runs: pause and unpause are refused (-EBUSY: a running vCPU is not stopped) and
 * getinfo answers; every call races with the domain's own vCPUs on their pCPUs. */
static bool stress_poke(const struct dom_spec *s, unsigned round)
{
    int64_t p = kit_hvc5(HC_DOMCTL_PAUSE, (uint64_t)s->id, 0, 0, 0, 0);
    int64_t u = kit_hvc5(HC_DOMCTL_UNPAUSE, (uint64_t)s->id, 0, 0, 0, 0);

    if ((p != -EBUSY && p != -ESRCH) || (u != -EBUSY && u != -ESRCH)) {
        return stress_fail(s, round, "pause/unpause of a started domain", p ? p : u);
    }
    return true;
}

/* Waits (polling getinfo, poking the others) until s is ready and running (CHIRP_FOREVER) or
 * has ended by itself (the others). */
static bool stress_wait(unsigned idx, unsigned round, enum chirp_end end)
{
    const struct dom_spec *s = &stress_spec[idx];

    for (unsigned n = 0; n < STRESS_POLLS; n++) {
        uint64_t flags = 0;
        int64_t st = stress_state(s, &flags);
        if (st < 0) {
            return stress_fail(s, round, "getinfo", st);
        }
        if (end == CHIRP_FOREVER && st == DOMCTL_STATE_RUNNING && (flags & 1) && n > 500) {
            return true; /* ready, and it has printed for a while */
        }
        if (end != CHIRP_FOREVER && (st == DOMCTL_STATE_SHUTDOWN || st == DOMCTL_STATE_CRASHED)) {
            return true;
        }
        if (!stress_poke(&stress_spec[(idx + n) % stress_victims], round)) {
            return false;
        }
        /* WFE: under QEMU (TCG) it yields the pCPU, so the others run between polls. */
        __asm__ volatile("wfe");
    }
    return stress_fail(s, round, "never reached the state awaited", -EAGAIN);
}

static bool stress_round(unsigned round, enum chirp_end end, bool destroy)
{
    for (unsigned i = 0; i < stress_victims; i++) {
        if (!stress_build(&stress_spec[i], round, end)) {
            return false;
        }
    }
    for (unsigned i = 0; i < stress_victims; i++) {
        if (!stress_wait(i, round, end)) {
            return false;
        }
    }
    for (unsigned i = 0; destroy && i < stress_victims; i++) {
        int64_t rc = kit_hvc5(HC_DOMCTL_DESTROY, (uint64_t)stress_spec[i].id, 0, 0, 0, 0);
        if (rc) {
            return stress_fail(&stress_spec[i], round, "destroy", rc);
        }
        if (stress_state(&stress_spec[i], NULL) != 0) {
            return stress_fail(&stress_spec[i], round, "still listed after destroy", -EEXIST);
        }
    }
    return true;
}

static unsigned stress_rounds(const void *own, int chosen)
{
    int len;
    const char *args = chosen >= 0 ? fdt_getprop(own, chosen, "bootargs", &len) : NULL;
    size_t vlen = 0;
    const char *v = args ? lib_cmdline_value(args, "rounds", &vlen) : NULL;
    unsigned long n = v ? lib_strtoul(v, NULL, 10) : 0;

    return n ? (unsigned)n : 30;
}

static uint64_t stress_u64(const void *fdt, int node, const char *prop)
{
    int len;
    const fdt64_t *v = fdt_getprop(fdt, node, prop, &len);
    return v && len == 8 ? fdt64_to_cpu(*v) : 0;
}

/* The fleet's domains, each with its spec and device tree. */
static bool stress_specs(const struct mf_fleet *f)
{
    char err[160];

    for (unsigned i = 0; i < f->count && stress_victims < STRESS_MAX_VICTIMS; i++) {
        if (!launch_in_fleet(&f->dom[i])) {
            continue;
        }
        struct dom_spec *s = &stress_spec[stress_victims];
        if (domspec_build(f, i, s, stress_dtb[stress_victims], err, sizeof(err))) {
            kit_printf("FAIL: %s\n", err);
            return false;
        }
        stress_victims++;
    }
    return stress_victims > 0;
}

int guest_main(uint64_t dtb)
{
    static const struct ts_env env = {kit_hvc5, stress_ipa, stress_publish, kit_printf};
    static const enum chirp_end ends[] = {CHIRP_FOREVER, CHIRP_POWEROFF, CHIRP_CRASH};
    const void *own = (const void *)dtb;
    int chosen = dtb ? fdt_path_offset(own, "/chosen") : -1;
    uint64_t fleet_ipa = chosen >= 0 ? stress_u64(own, chosen, "tessera,fleet-dtb") : 0;
    unsigned rounds = stress_rounds(own, chosen), done = 0;

    stress_module_offset = chosen >= 0 ? stress_u64(own, chosen, "tessera,module-offset") : 0;
    const struct mf_fleet *fleet = fleet_ipa ? ts_parse(&env, (const void *)fleet_ipa) : NULL;
    if (!fleet || !stress_specs(fleet)) {
        kit_printf("FAIL: no fleet to stress\n");
        return 1;
    }
    int64_t before = stress_count();
    kit_printf("%u rounds of %u domains, %lld listed\n", rounds, stress_victims, (long long)before);
    for (unsigned r = 0; r < rounds; r++) {
        if (!stress_round(r, ends[r % 3], true)) {
            break;
        }
        int64_t now = stress_count();
        if (now != before) {
            kit_printf("FAIL: round %u: %lld domains listed, %lld before\n", r, (long long)now,
                       (long long)before);
            break;
        }
        done++;
        kit_printf("round %u done (%s), %lld listed\n", r,
                   r % 3 == 0   ? "destroyed running"
                   : r % 3 == 1 ? "powered off"
                                : "crashed",
                   (long long)now);
    }
    kit_check(done == rounds, "every round created, ran and destroyed every domain");
    /* The last incarnations power off by themselves: every domain ends cleanly. */
    kit_check(done == rounds && stress_round(rounds, CHIRP_POWEROFF, false),
              "the last incarnations powered off");
    kit_printf("%u rounds done\n", done);
    return kit_verdict();
}
