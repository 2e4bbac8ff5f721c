/* Fleet-level checks of a parsed manifest against the machine: domain ids, pCPU ids and
 * sharing under the null scheduler, and start-after ordering (no cycles). */
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/manifest.h>

#include "mf_util.h"

enum { MF_WHITE, MF_GREY, MF_BLACK };

/* Depth-first visit; returns the index of a domain on a cycle, or -1. */
static int mf_cycle_from(const struct mf_fleet *f, unsigned i, int *colour)
{
    colour[i] = MF_GREY;
    for (unsigned k = 0; k < f->dom[i].start_after_count; k++) {
        unsigned j = f->dom[i].start_after[k];
        if (colour[j] == MF_GREY) {
            return (int)j;
        }
        if (colour[j] == MF_WHITE) {
            int c = mf_cycle_from(f, j, colour);
            if (c >= 0) {
                return c;
            }
        }
    }
    colour[i] = MF_BLACK;
    return -1;
}

static int mf_check_order(struct mf_ctx *c, const struct mf_fleet *f)
{
    int colour[MF_MAX_DOMAINS] = {0};

    for (unsigned i = 0; i < f->count; i++) {
        int on_cycle = colour[i] == MF_WHITE ? mf_cycle_from(f, i, colour) : -1;
        if (on_cycle >= 0) {
            return mf_fail(c, f->dom[on_cycle].node, "start-after",
                           "domains wait for each other in a cycle through %s",
                           f->dom[on_cycle].name);
        }
    }
    return 0;
}

/* Which launch helpers a domain is: the control domain lives only in the dom0 mode and the
 * boot domain only in the bootdomain mode, so they never share the machine with each other. */
enum { MF_ROLE_FLEET, MF_ROLE_CONTROL, MF_ROLE_BOOT };

static int mf_role(const struct mf_domain *d)
{
    return (d->permissions & MF_PERM_CONTROL) ? MF_ROLE_CONTROL
           : (d->functions & MF_FUNC_BOOT)    ? MF_ROLE_BOOT
                                              : MF_ROLE_FLEET;
}

/* One vCPU per pCPU among the fleet and the launch helper of one mode (helper = a role). */
static int mf_check_pcpus_with(struct mf_ctx *c, const struct mf_fleet *f, unsigned pcpus,
                               int helper)
{
    int owner[64];

    for (unsigned i = 0; i < ARRAY_SIZE(owner); i++) {
        owner[i] = -1;
    }
    for (unsigned i = 0; i < f->count; i++) {
        const struct mf_domain *d = &f->dom[i];
        if (mf_role(d) != MF_ROLE_FLEET && mf_role(d) != helper) {
            continue;
        }
        for (unsigned v = 0; v < d->cpus; v++) {
            unsigned p = d->affinity[v];
            if (p >= pcpus || p >= ARRAY_SIZE(owner)) {
                return mf_fail(c, d->node, "cpu-affinity",
                               "vCPU %u on pCPU %u, but the machine has pCPUs 0-%u", v, p,
                               pcpus - 1);
            }
            if (owner[p] >= 0) {
                return mf_fail(c, d->node, "cpu-affinity",
                               "pCPU %u is already taken by %s (the null scheduler runs one "
                               "vCPU per pCPU)",
                               p, f->dom[owner[p]].name);
            }
            owner[p] = (int)i;
        }
    }
    return 0;
}

static int mf_check_pcpus(struct mf_ctx *c, const struct mf_fleet *f, unsigned pcpus)
{
    int rc = mf_check_pcpus_with(c, f, pcpus, MF_ROLE_CONTROL);
    return rc ? rc : mf_check_pcpus_with(c, f, pcpus, MF_ROLE_BOOT);
}

