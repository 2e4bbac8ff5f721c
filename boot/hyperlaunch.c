/* Hyperlaunch: the hypervisor builds every domain of the manifest itself, links their event
 * channels, then starts them in start-after order, with no control domain in the way. */
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/domspec.h>
#include <tessera/evtchn.h>
#include <tessera/guest_fdt.h>
#include <tessera/launch.h>
#include <tessera/lib.h>

_Static_assert(MF_EVTCHN_PORTS == HC_EVTCHN_PORTS, "manifest and ABI agree on ports");

static uint8_t hl_dtb[GFDT_BUF_SIZE] __attribute__((aligned(8)));

static int hl_links(const struct mf_fleet *f, struct domain **built, char *err, size_t errlen)
{
    for (unsigned i = 0; i < f->count; i++) {
        for (unsigned k = 0; k < f->dom[i].link_count; k++) {
            const struct mf_link *l = &f->dom[i].links[k];
            int rc = evtchn_link(built[i], l->port, built[l->peer], l->peer_port);
            if (rc) {
                lib_snprintf(err, errlen, "%s: event channel %u: not linked (%d)", f->dom[i].name,
                             l->port, rc);
                return rc;
            }
        }
    }
    return 0;
}

int launch_hyperlaunch(const struct mf_fleet *f, char *err, size_t errlen)
{
    struct domain *built[MF_MAX_DOMAINS];
    unsigned order[MF_MAX_DOMAINS];
    struct dom_spec spec;
    int rc;

    mf_start_order(f, order);
    for (unsigned k = 0; k < f->count; k++) {
        unsigned i = order[k];
        rc = domspec_build(f, i, &spec, hl_dtb, err, errlen);
        if (!rc && (rc = dom_create(&spec, &built[i]))) {
            lib_snprintf(err, errlen, "%s: not built (%d)", spec.name, rc);
        }
        if (rc) {
            return rc;
        }
    }
    if ((rc = hl_links(f, built, err, errlen))) {
        return rc;
    }
    hyp_printf("init done");
    rc = dom_start_eligible();
    if (rc) {
        lib_snprintf(err, errlen, "starting the domains failed (%d)", rc);
    }
    return rc;
}
