/* The control window (contract, docs/hypercalls.md "Control window"): how a control domain
 * whose software cannot execute HVC (Linux userspace, without a kernel module) makes Tessera
 * hypercalls. An emulated register page (the doorbell) and a page range of ordinary memory
 * (the staging window) appear in its address space and in its device tree as
 * `compatible = "tessera,control-window"` with these two `reg` entries; userspace maps both
 * through /dev/mem (Debian's kernel needs `iomem=relaxed` for that). Shared by the hypervisor
 * and the Linux toolstack. */
#ifndef TESSERA_CTLWIN_ABI_H
#define TESSERA_CTLWIN_ABI_H

#define CTLWIN_IPA          0x0b000000ull /* the doorbell registers, one 4 KiB page */
#define CTLWIN_SIZE         0x1000ull
#define CTLWIN_STAGING_IPA  0x0b100000ull /* staging memory: buffers the calls point at */
#define CTLWIN_STAGING_SIZE 0x10000ull    /* 64 KiB */
#define CTLWIN_COMPATIBLE   "tessera,control-window"

/* Registers: 64 bits each, accessed with aligned 64-bit loads and stores (32-bit loads of the
 * read-only ones also work). */
#define CTLWIN_MAGIC         0x00             /* RO: CTLWIN_MAGIC_VALUE */
#define CTLWIN_VERSION       0x08             /* RO: 1 */
#define CTLWIN_FN            0x10             /* RW: the hypercall function id (w0 of an HVC) */
#define CTLWIN_ARG(n)        (0x10 + 8 * (n)) /* RW: n = 1..6, x1..x6 of an HVC */
#define CTLWIN_CALL          0x48 /* WO: any write makes the call, from the writing vCPU */
#define CTLWIN_STATUS        0x50 /* RO: x0 after the call (0 or a negative errno) */
#define CTLWIN_RES(n)        (0x50 + 8 * (n)) /* RO: n = 1..3, x1..x3 after the call */
#define CTLWIN_STAGING       0x70             /* RO: CTLWIN_STAGING_IPA */
#define CTLWIN_STAGING_BYTES 0x78             /* RO: CTLWIN_STAGING_SIZE */

#define CTLWIN_MAGIC_VALUE 0x4e574c5443535354ull /* "TSSCTLWN", little-endian */
#define CTLWIN_ABI_VERSION 1

#endif