/* Every port is linked at most once, counting both ends of every link. */
static int mf_check_links(struct mf_ctx *c, const struct mf_fleet *f)
{
    uint32_t used[MF_MAX_DOMAINS] = {0};

    for (unsigned i = 0; i < f->count; i++) {
        for (unsigned k = 0; k < f->dom[i].link_count; k++) {
            const struct mf_link *l = &f->dom[i].links[k];
            if ((used[i] >> l->port) & 1) {
                return mf_fail(c, f->dom[i].node, "event-channels", "port %u of %s is linked twice",
                               l->port, f->dom[i].name);
            }
            used[i] |= 1u << l->port;
            if ((used[l->peer] >> l->peer_port) & 1) {
                return mf_fail(c, f->dom[i].node, "event-channels", "port %u of %s is linked twice",
                               l->peer_port, f->dom[l->peer].name);
            }
            used[l->peer] |= 1u << l->peer_port;
        }
    }
    return 0;
}

/* No two domains are given overlapping device ranges. */
static int mf_check_devices(struct mf_ctx *c, const struct mf_fleet *f)
{
    for (unsigned i = 0; i < f->count; i++) {
        for (unsigned k = 0; k < f->dom[i].device_count; k++) {
            const struct mf_device *a = &f->dom[i].devices[k];
            for (unsigned j = 0; j <= i; j++) {
                for (unsigned l = 0; l < f->dom[j].device_count && (j < i || l < k); l++) {
                    const struct mf_device *b = &f->dom[j].devices[l];
                    if (a->base < b->base + b->size && b->base < a->base + a->size) {
                        return mf_fail(c, a->node, "reg", "overlaps a device of %s",
                                       f->dom[j].name);
                    }
                }
            }
        }
    }
    return 0;
}

/* A domain may wait only for a domain built in the same modes: the fleet proper for the
 * fleet (the control and boot domains are not built in hyperlaunch mode). */
static int mf_check_dep_roles(struct mf_ctx *c, const struct mf_fleet *f)
{
    for (unsigned i = 0; i < f->count; i++) {
        for (unsigned k = 0; k < f->dom[i].start_after_count; k++) {
            const struct mf_domain *dep = &f->dom[f->dom[i].start_after[k]];
            if (mf_role(dep) != MF_ROLE_FLEET) {
                return mf_fail(c, f->dom[i].node, "start-after",
                               "%s is the %s domain, built in one launch mode only: nothing can "
                               "wait for it",
                               dep->name, mf_role(dep) == MF_ROLE_CONTROL ? "control" : "boot");
            }
        }
    }
    return 0;
}

int mf_validate(const void *fdt, const struct mf_fleet *f, unsigned pcpus, char *err, size_t errlen)
{
    struct mf_ctx c = {fdt, err, errlen};
    int rc;

    for (unsigned i = 0; i < f->count; i++) {
        for (unsigned j = 0; j < i; j++) {
            if (f->dom[j].domid == f->dom[i].domid) {
                return mf_fail(&c, f->dom[i].node, "domid", "%u is already used by %s",
                               f->dom[i].domid, f->dom[j].name);
            }
        }
    }
    if ((rc = mf_check_pcpus(&c, f, pcpus))) {
        return rc;
    }
    if ((rc = mf_check_links(&c, f)) || (rc = mf_check_devices(&c, f))) {
        return rc;
    }
    if ((rc = mf_check_dep_roles(&c, f))) {
        return rc;
    }
    return mf_check_order(&c, f);
}

void mf_start_order(const struct mf_fleet *f, unsigned order[MF_MAX_DOMAINS])
{
    bool placed[MF_MAX_DOMAINS] = {false};
    unsigned n = 0;

    while (n < f->count) {
        unsigned before = n;
        for (unsigned i = 0; i < f->count; i++) {
            bool ready = !placed[i];
            for (unsigned k = 0; ready && k < f->dom[i].start_after_count; k++) {
                ready = placed[f->dom[i].start_after[k]];
            }
            if (ready) {
                placed[i] = true;
                order[n++] = i;
            }
        }
        if (n == before) {
            break; /* a cycle: mf_validate refuses such a fleet */
        }
    }
}
