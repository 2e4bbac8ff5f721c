/* Emulated MMIO dispatch: which emulated device of the domain an access belongs to. */
#include <tessera/domain.h>
#include <tessera/mmio.h>
#include <tessera/trace.h>
#include <tessera/vgic.h>
#include <tessera/vpl011.h>
#include <tessera/ctlwin.h>
#include <tessera/ctlwin_abi.h>

bool mmio_emulate(struct vcpu *v, uint64_t ipa, unsigned size, bool write, uint64_t *value)
{
    struct domain *d = v->dom;
    bool done = false;

    if (d->vpl011.enabled && ipa >= VPL011_IPA && ipa - VPL011_IPA < VPL011_SIZE) {
        done = vpl011_access(d, ipa - VPL011_IPA, size, write, value);
    } else if (d->ctlwin.enabled && ipa >= CTLWIN_IPA && ipa - CTLWIN_IPA < CTLWIN_SIZE) {
        done = ctlwin_access(v, ipa - CTLWIN_IPA, size, write, value);
    } else {
        done = vgic_mmio(v, ipa, size, write, value);
    }
    if (done) {
        TRACE(mmio, TRACE_DV(d->id, v->id), ipa, size | (write ? TRACE_MMIO_WRITE : 0), *value);
    }
    return done;
}
