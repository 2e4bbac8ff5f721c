/* The control window (tessera/ctlwin.h): the doorbell registers and the call they make. */
#include <tessera/ctlwin.h>
#include <tessera/ctlwin_abi.h>
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/frame.h>
#include <tessera/hypercall.h>
#include <tessera/hypercall_dispatch.h>
#include <tessera/lib.h>
#include <tessera/trace.h>

int ctlwin_attach(struct domain *d)
{
    paddr_t pa;
    int rc = frame_alloc(&hyp_frames, CTLWIN_STAGING_SIZE, FRAME_SIZE, d->id, &pa);

    if (rc) {
        return rc;
    }
    lib_memset(arch_phys_to_virt(pa), 0, CTLWIN_STAGING_SIZE);
    rc = arch_p2m_map(d, CTLWIN_STAGING_IPA, pa, CTLWIN_STAGING_SIZE, P2M_R | P2M_W);
    if (rc) {
        frame_free(&hyp_frames, pa, CTLWIN_STAGING_SIZE, d->id);
        return rc;
    }
    lib_memset(&d->ctlwin, 0, sizeof(d->ctlwin));
    d->ctlwin.enabled = true;
    return 0;
}

/* The call the doorbell asks for, made as if the writing vCPU had executed HVC #0. */
static void ctlwin_call(struct vcpu *v, struct ctlwin *w)
{
    uint64_t regs[7] = {w->fn, w->arg[0], w->arg[1], w->arg[2], w->arg[3], w->arg[4], w->arg[5]};

    if ((uint32_t)w->fn == HC_SHUTDOWN) {
        /* A vCPU cannot be stopped from inside an MMIO access; PSCI SYSTEM_OFF does that. */
        regs[0] = (uint64_t)-EINVAL;
    } else {
        hc_dispatch(v, regs);
    }
    w->status = regs[0];
    w->res[0] = regs[1];
    w->res[1] = regs[2];
    w->res[2] = regs[3];
    TRACE(ctlwin_call, TRACE_DV(v->dom->id, v->id), (uint32_t)w->fn, w->status);
}

static bool ctlwin_read(const struct ctlwin *w, uint64_t offset, uint64_t *value)
{
    if (offset == CTLWIN_MAGIC) {
        *value = CTLWIN_MAGIC_VALUE;
    } else if (offset == CTLWIN_VERSION) {
        *value = CTLWIN_ABI_VERSION;
    } else if (offset == CTLWIN_FN) {
        *value = w->fn;
    } else if (offset >= CTLWIN_ARG(1) && offset <= CTLWIN_ARG(6)) {
        *value = w->arg[(offset - CTLWIN_ARG(1)) / 8];
    } else if (offset == CTLWIN_CALL) {
        *value = 0;
    } else if (offset == CTLWIN_STATUS) {
        *value = w->status;
    } else if (offset >= CTLWIN_RES(1) && offset <= CTLWIN_RES(3)) {
        *value = w->res[(offset - CTLWIN_RES(1)) / 8];
    } else if (offset == CTLWIN_STAGING) {
        *value = CTLWIN_STAGING_IPA;
    } else if (offset == CTLWIN_STAGING_BYTES) {
        *value = CTLWIN_STAGING_SIZE;
    } else {
        *value = 0; /* the rest of the page reads as zero */
    }
    return true;
}

bool ctlwin_access(struct vcpu *v, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
    struct ctlwin *w = &v->dom->ctlwin;
    uint64_t reg = offset & ~7ull;

    if ((size != 8 && size != 4) || (offset & (size - 1)) || offset >= CTLWIN_SIZE ||
        (write && size != 8)) {
        return false;
    }
    if (!write) {
        bool ok = ctlwin_read(w, reg, value);
        if (size == 4) {
            *value = offset & 4 ? *value >> 32 : *value & 0xffffffffull;
        }
        return ok;
    }
    if (reg == CTLWIN_FN) {
        w->fn = *value;
    } else if (reg >= CTLWIN_ARG(1) && reg <= CTLWIN_ARG(6)) {
        w->arg[(reg - CTLWIN_ARG(1)) / 8] = *value;
    } else if (reg == CTLWIN_CALL) {
        ctlwin_call(v, w);
    } else {
        return false; /* read-only or reserved */
    }
    return true;
}
