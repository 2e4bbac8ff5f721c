/* Domain control: what a control domain's toolstack uses to build, load, order, start and
 * remove other domains. Every argument is checked: the caller's permission (-EPERM), the
 * target (-ESRCH), ranges in both domains (-EFAULT, -EINVAL) and resources (-ENOMEM); a
 * failed create leaves nothing behind (the one domain builder does the work). */
#include <tessera/arch.h>
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/domctl.h>
#include <tessera/domctl_abi.h>
#include <tessera/errno.h>
#include <tessera/guest_copy.h>
#include <tessera/lib.h>
#include <tessera/trace.h>

/* True if a live domain other than except has a vCPU pinned to pcpu (the null scheduler runs
 * one vCPU per pCPU). Each domain is looked at through a reference, never under its lock (the
 * caller holds except's). */
static bool domctl_pcpu_taken(unsigned pcpu, const struct domain *except)
{
    bool taken = false;

    for (unsigned i = 0; i < DOM_MAX && !taken; i++) {
        struct domain *d = dom_get_index(i);
        if (!d) {
            continue;
        }
        enum dom_state s = __atomic_load_n(&d->state, __ATOMIC_ACQUIRE);
        for (unsigned k = 0;
             d != except && s != DOM_SHUTDOWN && s != DOM_CRASHED && k < d->vcpu_count && !taken;
             k++) {
            taken = d->vcpu[k].pcpu == pcpu;
        }
        dom_put(d);
    }
    return taken;
}

static int64_t domctl_create(struct vcpu *v, uint64_t ipa, uint64_t *domid)
{
    struct domctl_create c;
    struct dom_spec s;
    struct domain *d;
    int rc;

    if (guest_copy_from(v->dom, &c, ipa, sizeof(c))) {
        return -EFAULT;
    }
    if (c.domid == 0 || c.domid > 0x7fff || c.vcpus == 0 || c.vcpus > DOMCTL_MAX_VCPUS ||
        c.memory_kib == 0 || c.memory_kib % 4 || c.memory_kib > (64ull << 20) ||
        c.on_crash == DOM_CRASH_RESTART || c.on_crash > DOM_CRASH_DESTROY || c.priority > 255 ||
        (c.permissions & ~(DOM_PERM_CONTROL | DOM_PERM_HARDWARE)) || !domctl_name_valid(c.name) ||
        (c.flags & ~DOMCTL_CREATE_FLAGS) || c.reserved) {
        return -EINVAL;
    }
    lib_memset(&s, 0, sizeof(s));
    s.id = (int)c.domid;
    lib_strlcpy(s.name, c.name, sizeof(s.name));
    s.memory_bytes = c.memory_kib * 1024;
    s.vcpus = c.vcpus;
    s.permissions = c.permissions;
    s.functions = c.functions;
    s.priority = c.priority;
    s.on_crash = (enum dom_on_crash)c.on_crash;
    s.vpl011 = (c.flags & DOMCTL_CREATE_VPL011) != 0;
    s.held = true;
    for (unsigned i = 0; i < c.vcpus; i++) {
        s.affinity[i] = i;
    }
    rc = dom_create(&s, &d);
    if (!rc) {
        *domid = c.domid;
    }
    return rc;
}

/* The target of an operation: another domain than the caller, with a reference the caller
 * puts. */
static struct domain *domctl_target(struct vcpu *v, uint64_t domid, int64_t *rc)
{
    struct domain *t = domid <= 0x7fff ? dom_get((int)domid) : NULL;

    *rc = !t ? -ESRCH : t == v->dom ? -EINVAL : 0;
    if (*rc && t) {
        dom_put(t);
    }
    return *rc ? NULL : t;
}

static int64_t domctl_set_vcpu(struct domain_locked l, uint64_t *x)
{
    struct domain *t = l.d;

    if (t->state != DOM_PAUSED) {
        return -EBUSY;
    }
    if (x[2] >= t->vcpu_count) {
        return -EINVAL;
    }
    if (x[3] >= arch_cpu_count() || domctl_pcpu_taken((unsigned)x[3], t)) {
        return x[3] >= arch_cpu_count() ? -EINVAL : -EBUSY;
    }
    struct vcpu *tv = &t->vcpu[x[2]];
    tv->pcpu = (unsigned)x[3];
    /* Entry 0 pins only: the vCPU enters where its domain was built to (the boot domain's late
     * cpu-affinity: it sees nothing of the fleet's images to find an entry point in). */
    if (x[4]) {
        arch_vcpu_init(tv, x[4], x[5]);
    }
    return 0;
}

