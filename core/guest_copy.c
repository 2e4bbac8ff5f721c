/* Guest memory access for hypercalls (DESIGN.md 4.2). A guest pointer is an IPA range that is
 * accepted only when every byte of it is RAM the caller may use with the access it needs:
 * normal memory mapped in its stage-2 (never a passthrough device), in a RAM bank of the
 * machine, and the caller's own frames, or for reading only, frames of a read-only window
 * (boot modules and the boot DTB). The whole range is checked before the first byte moves, so a
 * refused call has no effect; each refusal is traced. */
#include <tessera/arch.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/frame.h>
#include <tessera/guest_copy.h>
#include <tessera/lib.h>
#include <tessera/trace.h>

/* One page of a guest range: where it is, or why it is refused (TRACE_GPTR_*). */
static int guest_page(const struct domain *d, uint64_t ipa, bool write, paddr_t *pa)
{
    paddr_t ignored;

    if (arch_p2m_translate(d, ipa, write, pa)) {
        return TRACE_GPTR_UNMAPPED; /* or device memory, or lacking the access */
    }
    int owner = frame_owner(&hyp_frames, *pa);
    if (owner == d->id) {
        return 0;
    }
    if (owner == FRAME_NOT_RAM || owner == FRAME_FREE) {
        return TRACE_GPTR_NOT_RAM;
    }
    /* Someone else's frames: only through a read-only mapping (a module window), for reading. */
    if (write || arch_p2m_translate(d, ipa, true, &ignored) == 0) {
        return TRACE_GPTR_FOREIGN;
    }
    return 0;
}

static int guest_refuse(const struct domain *d, uint64_t ipa, uint64_t len, unsigned why)
{
    TRACE(guest_ptr_refused, d->id, ipa, len, why);
    return -EFAULT;
}

int guest_check(const struct domain *d, uint64_t ipa, uint64_t len, bool write)
{
    uint64_t at = ipa, left = len;

    if (ipa + len < ipa) {
        return guest_refuse(d, ipa, len, TRACE_GPTR_WRAPS);
    }
    while (left > 0) {
        uint64_t chunk = MIN(left, FRAME_SIZE - (at & (FRAME_SIZE - 1)));
        paddr_t pa;
        int why = guest_page(d, at, write, &pa);
        if (why) {
            return guest_refuse(d, ipa, len, (unsigned)why);
        }
        at += chunk;
        left -= chunk;
    }
    return 0;
}

/* Copies [ipa, ipa + len) of d to or from buf (buf NULL with to_guest: zeroes), a page at a
 * time; the range has passed guest_check. */
static int guest_move(struct domain *d, uint64_t ipa, uint8_t *buf, uint64_t len, bool to_guest)
{
    while (len > 0) {
        uint64_t chunk = MIN(len, FRAME_SIZE - (ipa & (FRAME_SIZE - 1)));
        paddr_t pa;
        int rc = guest_page(d, ipa, to_guest, &pa) ? -EFAULT : 0;
        if (!rc) {
            void *g = arch_phys_to_virt(pa);
            rc = !to_guest ? arch_guest_copy(buf, g, chunk)
                 : buf     ? arch_guest_copy(g, buf, chunk)
                           : arch_guest_zero(g, chunk);
        }
        if (rc) {
            return guest_refuse(d, ipa, len, TRACE_GPTR_FAULT);
        }
        if (buf) {
            buf += chunk;
        }
        ipa += chunk;
        len -= chunk;
    }
    return 0;
}

int guest_copy_from(struct domain *d, void *dst, uint64_t ipa, size_t len)
{
    int rc = guest_check(d, ipa, len, false);
    return rc ? rc : guest_move(d, ipa, dst, len, false);
}

int guest_copy_to(struct domain *d, uint64_t ipa, const void *src, size_t len)
{
    int rc = guest_check(d, ipa, len, true);
    return rc ? rc : guest_move(d, ipa, (uint8_t *)src, len, true);
}

int guest_copy_between(struct domain *dst, uint64_t dst_ipa, struct domain *src, uint64_t src_ipa,
                       uint64_t len)
{
    int rc = guest_check(dst, dst_ipa, len, true);

    if (!rc && src) {
        rc = guest_check(src, src_ipa, len, false);
    }
    if (rc || !src) {
        return rc ? rc : guest_move(dst, dst_ipa, NULL, len, true);
    }
    /* Page to page: each step ends at the next page boundary of either side. */
    while (len > 0) {
        uint64_t chunk = MIN(len, FRAME_SIZE - (dst_ipa & (FRAME_SIZE - 1)));
        paddr_t to, from;
        chunk = MIN(chunk, FRAME_SIZE - (src_ipa & (FRAME_SIZE - 1)));
        if (guest_page(dst, dst_ipa, true, &to) || guest_page(src, src_ipa, false, &from) ||
            arch_guest_copy(arch_phys_to_virt(to), arch_phys_to_virt(from), chunk)) {
            return guest_refuse(src, src_ipa, len, TRACE_GPTR_FAULT);
        }
        dst_ipa += chunk;
        src_ipa += chunk;
        len -= chunk;
    }
    return 0;
}
