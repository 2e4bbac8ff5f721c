/* The toolstack's work, whatever runs it (ts.h): it reads the fleet from the boot DTB the
 * hypervisor mapped for it (the same manifest library as the hypervisor), then for each domain
 * in start order: create (domctl), load the kernel segments, ramdisk and the generated device
 * tree, pin and aim its vCPUs, record what it waits for, unpause. */
#include <libfdt.h>

#include <tessera/domctl_abi.h>
#include <tessera/domspec.h>
#include <tessera/guest_fdt.h>
#include <tessera/launch.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

#include "ts.h"

static struct mf_fleet ts_fleet;
static uint8_t ts_dtb[GFDT_BUF_SIZE] __attribute__((aligned(8)));
static struct domctl_create ts_req __attribute__((aligned(8)));

static const struct ts_env *ts_env;
static unsigned ts_released_count;

static int64_t ts_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    return ts_env->call(fn, a1, a2, a3, a4, a5);
}

static int ts_fail(const char *name, const char *what, int64_t rc)
{
    ts_env->out("FAIL: %s: %s: %s\n", name, what, lib_errstr((int)rc));
    return (int)rc;
}

static int ts_load_kernel(const struct dom_spec *s)
{
    const uint8_t *file = arch_phys_to_virt(s->kernel.pa);

    for (unsigned k = 0; k < s->image.nseg; k++) {
        const struct loader_segment *seg = &s->image.seg[k];
        int64_t rc = ts_call(HC_DOMCTL_LOAD, (uint64_t)s->id, seg->ipa,
                             ts_env->ipa(file + seg->offset), seg->filesz, 0);
        if (!rc && seg->memsz > seg->filesz) {
            rc = ts_call(HC_DOMCTL_LOAD, (uint64_t)s->id, seg->ipa + seg->filesz, 0,
                         seg->memsz - seg->filesz, 0);
        }
        if (rc) {
            return ts_fail(s->name, "kernel not loaded", rc);
        }
    }
    return 0;
}

static int ts_create(const struct dom_spec *s)
{
    lib_memset(&ts_req, 0, sizeof(ts_req));
    ts_req.domid = (uint32_t)s->id;
    ts_req.vcpus = s->vcpus;
    ts_req.memory_kib = s->memory_bytes / 1024;
    ts_req.permissions = s->permissions;
    ts_req.functions = s->functions;
    ts_req.priority = s->priority;
    /* A toolstack-built domain has no boot-time spec to rebuild from: restart becomes halt. */
    ts_req.on_crash = s->on_crash == DOM_CRASH_RESTART ? DOM_CRASH_HALT : s->on_crash;
    lib_strlcpy(ts_req.name, s->name, sizeof(ts_req.name));
    ts_req.flags = s->vpl011 ? DOMCTL_CREATE_VPL011 : 0;
    uint64_t ipa = ts_env->publish(&ts_req, sizeof(ts_req));
    int64_t rc = ipa ? ts_call(HC_DOMCTL_CREATE, ipa, 0, 0, 0, 0) : -ENOMEM;
    return rc ? ts_fail(s->name, "not created", rc) : 0;
}

/* Everything after create: images, device tree, vCPUs, order, unpause. */
static int ts_fill(const struct dom_spec *s)
{
    int64_t rc = ts_load_kernel(s);

    if (!rc && s->ramdisk.size) {
        rc = ts_call(HC_DOMCTL_LOAD, (uint64_t)s->id, s->ramdisk_ipa,
                     ts_env->ipa(arch_phys_to_virt(s->ramdisk.pa)), s->ramdisk.size, 0);
    }
    if (!rc) {
        rc = ts_call(HC_DOMCTL_LOAD, (uint64_t)s->id, s->dtb_ipa,
                     ts_env->publish(s->dtb, s->dtb_size), s->dtb_size, 0);
    }
    for (unsigned v = 0; !rc && v < s->vcpus; v++) {
        rc = ts_call(HC_DOMCTL_SET_VCPU, (uint64_t)s->id, v, s->affinity[v],
                     v == 0 ? s->image.entry : 0, v == 0 ? s->dtb_ipa : 0);
    }
    for (unsigned k = 0; !rc && k < s->start_after_count; k++) {
        rc = ts_call(HC_DOMCTL_START_AFTER, (uint64_t)s->id, (uint64_t)s->start_after[k], 0, 0, 0);
    }
    if (!rc) {
        rc = ts_call(HC_DOMCTL_UNPAUSE, (uint64_t)s->id, 0, 0, 0, 0);
    }
    return rc ? ts_fail(s->name, "not set up", rc) : 0;
}

