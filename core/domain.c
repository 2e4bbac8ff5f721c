/* Domain lifecycle: slots, references, creation through the builder, start ordering
 * (start-after), readiness, shutdown, the on-crash policy and destruction. Locking and lifetime
 * rules: docs/locking.md. */
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
/* The table lock: which slots are free, ids, and handing out references. Innermost but for the
 * frame, VMID and console locks: nothing else is taken while it is held. */
static struct spinlock dom_table_lock = SPINLOCK_INIT;
static bool dom_launch_done;

struct domain_locked dom_lock(struct domain *d)
{
    spin_lock(&d->lock);
    return (struct domain_locked){d};
}

void dom_unlock(struct domain_locked l)
{
    spin_unlock(&l.d->lock);
}

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

/* A new reference to d if it is live: not free, not dying (table lock held). */
static struct domain *dom_ref_locked(struct domain *d)
{
    if (d->state == DOM_FREE || d->dying || __atomic_load_n(&d->refs, __ATOMIC_ACQUIRE) == 0) {
        return NULL;
    }
    __atomic_fetch_add(&d->refs, 1, __ATOMIC_ACQ_REL);
    return d;
}

struct domain *dom_get(int id)
{
    struct domain *d = NULL;

    spin_lock(&dom_table_lock);
    for (unsigned i = 0; i < DOM_MAX && !d; i++) {
        if (domains[i].state != DOM_FREE && domains[i].id == id) {
            d = dom_ref_locked(&domains[i]);
        }
    }
    spin_unlock(&dom_table_lock);
    return d;
}

struct domain *dom_get_index(unsigned i)
{
    struct domain *d;

    if (i >= DOM_MAX) {
        return NULL;
    }
    spin_lock(&dom_table_lock);
    d = dom_ref_locked(&domains[i]);
    spin_unlock(&dom_table_lock);
    return d;
}

/* Takes a slot for a new domain with id (unique among the slots not free), holding the
 * table's reference. The slot's locks are kept, never re-initialised: a free slot has no
 * reference, so nobody holds them. */
static struct domain *dom_slot_alloc(int id)
{
    struct domain *slot = NULL;

    spin_lock(&dom_table_lock);
    if (!dom_by_id(id)) {
        for (unsigned i = 0; i < DOM_MAX && !slot; i++) {
            if (domains[i].state == DOM_FREE) {
                slot = &domains[i];
            }
        }
    }
    if (slot) {
        struct spinlock locks[4] = {slot->lock, slot->console.lock, slot->vgic.lock,
                                    slot->vpl011.lock};
        lib_memset(slot, 0, sizeof(*slot));
        slot->lock = locks[0];
        slot->console.lock = locks[1];
        slot->vgic.lock = locks[2];
        slot->vpl011.lock = locks[3];
        slot->state = DOM_CONSTRUCTING;
        slot->id = id;
        slot->refs = 1; /* the table's */
    }
    spin_unlock(&dom_table_lock);
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
 * memory and stage-2 go. Twice: a vCPU still running during the first pass may have handed
 * another one to its pCPU (PSCI CPU_ON) after that one was looked at; the second pass cancels
 * such a hand-over, and nothing of d runs any more to make another. */
static void dom_quiesce(struct domain *d)
{
    for (unsigned pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < d->vcpu_count; i++) {
            arch_vcpu_stop(&d->vcpu[i]);
        }
    }
}

/* Releases what d holds (memory scrubbed, stage-2, VMID, passthrough SPIs, its kept spec), at
 * most once; ran: it may have run, so module frames mapped in place are scrubbed and freed
 * rather than handed back to the module pool. Returns the frames released. Every vCPU of d
 * has left its pCPU. */
static uint64_t dom_release_resources(struct domain_locked l, bool ran)
{
    struct domain *d = l.d;

    if (!d->resources) {
        return 0;
    }
    uint64_t frames = frame_count(&hyp_frames, d->id);
    vgic_domain_stop(d);
    dom_build_undo(d, ran);
    dom_drop_spec(d);
    d->resources = false;
    return frames;
}