static int64_t domctl_start_after(struct domain_locked l, uint64_t pred)
{
    struct domain *t = l.d;
    struct domain *p = pred <= 0x7fff ? dom_get((int)pred) : NULL;

    if (p) {
        dom_put(p); /* only its existence matters now */
    }
    if (t->state != DOM_PAUSED) {
        return -EBUSY;
    }
    if (!p || (int)pred == t->id) {
        return -ESRCH;
    }
    if (t->start_after_count == DOM_MAX_DEPS) {
        return -ENOSPC;
    }
    t->start_after[t->start_after_count++] = (int)pred;
    return 0;
}

static uint64_t domctl_state(enum dom_state s)
{
    static const uint64_t map[] = {
        [DOM_FREE] = 0,
        [DOM_CONSTRUCTING] = DOMCTL_STATE_CONSTRUCTING,
        [DOM_PAUSED] = DOMCTL_STATE_PAUSED,
        [DOM_RUNNING] = DOMCTL_STATE_RUNNING,
        [DOM_DYING] = DOMCTL_STATE_DYING,
        [DOM_SHUTDOWN] = DOMCTL_STATE_SHUTDOWN,
        [DOM_CRASHED] = DOMCTL_STATE_CRASHED,
    };
    return map[s];
}

static int64_t domctl_list(struct vcpu *v, uint64_t ipa, uint64_t cap, uint64_t *count)
{
    uint64_t n = 0;

    for (unsigned i = 0; i < DOM_MAX; i++) {
        struct domain *d = dom_get_index(i);
        if (!d) {
            continue; /* free, or dying */
        }
        uint32_t id = (uint32_t)d->id;
        dom_put(d);
        if (n < cap) {
            int rc = guest_copy_to(v->dom, ipa + 4 * n, &id, sizeof(id));
            if (rc) {
                return rc;
            }
        }
        n++;
    }
    *count = n;
    return 0;
}

/* An operation on the target under its lock: its state cannot change under the operation (its
 * own vCPUs shut it down, its on-crash policy or another control domain destroys it). */
static int64_t domctl_locked(struct vcpu *v, unsigned op, struct domain_locked l, uint64_t *x)
{
    struct domain *t = l.d;

    switch (op) {
    case HC_NUMBER(HC_DOMCTL_LOAD):
        if (t->state != DOM_PAUSED) {
            return -EBUSY;
        }
        return guest_copy_between(t, x[2], x[3] ? v->dom : NULL, x[3], x[4]);
    case HC_NUMBER(HC_DOMCTL_SET_VCPU):
        return domctl_set_vcpu(l, x);
    case HC_NUMBER(HC_DOMCTL_START_AFTER):
        return domctl_start_after(l, x[2]);
    case HC_NUMBER(HC_DOMCTL_UNPAUSE):
        return dom_unpause(l);
    case HC_NUMBER(HC_DOMCTL_PAUSE):
        return dom_hold(l);
    default: /* HC_DOMCTL_GETINFO */
        x[1] = domctl_state(t->state);
        x[2] = t->spec.memory_bytes / 1024;
        x[3] = (t->ready ? 1u : 0u) | ((uint64_t)t->vcpu_count << 8);
        return 0;
    }
}

/* Operations on an existing target domain, reached through a reference. */
static int64_t domctl_on_target(struct vcpu *v, unsigned op, uint64_t *x)
{
    int64_t rc;
    struct domain *t = domctl_target(v, x[1], &rc);

    if (!t) {
        return rc;
    }
    if (op == HC_NUMBER(HC_DOMCTL_DESTROY)) {
        return dom_destroy_ref(t); /* takes over the reference */
    }
    struct domain_locked l = dom_lock(t);
    rc = domctl_locked(v, op, l, x);
    dom_unlock(l);
    dom_put(t);
    return rc;
}

void domctl_dispatch(struct vcpu *v, uint64_t *regs)
{
    unsigned op = HC_NUMBER((uint32_t)regs[0]);
    struct domain *d = v->dom;

    if (!(d->permissions & DOM_PERM_CONTROL)) {
        d->domctl_denied++;
        TRACE(domctl_denied, TRACE_DV(d->id, v->id), op, d->domctl_denied);
        hyp_printf("dom %s domctl 0x%x refused: no control permission (%u refused so far)", d->name,
                   op, d->domctl_denied);
        regs[0] = (uint64_t)-EPERM;
        return;
    }
    switch (op) {
    case HC_NUMBER(HC_DOMCTL_CREATE):
        regs[0] = (uint64_t)domctl_create(v, regs[1], &regs[1]);
        break;
    case HC_NUMBER(HC_DOMCTL_LIST):
        regs[0] = (uint64_t)domctl_list(v, regs[1], regs[2], &regs[1]);
        break;
    default:
        regs[0] = (uint64_t)domctl_on_target(v, op, regs);
        break;
    }
}
