/* Guest memory access for hypercalls: every page translated and permission-checked through
 * the domain's own stage-2 tables. */
#include <tessera/arch.h>
#include <tessera/errno.h>
#include <tessera/frame.h>
#include <tessera/guest_copy.h>
#include <tessera/lib.h>

/* Walks [ipa, ipa + len) page by page; copies into or out of buf. */
static int guest_copy(struct domain *d, uint64_t ipa, uint8_t *buf, size_t len, bool to_guest)
{
    if (ipa + len < ipa) {
        return -EFAULT;
    }
    while (len > 0) {
        size_t chunk = MIN(len, FRAME_SIZE - (ipa & (FRAME_SIZE - 1)));
        paddr_t pa;
        int rc = arch_p2m_translate(d, ipa, to_guest, &pa);
        if (rc) {
            return rc;
        }
        if (to_guest) {
            lib_memcpy(arch_phys_to_virt(pa), buf, chunk);
        } else {
            lib_memcpy(buf, arch_phys_to_virt(pa), chunk);
        }
        buf += chunk;
        ipa += chunk;
        len -= chunk;
    }
    return 0;
}

int guest_copy_from(struct domain *d, void *dst, uint64_t ipa, size_t len)
{
    return guest_copy(d, ipa, dst, len, false);
}

int guest_copy_to(struct domain *d, uint64_t ipa, const void *src, size_t len)
{
    return guest_copy(d, ipa, (uint8_t *)src, len, true);
}