/* The on-crash policy destroy, and the boot domain's reclaim, on d's own pCPU: its memory
 * (scrubbed) and stage-2 go; it stays listed as ended until domctl_destroy (or the end). */
static void dom_destroy(struct domain *d)
{
    TRACE(dom_destroy, d->id);
    vgic_domain_stop(d);
    dom_quiesce(d);
    struct domain_locked l = dom_lock(d);
    uint64_t frames = dom_release_resources(l, true);
    dom_unlock(l);
    hyp_printf("dom %s destroyed, %llu frames released", d->name, (unsigned long long)frames);
}

/* Rebuilds the domain from its spec and starts it again. Its vCPUs have left their pCPUs
 * first; the rebuild is done under the domain lock, the vGIC, vPL011 and console keeping
 * their locks (each is reset under its own). */
static void dom_restart(struct domain *d)
{
    int rc;

    d->restarts++;
    TRACE(dom_restart, d->id, d->restarts);
    hyp_printf("dom %s restart %u/%u", d->name, d->restarts, DOM_MAX_RESTARTS);
    dom_quiesce(d);
    struct domain_locked l = dom_lock(d);
    dom_build_undo(d, true);
    console_reset(&d->console);
    __atomic_store_n(&d->evtchn.pending, 0, __ATOMIC_RELEASE);
    d->ready = false;
    rc = dom_build(d, &d->spec);
    if (!rc) {
        rc = vgic_domain_relink(d); /* its passthrough SPIs, for the new instance */
    }
    if (!rc) {
        d->state = DOM_PAUSED;
        rc = dom_start(l);
    }
    if (rc) {
        d->state = DOM_CRASHED;
    }
    dom_unlock(l);
    if (rc) {
        hyp_printf("dom %s restart failed: %s: halted", d->name, lib_errstr(rc));
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
    struct domain_locked l = dom_lock(d);
    if (d->state == DOM_DYING) {
        d->state = crash ? DOM_CRASHED : DOM_SHUTDOWN;
    }
    dom_unlock(l);
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
    struct domain_locked l = dom_lock(d);
    dom_copy_policy(d, spec);
    d->resources = true;
    rc = dom_keep_spec(d, spec);
    if (!rc) {
        rc = dom_build(d, spec);
    }
    if (rc) {
        /* Nothing is left allocated when this returns, the slot included. */
        dom_release_resources(l, false);
        spin_lock(&dom_table_lock);
        d->dying = true;
        spin_unlock(&dom_table_lock);
        dom_unlock(l);
        while (__atomic_load_n(&d->refs, __ATOMIC_ACQUIRE) > 1) {
            arch_wait_event(); /* someone looked at the constructing domain */
        }
        dom_put(d);
        return rc;
    }
    d->state = DOM_PAUSED;
    d->console.domid = d->id;
    dom_unlock(l);
    trace_dump_set_domain((unsigned)d->id, d->name);
    TRACE(dom_create, d->id, d->vcpu_count, spec->memory_bytes / 1024);
    hyp_printf("dom %s created id=%d build_ns=%llu cpu=%u vmid=%u", d->name, d->id,
               (unsigned long long)((arch_counter() - t0) * 1000000000ull / arch_counter_hz()),
               arch_cpu_id(), d->vmid);
    *out = d;
    return 0;
}

int dom_start(struct domain_locked l)
{
    struct domain *d = l.d;

    if (d->state != DOM_PAUSED) {
        return -EINVAL;
    }
    /* vCPU 0 boots the domain; the others wait for the guest's PSCI CPU_ON. */
    d->state = DOM_RUNNING;
    d->vcpu[0].power = VCPU_ON_PENDING;
    return arch_vcpu_start(&d->vcpu[0]);
}

/* True if every domain d waits for has declared itself ready (d's lock held; each predecessor
 * is looked at through a reference of its own, never under its lock). */
static bool dom_deps_ready(struct domain_locked l)
{
    const struct domain *d = l.d;

    for (unsigned i = 0; i < d->start_after_count; i++) {
        struct domain *dep = dom_get(d->start_after[i]);
        bool ready = dep && __atomic_load_n(&dep->ready, __ATOMIC_ACQUIRE);
        if (dep) {
            dom_put(dep);
        }
        if (!ready) {
            return false;
        }
    }
    return true;
}

int dom_start_eligible(void)
{
    int rc = 0;

    for (unsigned i = 0; i < DOM_MAX && !rc; i++) {
        struct domain *d = dom_get_index(i);
        if (!d) {
            continue;
        }
        struct domain_locked l = dom_lock(d);
        if (d->state == DOM_PAUSED && !d->held && dom_deps_ready(l)) {
            rc = dom_start(l);
        }
        dom_unlock(l);
        dom_put(d);
    }
    return rc;
}

void dom_set_ready(struct domain *d)
{
    TRACE(dom_ready, d->id, 0);
    struct domain_locked l = dom_lock(d);
    __atomic_store_n(&d->ready, true, __ATOMIC_RELEASE);
    dom_unlock(l);
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
 * ending at the same time, or domctl_destroy) has nothing left to do. */
static bool dom_ending(enum dom_state s)
{
    return s == DOM_DYING || s == DOM_SHUTDOWN || s == DOM_CRASHED;
}

/* Its vCPUs leave their pCPUs at their next exit: make that now. */
static void dom_kick_all(struct domain *d)
{
    for (unsigned i = 0; i < d->vcpu_count; i++) {
        if (__atomic_load_n(&d->vcpu[i].power, __ATOMIC_ACQUIRE) != VCPU_OFF) {
            arch_vcpu_kick(&d->vcpu[i]);
        }
    }
}

void dom_shutdown(struct domain *d, unsigned reason)
{
    /* Dying, not ended, while the on-crash policy works: no other pCPU may conclude that the
     * whole fleet has ended in the meantime. */
    bool policy = reason == HC_SHUTDOWN_CRASH || reason == HC_SHUTDOWN_REBOOT;
    struct domain_locked l = dom_lock(d);

    if (dom_ending(d->state)) {
        dom_unlock(l);
        return;
    }
    d->state = policy ? DOM_DYING : DOM_SHUTDOWN;
    d->shutdown_reason = reason;
    dom_unlock(l);
    console_flush(&d->console, d->name);
    TRACE(dom_shutdown, d->id, reason);
    dom_kick_all(d);
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
    bool alive = false;

    for (unsigned i = 0; i < DOM_MAX && !alive; i++) {
        struct domain *d = dom_get_index(i);
        if (!d) {
            continue;
        }
        enum dom_state s = __atomic_load_n(&d->state, __ATOMIC_ACQUIRE);
        alive = (d->permissions & DOM_PERM_CONTROL) && (s == DOM_RUNNING || s == DOM_DYING);
        dom_put(d);
    }
    return alive;
}

/* A paused domain that can never start: a predecessor ended without declaring itself ready,
 * or it waits for a toolstack that is gone. Reported once. */
static bool dom_stranded(struct domain *d)
{
    const char *why = NULL;

    if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOM_PAUSED) {
        return false;
    }
    if (d->held) {
        why = dom_control_alive() ? NULL : "nobody left to unpause it";
    }
    for (unsigned i = 0; !d->held && !why && i < d->start_after_count; i++) {
        struct domain *dep = dom_get(d->start_after[i]);
        if (!dep) {
            why = "a domain it waits for (start-after) ended without becoming ready";
            continue;
        }
        enum dom_state s = __atomic_load_n(&dep->state, __ATOMIC_ACQUIRE);
        if (!__atomic_load_n(&dep->ready, __ATOMIC_ACQUIRE) &&
            (s == DOM_SHUTDOWN || s == DOM_CRASHED)) {
            why = "a domain it waits for (start-after) ended without becoming ready";
        }
        dom_put(dep);
    }
    if (why && !__atomic_exchange_n(&d->stranded, true, __ATOMIC_ACQ_REL)) {
        hyp_printf("dom %s will never start: %s", d->name, why);
    }
    return why != NULL;
}

