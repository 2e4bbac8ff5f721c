/* Domain layout: the kernel where its format wants it, the device tree in the top 64 KiB of
 * RAM, the ramdisk just below it (2 MiB-aligned when it can be, so a mapped ramdisk gets
 * block mappings); then the guest device tree describing exactly that. */
#include <libfdt.h>
#include <tessera/arch.h>
#include <tessera/domspec.h>
#include <tessera/errno.h>
#include <tessera/guest_fdt.h>
#include <tessera/lib.h>
#include <tessera/trace.h>

#define DS_BLOCK (2ull << 20)

static int ds_fail(char *err, size_t errlen, const char *name, int rc, const char *what)
{
    lib_snprintf(err, errlen, "%s: %s", name, what);
    return rc;
}

static void ds_policy(const struct mf_fleet *f, const struct mf_domain *m, struct dom_spec *s)
{
    lib_memset(s, 0, sizeof(*s));
    s->id = (int)m->domid;
    lib_strlcpy(s->name, m->name, sizeof(s->name));
    s->memory_bytes = m->memory_kib * 1024;
    s->vcpus = m->cpus;
    for (unsigned i = 0; i < m->cpus; i++) {
        s->affinity[i] = m->affinity[i];
    }
    s->permissions = m->permissions;
    s->functions = m->functions;
    s->priority = m->priority;
    s->on_crash = (enum dom_on_crash)m->on_crash;
    for (unsigned i = 0; i < m->start_after_count; i++) {
        s->start_after[i] = (int)f->dom[m->start_after[i]].domid;
    }
    s->start_after_count = m->start_after_count;
    /* A domain that may restart needs its images intact: copy them, never hand them over. */
    s->allow_map = m->on_crash != MF_CRASH_RESTART;
    s->vpl011 = m->vpl011;
    s->kernel = (struct dom_module){m->kernel.addr, m->kernel.size};
    for (unsigned i = 0; i < m->device_count; i++) {
        s->devices[i] = (struct dom_module){m->devices[i].base, m->devices[i].size};
    }
    s->device_count = m->device_count;
    if (m->ramdisk.present) {
        s->ramdisk = (struct dom_module){m->ramdisk.addr, m->ramdisk.size};
    }
}

/* Places the device tree and the ramdisk above the kernel. */
static int ds_layout(struct dom_spec *s, char *err, size_t errlen)
{
    uint64_t ram_end = DOM_RAM_IPA + s->memory_bytes;
    uint64_t kernel_end = ALIGN_UP(s->image.highest, FRAME_SIZE);

    if (s->memory_bytes < GFDT_MAX_SIZE || ram_end - GFDT_MAX_SIZE < kernel_end) {
        return ds_fail(err, errlen, s->name, -E2BIG,
                       "memory-kib leaves no room for the device tree above the kernel");
    }
    s->dtb_ipa = ram_end - GFDT_MAX_SIZE;
    if (s->ramdisk.size == 0) {
        return 0;
    }
    if (s->ramdisk.size > s->dtb_ipa - kernel_end) {
        return ds_fail(err, errlen, s->name, -E2BIG,
                       "the ramdisk does not fit between the kernel and the device tree");
    }
    uint64_t at = s->dtb_ipa - s->ramdisk.size;
    s->ramdisk_ipa = ALIGN_DOWN(at, DS_BLOCK) >= kernel_end ? ALIGN_DOWN(at, DS_BLOCK)
                                                            : ALIGN_DOWN(at, FRAME_SIZE);
    return 0;
}

/* A dtb module: the domain boots with that device tree as it is (placed where a generated one
 * would be). It cannot know where the hypervisor puts a ramdisk or what the kernel node's
 * bootargs say, so those combinations are refused. */
static int ds_given_dtb(const struct mf_domain *m, struct dom_spec *s, char *err, size_t errlen)
{
    const void *fdt = arch_phys_to_virt(m->dtb.addr);

    if (m->ramdisk.present || m->kernel.bootargs) {
        return ds_fail(err, errlen, s->name, -EINVAL,
                       "a dtb module cannot be combined with a ramdisk or kernel bootargs: put "
                       "them in the device tree itself");
    }
    if (m->dtb.size > GFDT_MAX_SIZE || m->dtb.size < sizeof(struct fdt_header) ||
        fdt_check_header(fdt) != 0 || fdt_totalsize(fdt) > m->dtb.size) {
        return ds_fail(err, errlen, s->name, -EINVAL,
                       "the dtb module is not a valid device tree of at most 64 KiB");
    }
    s->dtb = fdt;
    s->dtb_size = fdt_totalsize(fdt);
    return 0;
}

int domspec_build_control(const struct mf_fleet *f, unsigned i, struct dom_spec *s, void *dtb_buf,
                          uint64_t fleet_dtb_ipa, uint64_t module_offset, char *err, size_t errlen)
{
    const struct mf_domain *m = &f->dom[i];
    char why[128];
    int rc;

    ds_policy(f, m, s);
    rc = loader_probe(arch_phys_to_virt(s->kernel.pa), s->kernel.size, DOM_RAM_IPA, s->memory_bytes,
                      &s->image, why, sizeof(why));
    if (rc) {
        return ds_fail(err, errlen, s->name, rc, why);
    }
    if ((rc = ds_layout(s, err, errlen))) {
        return rc;
    }
    if (m->dtb.present) {
        return ds_given_dtb(m, s, err, errlen);
    }
    struct gfdt_params gp = {
        .name = m->name,
        .domid = m->domid,
        .ram_ipa = DOM_RAM_IPA,
        .ram_size = s->memory_bytes,
        .vcpus = m->cpus,
        .bootargs = m->kernel.bootargs,
        .initrd_start = s->ramdisk.size ? s->ramdisk_ipa : 0,
        .initrd_end = s->ramdisk_ipa + s->ramdisk.size,
        .vpl011 = m->vpl011,
        .fleet_dtb_ipa = fleet_dtb_ipa,
        .module_offset = module_offset,
        .run_seed = f->seed,
    };
    TRACE(boot_dom_step, m->domid, TRACE_DOM_STEP_BUILD_DT, 0);
    rc = gfdt_build(dtb_buf, GFDT_BUF_SIZE, &gp);
    if (rc < 0) {
        return ds_fail(err, errlen, s->name, rc, "its device tree does not fit in 8 KiB");
    }
    s->dtb = dtb_buf;
    s->dtb_size = (uint64_t)rc;
    return 0;
}

int domspec_build(const struct mf_fleet *f, unsigned i, struct dom_spec *s, void *dtb_buf,
                  char *err, size_t errlen)
{
    return domspec_build_control(f, i, s, dtb_buf, 0, 0, err, errlen);
}
