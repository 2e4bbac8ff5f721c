/* Domains: creation from a spec (memory, stage-2, kernel image, vCPUs), shutdown and crash.
 * One builder for every launch path; a failed build releases everything it took. */
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>
#include <tessera/spinlock.h>

struct frame_map hyp_frames;
static struct domain domains[DOM_MAX];
static struct spinlock dom_lock = SPINLOCK_INIT;

/* Domain memory is aligned to 2 MiB so stage-2 can use block mappings. */
#define DOM_MEM_ALIGN (2ull << 20)

struct domain *dom_by_index(unsigned i)
{
    return i < DOM_MAX ? &domains[i] : NULL;
}

static struct domain *dom_slot_alloc(int id)
{
    struct domain *slot = NULL;

    spin_lock(&dom_lock);
    for (unsigned i = 0; i < DOM_MAX; i++) {
        if (domains[i].state != DOM_FREE && domains[i].id == id) {
            slot = NULL;
            break;
        }
        if (!slot && domains[i].state == DOM_FREE) {
            slot = &domains[i];
        }
    }
    if (slot) {
        lib_memset(slot, 0, sizeof(*slot));
        slot->state = DOM_CONSTRUCTING;
        slot->id = id;
    }
    spin_unlock(&dom_lock);
    return slot;
}

static int dom_load_kernel(struct domain *d, const struct dom_spec *spec)
{
    if (spec->kernel_size == 0) {
        return -ENOEXEC;
    }
    if (spec->kernel_size > d->mem[0].size) {
        hyp_printf("dom %s kernel of %llu bytes does not fit its %llu bytes of memory", d->name,
                   (unsigned long long)spec->kernel_size, (unsigned long long)d->mem[0].size);
        return -E2BIG;
    }
    lib_memcpy(arch_phys_to_virt(d->mem[0].pa), arch_phys_to_virt(spec->kernel_pa),
               spec->kernel_size);
    return 0;
}

static int dom_build(struct domain *d, const struct dom_spec *spec)
{
    paddr_t pa;
    int rc;

    rc = frame_alloc(&hyp_frames, spec->memory_bytes, DOM_MEM_ALIGN, d->id, &pa);
    if (rc) {
        return rc;
    }
    d->mem[0] = (struct dom_mem){.ipa = DOM_RAM_IPA, .pa = pa, .size = spec->memory_bytes};
    d->mem_count = 1;
    rc = arch_p2m_init(d);
    if (!rc) {
        rc = arch_p2m_map(d, DOM_RAM_IPA, pa, spec->memory_bytes, P2M_RWX);
    }
    if (!rc) {
        rc = dom_load_kernel(d, spec);
    }
    if (rc) {
        return rc;
    }
    for (unsigned i = 0; i < spec->vcpus; i++) {
        struct vcpu *v = &d->vcpu[i];
        v->dom = d;
        v->id = i;
        v->pcpu = spec->affinity[i];
        arch_vcpu_init(v, DOM_RAM_IPA, 0);
    }
    d->vcpu_count = spec->vcpus;
    return 0;
}

int dom_create(const struct dom_spec *spec, struct domain **out)
{
    struct domain *d;
    int rc;

    if (spec->vcpus == 0 || spec->vcpus > DOM_MAX_VCPUS || spec->memory_bytes == 0) {
        return -EINVAL;
    }
    d = dom_slot_alloc(spec->id);
    if (!d) {
        return -EEXIST;
    }
    lib_strlcpy(d->name, spec->name, sizeof(d->name));
    rc = dom_build(d, spec);
    if (rc) {
        arch_p2m_destroy(d);
        frame_release_all(&hyp_frames, d->id);
        d->state = DOM_FREE;
        return rc;
    }
    d->state = DOM_PAUSED;
    hyp_printf("dom %s created id=%d", d->name, d->id);
    *out = d;
    return 0;
}

static const char *dom_reason_name(unsigned reason)
{
    switch (reason) {
    case HC_SHUTDOWN_POWEROFF:
        return "poweroff";
    case HC_SHUTDOWN_REBOOT:
        return "reboot";
    default:
        return "crash";
    }
}

void dom_shutdown(struct domain *d, unsigned reason)
{
    console_flush(&d->console, d->name);
    d->shutdown_reason = reason;
    d->state = reason == HC_SHUTDOWN_CRASH ? DOM_CRASHED : DOM_SHUTDOWN;
    hyp_printf("dom %s shutdown reason=%s", d->name, dom_reason_name(reason));
}

void dom_crash(struct domain *d, const char *why)
{
    hyp_printf("dom %s fault %s", d->name, why);
    dom_shutdown(d, HC_SHUTDOWN_CRASH);
}

bool dom_all_ended(int *status)
{
    bool any = false;

    *status = 0;
    for (unsigned i = 0; i < DOM_MAX; i++) {
        struct domain *d = &domains[i];
        if (d->state == DOM_FREE) {
            continue;
        }
        any = true;
        if (d->state != DOM_SHUTDOWN && d->state != DOM_CRASHED) {
            return false;
        }
        if (d->state == DOM_CRASHED || d->shutdown_reason != HC_SHUTDOWN_POWEROFF) {
            *status = 1;
        }
    }
    return any;
}