bool dom_all_ended(int *status)
{
    bool any = false, ended = true;

    *status = 0;
    if (!__atomic_load_n(&dom_launch_done, __ATOMIC_ACQUIRE)) {
        return false; /* the launch itself is still building or starting domains */
    }
    for (unsigned i = 0; i < DOM_MAX && ended; i++) {
        struct domain *d = dom_get_index(i);
        if (!d) {
            continue;
        }
        any = true;
        bool stranded = dom_stranded(d);
        enum dom_state s = __atomic_load_n(&d->state, __ATOMIC_ACQUIRE);
        if (s != DOM_SHUTDOWN && s != DOM_CRASHED && !stranded) {
            ended = false;
        } else if (stranded || s == DOM_CRASHED || d->shutdown_reason != HC_SHUTDOWN_POWEROFF) {
            *status = 1;
        }
        dom_put(d);
    }
    return any && ended;
}

int dom_unpause(struct domain_locked l)
{
    struct domain *d = l.d;

    if (d->state != DOM_PAUSED) {
        return -EBUSY;
    }
    d->held = false;
    TRACE(dom_unpause, d->id);
    return dom_deps_ready(l) ? dom_start(l) : 0;
}

int dom_hold(struct domain_locked l)
{
    struct domain *d = l.d;

    if (d->state != DOM_PAUSED) {
        return -EBUSY;
    }
    d->held = true;
    TRACE(dom_pause, d->id);
    return 0;
}

