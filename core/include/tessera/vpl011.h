/* An emulated PL011 UART per domain (PrimeCell UART, ARM DDI 0183): transmit goes to the
 * domain's console line, the ID registers read as a real PL011's, receive is always empty.
 * Interrupts need the vGIC and are never raised yet. */
#ifndef TESSERA_VPL011_H
#define TESSERA_VPL011_H

#include <stdbool.h>
#include <stdint.h>

#define VPL011_IPA  0x09000000ull
#define VPL011_SIZE 0x1000ull

struct domain;

struct vpl011 {
    bool enabled;
    uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc, dmacr;
    int marker; /* characters of VPL011_READY_MARKER matched on this line, -1: not it */
};

/* A line that is exactly this, written to a domain's vPL011, counts as its ready hypercall: the
 * way for a guest that cannot make hypercalls where it runs (Linux userspace). */
#define VPL011_READY_MARKER "tessera-ready"

/* A guest access at offset (size 1, 2 or 4 bytes); reads fill *value. Returns false for an
 * access the device refuses (bad size or alignment), which the caller reflects as a fault. */
bool vpl011_access(struct domain *d, uint64_t offset, unsigned size, bool write, uint64_t *value);

#endif