/* Bootdomain mode: the hypervisor built the domain (held); apply its start order and let it
 * go. */
static int ts_release(unsigned i)
{
    const struct mf_domain *m = &ts_fleet.dom[i];
    int64_t rc = 0;

    if (m->late & MF_LATE_AFFINITY) {
        /* Pin the vCPUs now (entry 0: they enter where the hypervisor built them to; the boot
         * domain sees nothing of the fleet's images). */
        for (unsigned v = 0; !rc && v < m->cpus; v++) {
            rc = ts_call(HC_DOMCTL_SET_VCPU, m->domid, v, m->affinity[v], 0, 0);
        }
        if (!rc) {
            ts_env->out("%s: late cpu-affinity applied (vCPU 0 on pCPU %u)\n", m->name,
                        m->affinity[0]);
        }
    }
    for (unsigned k = 0; !rc && k < m->start_after_count; k++) {
        rc = ts_call(HC_DOMCTL_START_AFTER, m->domid, ts_fleet.dom[m->start_after[k]].domid, 0, 0,
                     0);
    }
    if (!rc) {
        rc = ts_call(HC_DOMCTL_UNPAUSE, m->domid, 0, 0, 0, 0);
    }
    if (rc) {
        return ts_fail(m->name, "not released", rc);
    }
    ts_env->out("%s: start order applied, unpaused\n", m->name);
    ts_released_count++;
    return 0;
}

static int ts_build(unsigned i)
{
    struct dom_spec s;
    char err[160];

    if (ts_fleet.dom[i].device_count) {
        ts_env->out(
            "FAIL: %s: passthrough devices cannot be given by a toolstack yet (no domctl for "
            "them): boot this scenario in hyperlaunch or bootdomain mode\n",
            ts_fleet.dom[i].name);
        return -1;
    }
    /* Already built by the hypervisor (bootdomain mode)? Then only release it. */
    if (ts_call(HC_DOMCTL_GETINFO, ts_fleet.dom[i].domid, 0, 0, 0, 0) == 0) {
        return ts_release(i);
    }
    int rc = domspec_build(&ts_fleet, i, &s, ts_dtb, err, sizeof(err));

    if (rc) {
        ts_env->out("FAIL: %s\n", err);
        return rc;
    }
    if ((rc = ts_create(&s)) || (rc = ts_fill(&s))) {
        ts_call(HC_DOMCTL_DESTROY, (uint64_t)s.id, 0, 0, 0, 0);
        return rc;
    }
    ts_env->out("%s: created, %s kernel loaded, unpaused\n", s.name,
                loader_format_name(s.image.format));
    return 0;
}

const struct mf_fleet *ts_parse(const struct ts_env *env, const void *fleet)
{
    char err[192];
    int hv = fdt_path_offset(fleet, "/chosen/hypervisor");
    int rc = hv < 0 ? -1 : mf_parse(fleet, hv, MF_BOOT_DTB, &ts_fleet, err, sizeof(err));
    if (rc == 0 && mf_run_seed(fleet, fdt_path_offset(fleet, "/chosen"), &ts_fleet)) {
        rc = -1;
        lib_strlcpy(err, "/chosen/tessera,seed: not a 64-bit value", sizeof(err));
    }

    ts_env = env;
    if (rc) {
        ts_env->out("FAIL: fleet: %s\n", hv < 0 ? "no /chosen/hypervisor" : err);
        return NULL;
    }
    return &ts_fleet;
}

int ts_build_all(unsigned *built)
{
    unsigned order[MF_MAX_DOMAINS];

    *built = 0;
    mf_start_order(&ts_fleet, order);
    for (unsigned k = 0; k < ts_fleet.count; k++) {
        if (!launch_in_fleet(&ts_fleet.dom[order[k]])) {
            continue;
        }
        if (ts_build(order[k])) {
            return -1;
        }
        (*built)++;
    }
    return 0;
}

unsigned ts_released(void)
{
    return ts_released_count;
}