void dom_put(struct domain *d)
{
    if (__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) != 0) {
        arch_send_event(); /* dom_destroy_ref may wait for this one */
        return;
    }
    /* The last reference of a dying domain: nobody can reach it any more. */
    struct domain_locked l = dom_lock(d);
    uint64_t frames = dom_release_resources(l, true);
    bool created = d->state != DOM_CONSTRUCTING;
    dom_unlock(l);
    uint64_t free = frame_count(&hyp_frames, FRAME_FREE);
    TRACE(dom_freed, d->id, free);
    if (created) {
        hyp_printf("dom %s freed, %llu frames released, free=%llu", d->name,
                   (unsigned long long)frames, (unsigned long long)free);
    }
    spin_lock(&dom_table_lock);
    d->state = DOM_FREE;
    spin_unlock(&dom_table_lock);
}

int dom_destroy_ref(struct domain *d)
{
    struct domain_locked l = dom_lock(d);
    int rc = d->dying ? -ESRCH : d->state == DOM_CONSTRUCTING || d->state == DOM_DYING ? -EBUSY : 0;
    bool running = !rc && d->state == DOM_RUNNING;

    if (rc) {
        dom_unlock(l);
        dom_put(d);
        return rc;
    }
    if (running) {
        d->state = DOM_DYING; /* its vCPUs stop at their next exit; a shutdown does nothing */
    }
    spin_lock(&dom_table_lock);
    d->dying = true; /* no new reference from now on */
    spin_unlock(&dom_table_lock);
    dom_unlock(l);
    TRACE(dom_dying, d->id, running);
    if (running) {
        dom_kick_all(d);
        dom_quiesce(d);
        console_flush(&d->console, d->name);
    }
    dom_destroy(d);
    dom_put(d); /* the table's reference */
    while (__atomic_load_n(&d->refs, __ATOMIC_ACQUIRE) > 1) {
        arch_wait_event(); /* a getinfo, list or end-of-run check on another pCPU */
    }
    dom_put(d); /* the caller's, the last: d is freed */
    return 0;
}

int dom_release(struct domain *d)
{
    __atomic_fetch_add(&d->refs, 1, __ATOMIC_ACQ_REL);
    return dom_destroy_ref(d);
}

void dom_launch_complete(void)
{
    __atomic_store_n(&dom_launch_done, true, __ATOMIC_RELEASE);
}

int64_t dom_declare_ready(struct domain *d, uint64_t code, const char *via)
{
    char extra[48] = "";

    console_flush(&d->console, d->name);
    if (__atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOM_RUNNING) {
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
