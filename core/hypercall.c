/* Hypercall dispatch (docs/hypercalls.md). Every guest pointer is an IPA, translated through
 * the caller's stage-2 one page at a time: a bad pointer is the caller's -EFAULT, never a
 * hypervisor fault. */
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/domctl.h>
#include <tessera/domctl_abi.h>
#include <tessera/errno.h>
#include <tessera/guest_copy.h>
#include <tessera/evtchn.h>
#include <tessera/hypercall.h>
#include <tessera/hypercall_dispatch.h>
#include <tessera/lib.h>
#include <tessera/trace.h>

static int64_t hc_console_write(struct vcpu *v, uint64_t ipa, uint64_t len, uint64_t *written)
{
    char buf[256];
    uint64_t done = 0;

    *written = 0;
    if (len > HC_CONSOLE_WRITE_MAX) {
        return -EINVAL;
    }
    if (guest_check(v->dom, ipa, len, false)) {
        return -EFAULT; /* nothing of a buffer with a bad byte is printed */
    }
    /* One write stays together: its domain's other vCPUs print before or after it. */
    struct console_line_locked line = console_line_lock(&v->dom->console);
    int rc = 0;
    while (done < len && !rc) {
        size_t chunk = MIN(len - done, sizeof(buf));
        rc = guest_copy_from(v->dom, buf, ipa + done, chunk);
        if (!rc) {
            console_feed_locked(line, v->dom->name, buf, chunk);
            done += chunk;
        }
    }
    console_line_unlock(line);
    *written = done;
    return rc;
}

static int64_t hc_ready(struct vcpu *v, uint64_t code)
{
    return dom_declare_ready(v->dom, code, NULL);
}

/* A trace snapshot on a control domain's request, numbered 1, 2, ...: held now, written with
 * the final dump at the end of the run. */
static int64_t hc_trace_dump(struct vcpu *v, uint64_t *seq)
{
    if (!(v->dom->permissions & DOM_PERM_CONTROL)) {
        return -EPERM;
    }
    int n = arch_trace_snapshot();
    *seq = n > 0 ? (uint64_t)n : 0;
    return n > 0 ? 0 : n;
}

/* The calls themselves; hc_dispatch wraps them with the entry and exit trace records. */
static enum hc_result hc_call(struct vcpu *v, uint32_t fn, uint64_t *regs)
{
    if (HC_NUMBER(fn) >= HC_DOMCTL_FIRST && HC_NUMBER(fn) <= HC_DOMCTL_LAST &&
        (fn & ~0xffffu) == HC_BASE) {
        domctl_dispatch(v, regs);
        return HC_RESUME;
    }
    switch (fn) {
    case HC_VERSION:
        regs[0] = 0;
        regs[1] = HC_ABI_VERSION;
        return HC_RESUME;
    case HC_CONSOLE_WRITE:
        regs[0] = (uint64_t)hc_console_write(v, regs[1], regs[2], &regs[1]);
        return HC_RESUME;
    case HC_READY:
        regs[0] = (uint64_t)hc_ready(v, regs[1]);
        return HC_RESUME;
    case HC_SHUTDOWN:
        if (regs[1] > HC_SHUTDOWN_CRASH) {
            regs[0] = (uint64_t)-EINVAL;
            return HC_RESUME;
        }
        dom_shutdown(v->dom, (unsigned)regs[1]);
        return HC_STOP_VCPU;
    case HC_EVTCHN_SEND:
        regs[0] = (uint64_t)(int64_t)evtchn_send(
            v->dom, regs[1] < HC_EVTCHN_PORTS ? (unsigned)regs[1] : HC_EVTCHN_PORTS);
        return HC_RESUME;
    case HC_EVTCHN_PENDING:
        regs[0] = 0;
        regs[1] = evtchn_take_pending(v->dom);
        return HC_RESUME;
    case HC_TRACE_DUMP:
        regs[0] = (uint64_t)(int64_t)hc_trace_dump(v, &regs[1]);
        return HC_RESUME;
    case HC_TRACE_MARK:
        TRACE(guest_marker, TRACE_DV(v->dom->id, v->id), regs[1], regs[2]);
        regs[0] = 0;
        return HC_RESUME;
    default:
        regs[0] = (uint64_t)-ENOSYS;
        return HC_RESUME;
    }
}

enum hc_result hc_dispatch(struct vcpu *v, uint64_t *regs)
{
    uint32_t fn = (uint32_t)regs[0];

    TRACE(hc_entry, TRACE_DV(v->dom->id, v->id), fn, regs[1], regs[2]);
    enum hc_result r = hc_call(v, fn, regs);
    /* A call that ends the vCPU never returns to it: its exit record is the shutdown. */
    if (r == HC_RESUME) {
        TRACE(hc_exit, TRACE_DV(v->dom->id, v->id), fn, regs[0]);
    }
    return r;
}
