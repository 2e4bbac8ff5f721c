/* Domain lifecycle: slots, creation through the builder, start ordering (start-after),
 * readiness, shutdown and the on-crash policy. */
#include <tessera/arch.h>
#include <tessera/dom_build.h>
#include <tessera/domain.h>
#include <tessera/domctl_abi.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>
#include <tessera/spinlock.h>
#include <tessera/trace.h>
#include <tessera/trace_dump.h>

_Static_assert(DOM_NAME_MAX == DOMCTL_NAME_MAX, "one name rule for every domain");

struct frame_map hyp_frames;
static struct domain domains[DOM_MAX];
static struct spinlock dom_lock = SPINLOCK_INIT;
static bool dom_launch_done;

struct domain *dom_by_index(unsigned i)
{
    return i < DOM_MAX ? &domains[i] : NULL;
}

struct domain *dom_by_id(int id)
{
    for (unsigned i = 0; i < DOM_MAX; i++) {
        if (domains[i].state != DOM_FREE && domains[i].id == id) {
            return &domains[i];
        }
    }
    return NULL;
}

static struct domain *dom_slot_alloc(int id)
{
    struct domain *slot = NULL;

    spin_lock(&dom_lock);
    if (!dom_by_id(id)) {
        for (unsigned i = 0; i < DOM_MAX && !slot; i++) {
            if (domains[i].state == DOM_FREE) {
                slot = &domains[i];
            }
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

static void dom_copy_policy(struct domain *d, const struct dom_spec *s)
{
    lib_strlcpy(d->name, s->name, sizeof(d->name));
    d->permissions = s->permissions;
    d->functions = s->functions;
    d->priority = s->priority;
    d->on_crash = s->on_crash;
    d->held = s->held;
    d->vpl011.enabled = s->vpl011;
    d->start_after_count = s->start_after_count;
    for (unsigned i = 0; i < s->start_after_count; i++) {
        d->start_after[i] = s->start_after[i];
    }
}

/* Keeps what a restart needs: the spec, and the device tree in frames of the hypervisor. */
static int dom_keep_spec(struct domain *d, const struct dom_spec *s)
{
    d->spec = *s;
    if (s->on_crash != DOM_CRASH_RESTART || s->dtb_size == 0) {
        return 0;
    }
    int rc = frame_alloc(&hyp_frames, s->dtb_size, FRAME_SIZE, FRAME_HYP, &d->spec_dtb);
    if (rc) {
        return rc;
    }
    lib_memcpy(arch_phys_to_virt(d->spec_dtb), s->dtb, s->dtb_size);
    d->spec.dtb = arch_phys_to_virt(d->spec_dtb);
    return 0;
}

static void dom_drop_spec(struct domain *d)
{
    if (d->spec_dtb) {
        frame_free(&hyp_frames, d->spec_dtb, d->spec.dtb_size, FRAME_HYP);
        d->spec_dtb = 0;
    }
}

/* Waits until every vCPU of d but the caller's own has left its pCPU: only then may its
 * memory and stage-2 go. */
static void dom_quiesce(struct domain *d)
{
    for (unsigned i = 0; i < d->vcpu_count; i++) {
        arch_vcpu_stop(&d->vcpu[i]);
    }
}

/* Releases the domain's memory (scrubbed) and stage-2; it stays listed as crashed. */
static void dom_destroy(struct domain *d)
{
    uint64_t frames = frame_count(&hyp_frames, d->id);

    TRACE(dom_destroy, d->id);

    vgic_domain_stop(d);
    dom_quiesce(d);
    dom_build_undo(d, true);
    dom_drop_spec(d);
    hyp_printf("dom %s destroyed, %llu frames released", d->name, (unsigned long long)frames);
}

/* Rebuilds the domain from its spec and starts it again. */
static void dom_restart(struct domain *d)
{
    int rc;

    d->restarts++;
    TRACE(dom_restart, d->id, d->restarts);
    hyp_printf("dom %s restart %u/%u", d->name, d->restarts, DOM_MAX_RESTARTS);
    dom_quiesce(d);
    dom_build_undo(d, true);
    lib_memset(d->vcpu, 0, sizeof(d->vcpu));
    lib_memset(&d->console, 0, sizeof(d->console));
    d->evtchn.pending = 0;
    d->ready = false;
    rc = dom_build(d, &d->spec);
    if (!rc) {
        rc = vgic_domain_relink(d); /* its passthrough SPIs, for the new instance */
    }
    if (!rc) {
        d->state = DOM_PAUSED;
        rc = dom_start(d);
    }
    if (rc) {
        hyp_printf("dom %s restart failed: %s: halted", d->name, lib_errstr(rc));
        d->state = DOM_CRASHED;
    }
}

/* What happens to a domain that crashed or asked for a reset (PSCI SYSTEM_RESET: the hypervisor
 * cannot tell a deliberate reboot from Linux rebooting on a panic), by its on-crash policy. */
static void dom_on_crash(struct domain *d)
{
    bool crash = d->shutdown_reason == HC_SHUTDOWN_CRASH;

    if (d->on_crash == DOM_CRASH_RESTART && d->restarts < DOM_MAX_RESTARTS) {
        dom_restart(d);
    } else if (d->on_crash == DOM_CRASH_DESTROY) {
        dom_destroy(d);
    } else if (d->on_crash == DOM_CRASH_RESTART) {
        hyp_printf("dom %s %s %u times: halted", d->name, crash ? "crashed" : "reset",
                   d->restarts + 1);
    }
    if (d->state == DOM_DYING) {
        d->state = crash ? DOM_CRASHED : DOM_SHUTDOWN;
    }
}

int dom_create(const struct dom_spec *spec, struct domain **out)
{
    struct domain *d;
    int rc;
    uint64_t t0 = arch_counter();

    if (spec->vcpus == 0 || spec->vcpus > DOM_MAX_VCPUS || spec->memory_bytes == 0 ||
        spec->start_after_count > DOM_MAX_DEPS || spec->id < 0 || !domctl_name_valid(spec->name)) {
        return -EINVAL;
    }
    d = dom_slot_alloc(spec->id);
    if (!d) {
        return -EEXIST;
    }
    dom_copy_policy(d, spec);
    rc = dom_keep_spec(d, spec);
    if (!rc) {
        rc = dom_build(d, spec);
    }
    if (rc) {
        dom_build_undo(d, false);
        dom_drop_spec(d);
        d->state = DOM_FREE;
        return rc;
    }
    d->state = DOM_PAUSED;
    d->console.domid = d->id;
    trace_dump_set_domain((unsigned)d->id, d->name);
    TRACE(dom_create, d->id, d->vcpu_count, spec->memory_bytes / 1024);
    hyp_printf("dom %s created id=%d build_ns=%llu cpu=%u vmid=%u", d->name, d->id,
               (unsigned long long)((arch_counter() - t0) * 1000000000ull / arch_counter_hz()),
               arch_cpu_id(), d->vmid);
    *out = d;
    return 0;
}

int dom_start(struct domain *d)
{
    if (d->state != DOM_PAUSED) {
        return -EINVAL;
    }
    /* vCPU 0 boots the domain; the others wait for the guest's PSCI CPU_ON. */
    d->state = DOM_RUNNING;
    d->vcpu[0].power = VCPU_ON_PENDING;
    return arch_vcpu_start(&d->vcpu[0]);
}

/* True if every domain d waits for has declared itself ready. */
static bool dom_deps_ready(const struct domain *d)
{
    for (unsigned i = 0; i < d->start_after_count; i++) {
        const struct domain *dep = dom_by_id(d->start_after[i]);
        if (!dep || !dep->ready) {
            return false;
        }
    }
    return true;
}

int dom_start_eligible(void)
{
    int rc = 0;

    for (unsigned i = 0; i < DOM_MAX && !rc; i++) {
        struct domain *d = &domains[i];
        if (d->state == DOM_PAUSED && !d->held && dom_deps_ready(d)) {
            rc = dom_start(d);
        }
    }
    return rc;
}

void dom_set_ready(struct domain *d)
{
    TRACE(dom_ready, d->id, 0);
    d->ready = true;
    int rc = dom_start_eligible();
    if (rc) {
        hyp_printf("starting the domains waiting for %s failed: %s", d->name, lib_errstr(rc));
    }
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

/* True if d has ended or is ending: its first shutdown wins, a later one (another vCPU of it
 * ending at the same time) has nothing left to do. */
static bool dom_ending(enum dom_state s)
{
    return s == DOM_DYING || s == DOM_SHUTDOWN || s == DOM_CRASHED;
}

void dom_shutdown(struct domain *d, unsigned reason)
{
    /* Dying, not ended, while the on-crash policy works: no other pCPU may conclude that the
     * whole fleet has ended in the meantime. */
    bool policy = reason == HC_SHUTDOWN_CRASH || reason == HC_SHUTDOWN_REBOOT;
    enum dom_state to = policy ? DOM_DYING : DOM_SHUTDOWN;
    enum dom_state from = __atomic_load_n(&d->state, __ATOMIC_ACQUIRE);

    do {
        if (dom_ending(from)) {
            return;
        }
    } while (!__atomic_compare_exchange_n(&d->state, &from, to, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE));
    console_flush(&d->console, d->name);
    d->shutdown_reason = reason;
    TRACE(dom_shutdown, d->id, reason);
    /* Its other vCPUs leave their pCPUs at their next exit: make that now. */
    for (unsigned i = 0; i < d->vcpu_count; i++) {
        if (d->vcpu[i].power != VCPU_OFF) {
            arch_vcpu_kick(&d->vcpu[i]);
        }
    }
    hyp_printf("dom %s shutdown reason=%s", d->name, dom_reason_name(reason));
    /* Its passthrough interrupts end with it: a device left asserting one reaches no pCPU. */
    vgic_domain_stop(d);
    if (policy) {
        dom_on_crash(d);
    } else if (d->functions & DOM_FUNC_BOOT) {
        /* The boot domain's work is done: reclaim it (scrubbed) at once. */
        dom_destroy(d);
    }
}

void dom_crash(struct domain *d, const char *why)
{
    TRACE(dom_crash, d->id, 0);
    hyp_printf("dom %s fault %s", d->name, why);
    dom_shutdown(d, HC_SHUTDOWN_CRASH);
}

/* True while some running domain holds the control permission (a toolstack that may still
 * unpause the domains it built). */
static bool dom_control_alive(void)
{
    for (unsigned i = 0; i < DOM_MAX; i++) {
        const struct domain *d = &domains[i];
        if ((d->permissions & DOM_PERM_CONTROL) &&
            (d->state == DOM_RUNNING || d->state == DOM_DYING)) {
            return true;
        }
    }
    return false;
}

/* A paused domain that can never start: a predecessor ended without declaring itself ready,
 * or it waits for a toolstack that is gone. Reported once. */
static bool dom_stranded(struct domain *d)
{
    const char *why = NULL;

    if (d->state != DOM_PAUSED) {
        return false;
    }
    if (d->held) {
        why = dom_control_alive() ? NULL : "nobody left to unpause it";
    }
    for (unsigned i = 0; !d->held && !why && i < d->start_after_count; i++) {
        const struct domain *dep = dom_by_id(d->start_after[i]);
        if (!dep || (!dep->ready && (dep->state == DOM_SHUTDOWN || dep->state == DOM_CRASHED))) {
            why = "a domain it waits for (start-after) ended without becoming ready";
        }
    }
    if (why && !d->stranded) {
        d->stranded = true;
        hyp_printf("dom %s will never start: %s", d->name, why);
    }
    return why != NULL;
}

bool dom_all_ended(int *status)
{
    bool any = false;

    *status = 0;
    if (!__atomic_load_n(&dom_launch_done, __ATOMIC_ACQUIRE)) {
        return false; /* the launch itself is still building or starting domains */
    }
    for (unsigned i = 0; i < DOM_MAX; i++) {
        struct domain *d = &domains[i];
        if (d->state == DOM_FREE) {
            continue;
        }
        any = true;
        bool stranded = dom_stranded(d);
        if (d->state != DOM_SHUTDOWN && d->state != DOM_CRASHED && !stranded) {
            return false;
        }
        if (stranded || d->state == DOM_CRASHED || d->shutdown_reason != HC_SHUTDOWN_POWEROFF) {
            *status = 1;
        }
    }
    return any;
}

int dom_unpause(struct domain *d)
{
    if (d->state != DOM_PAUSED) {
        return -EBUSY;
    }
    d->held = false;
    TRACE(dom_unpause, d->id);
    return dom_deps_ready(d) ? dom_start(d) : 0;
}

int dom_hold(struct domain *d)
{
    if (d->state != DOM_PAUSED) {
        return -EBUSY;
    }
    d->held = true;
    TRACE(dom_pause, d->id);
    return 0;
}

int dom_release(struct domain *d)
{
    if (d->state == DOM_RUNNING || d->state == DOM_DYING || d->state == DOM_CONSTRUCTING) {
        return -EBUSY;
    }
    dom_destroy(d);
    d->state = DOM_FREE;
    return 0;
}

void dom_launch_complete(void)
{
    __atomic_store_n(&dom_launch_done, true, __ATOMIC_RELEASE);
}

int64_t dom_declare_ready(struct domain *d, uint64_t code, const char *via)
{
    char extra[48] = "";

    console_flush(&d->console, d->name);
    if (d->state != DOM_RUNNING) {
        return -EINVAL;
    }
    if (code) {
        lib_snprintf(extra, sizeof(extra), " code=%llu", (unsigned long long)code);
    }
    if (via) {
        lib_snprintf(extra + lib_strlen(extra), sizeof(extra) - lib_strlen(extra), " via=%s", via);
    }
    hyp_printf("dom %s ready%s", d->name, extra);
    dom_set_ready(d);
    return 0;
}
