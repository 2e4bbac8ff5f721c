/* An emulated PL011 UART per domain (PrimeCell UART, ARM DDI 0183): transmit goes to the
 * domain's console line and drains at once, receive is a 16-entry FIFO the console input
 * fills (vpl011_receive), the ID registers read as a real PL011's, and the combined interrupt
 * is a level-sensitive virtual SPI of the domain's vGIC. */
#ifndef TESSERA_VPL011_H
#define TESSERA_VPL011_H

#include <stdbool.h>
#include <stdint.h>
#include <tessera/spinlock.h>

#define VPL011_IPA  0x09000000ull
#define VPL011_SIZE 0x1000ull
#define VPL011_SPI  1  /* INTID 33, QEMU virt's UART interrupt, as the guest device tree says */
#define VPL011_FIFO 16 /* receive FIFO depth of a PL011 before r1p5 (the IDs say revision 1) */
/* Characters held behind a full FIFO, moved into it as the guest reads: pasted input is not
 * lost to a guest that reads a little later, as a real line without flow control would. */
#define VPL011_BACKLOG 256

/* Interrupt bits of RIS, MIS, IMSC and ICR */
#define VPL011_INT_RX  (1u << 4)  /* RXIS: receive FIFO at or above its trigger level */
#define VPL011_INT_TX  (1u << 5)  /* TXIS: transmit FIFO at or below its trigger level */
#define VPL011_INT_RT  (1u << 6)  /* RTIS: receive timeout, characters wait below the level */
#define VPL011_INT_OE  (1u << 10) /* OEIS: overrun, a character arrived to a full FIFO */
#define VPL011_INT_ALL 0x7ffu

struct domain;

struct vpl011 {
    bool enabled;
    struct spinlock lock; /* the registers and the FIFO (vCPUs and the console input) */
    uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc, dmacr;
    uint32_t ris; /* raw interrupt status */
    uint32_t rsr; /* receive status: OE (bit 3) after an overrun, until ECR is written */
    bool line;    /* the interrupt line as last given to the vGIC */
    uint8_t rx[VPL011_FIFO];
    unsigned rx_head, rx_count;
    uint8_t backlog[VPL011_BACKLOG];
    unsigned bl_head, bl_count;
    int marker; /* characters of VPL011_READY_MARKER matched on this line, -1: not it */
};

/* A line that is exactly this, written to a domain's vPL011, counts as its ready hypercall: the
 * way for a guest that cannot make hypercalls where it runs (Linux userspace). */
#define VPL011_READY_MARKER "tessera-ready"

/* Resets d's vPL011 (if it has one) to the PL011's reset values and gives it its virtual SPI
 * (VPL011_SPI) in d's vGIC. Returns 0, or the vGIC's error (the SPI is passed through). */
int vpl011_init(struct domain *d);

/* A guest access at offset (size 1, 2 or 4 bytes); reads fill *value. Returns false for an
 * access the device refuses (bad size or alignment), which the caller reflects as a fault. */
bool vpl011_access(struct domain *d, uint64_t offset, unsigned size, bool write, uint64_t *value);

/* One character from the serial line for d: into its receive FIFO, raising the receive
 * interrupts the guest enabled, or behind it while it is full. False if it was dropped: d has
 * no vPL011, or FIFO and backlog were full (an overrun: RSR.OE and OEIS are set). */
bool vpl011_receive(struct domain *d, char c);

#endif
