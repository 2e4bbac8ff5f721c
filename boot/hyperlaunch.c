/* Hyperlaunch: the hypervisor builds every domain of the manifest itself, in parallel (each
 * domain on the pCPU its first vCPU is pinned to), links their event channels, then starts
 * them in start-after order, with no control domain in the way. */
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/domspec.h>
#include <tessera/evtchn.h>
#include <tessera/guest_fdt.h>
#include <tessera/launch.h>
#include <tessera/lib.h>
#include <tessera/trace.h>

_Static_assert(MF_EVTCHN_PORTS == HC_EVTCHN_PORTS, "manifest and ABI agree on ports");

struct hl_job {
    const struct mf_fleet *fleet;
    unsigned index;
    bool held;
    struct dom_spec spec;
    struct domain *built;
    int rc;
    char err[160];
};

static struct hl_job hl_jobs[MF_MAX_DOMAINS];
/* One device-tree buffer per domain being built; fdt_create clears what it uses. */
static uint8_t hl_dtb[MF_MAX_DOMAINS][GFDT_BUF_SIZE]
    __attribute__((section(".noinit"), aligned(8)));
static unsigned hl_pending;

/* Builds one domain (on whichever pCPU runs it). */
static void hl_build(void *arg)
{
    struct hl_job *j = arg;

    j->rc = domspec_build(j->fleet, j->index, &j->spec, hl_dtb[j->index], j->err, sizeof(j->err));
    j->spec.held = j->held;
    if (j->held) {
        /* Bootdomain mode: the start order is late configuration, the boot domain's job. */
        j->spec.start_after_count = 0;
    }
    if (!j->rc && (j->rc = dom_create(&j->spec, &j->built))) {
        lib_snprintf(j->err, sizeof(j->err), "%s: not built: %s", j->spec.name, lib_errstr(j->rc));
    }
    if (!j->rc && j->held && (j->fleet->dom[j->index].late & MF_LATE_AFFINITY)) {
        for (unsigned v = 0; v < j->built->vcpu_count; v++) {
            j->built->vcpu[v].pcpu = DOM_PCPU_NONE;
        }
        hyp_printf("dom %s left unpinned: its boot domain pins it (late cpu-affinity)",
                   j->spec.name);
    }
    __atomic_fetch_sub(&hl_pending, 1, __ATOMIC_RELEASE);
    arch_send_event();
}

/* Hands every domain to the pCPU of its first vCPU; builds here what cannot go elsewhere. */
static void hl_build_all(const struct mf_fleet *f, bool held)
{
    bool local[MF_MAX_DOMAINS] = {false};

    hl_pending = 0;
    for (unsigned i = 0; i < f->count; i++) {
        hl_pending += launch_in_fleet(&f->dom[i]);
    }
    for (unsigned i = 0; i < f->count; i++) {
        hl_jobs[i] = (struct hl_job){.fleet = f, .index = i, .held = held};
        if (!launch_in_fleet(&f->dom[i])) {
            hyp_printf("dom %s not built: it serves the %s mode only", f->dom[i].name,
                       f->dom[i].permissions & MF_PERM_CONTROL ? "dom0" : "bootdomain");
            continue;
        }
        unsigned cpu = f->dom[i].affinity[0];
        local[i] = cpu == arch_cpu_id() || arch_cpu_call(cpu, hl_build, &hl_jobs[i]) != 0;
    }
    for (unsigned i = 0; i < f->count; i++) {
        if (local[i]) {
            hl_build(&hl_jobs[i]);
        }
    }
    while (__atomic_load_n(&hl_pending, __ATOMIC_ACQUIRE) > 0) {
        arch_wait_event();
    }
}

static int hl_links(const struct mf_fleet *f, char *err, size_t errlen)
{
    for (unsigned i = 0; i < f->count; i++) {
        for (unsigned k = 0; k < f->dom[i].link_count; k++) {
            const struct mf_link *l = &f->dom[i].links[k];
            if (!hl_jobs[i].built || !hl_jobs[l->peer].built) {
                continue; /* a link to a domain this mode does not build */
            }
            int rc = evtchn_link(hl_jobs[i].built, l->port, hl_jobs[l->peer].built, l->peer_port);
            if (rc) {
                lib_snprintf(err, errlen, "%s: event channel %u: not linked: %s", f->dom[i].name,
                             l->port, lib_errstr(rc));
                return rc;
            }
        }
    }
    return 0;
}

/* Gives each passthrough device's SPIs to vCPU 0 of its domain. */
static int hl_irqs(const struct mf_fleet *f, char *err, size_t errlen)
{
    for (unsigned i = 0; i < f->count; i++) {
        struct domain *d = hl_jobs[i].built;
        for (unsigned k = 0; d && k < f->dom[i].device_count; k++) {
            const struct mf_device *dv = &f->dom[i].devices[k];
            for (unsigned s = 0; s < dv->spi_count; s++) {
                int rc = vgic_assign_spi(d, dv->spi[s]);
                if (rc) {
                    lib_snprintf(err, errlen, "%s: SPI %u of its device not assigned: %s%s",
                                 d->name, dv->spi[s], lib_errstr(rc),
                                 d->vcpu[0].pcpu == DOM_PCPU_NONE
                                     ? ": a late cpu-affinity leaves nowhere to route it"
                                     : "");
                    return rc;
                }
            }
        }
    }
    return 0;
}

int launch_build_fleet(const struct mf_fleet *f, bool held, char *err, size_t errlen)
{
    hl_build_all(f, held);
    for (unsigned i = 0; i < f->count; i++) {
        if (hl_jobs[i].rc) {
            lib_strlcpy(err, hl_jobs[i].err, errlen);
            return hl_jobs[i].rc;
        }
    }
    int rc = hl_links(f, err, errlen);
    return rc ? rc : hl_irqs(f, err, errlen);
}

int launch_hyperlaunch(const struct mf_fleet *f, char *err, size_t errlen)
{
    int rc = launch_build_fleet(f, false, err, errlen);

    if (rc) {
        return rc;
    }
    TRACE(boot_phase, TRACE_BOOT_INIT_DONE, 0);
    hyp_printf("init done");
    rc = dom_start_eligible();
    if (rc) {
        lib_snprintf(err, errlen, "starting the domains failed: %s", lib_errstr(rc));
    }
    return rc;
}
