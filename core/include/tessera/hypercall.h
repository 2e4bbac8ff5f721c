/* Tessera hypercall ABI (contract, docs/hypercalls.md): SMCCC 1.1 fast calls, 64-bit, from the
 * vendor-specific hypervisor service range (owner 6), made with HVC #0. Function id in w0,
 * arguments in x1-x6; status in x0 (0 or a negative errno), results in x1-x3.
 * This header is shared by the hypervisor and the guests. */
#ifndef TESSERA_HYPERCALL_H
#define TESSERA_HYPERCALL_H

#define HC_SMCCC_FAST        (1u << 31)
#define HC_SMCCC_64          (1u << 30)
#define HC_SMCCC_OWNER_SHIFT 24
#define HC_SMCCC_OWNER_MASK  0x3fu
#define HC_OWNER_VENDOR_HYP  6u
#define HC_BASE              (HC_SMCCC_FAST | HC_SMCCC_64 | (HC_OWNER_VENDOR_HYP << HC_SMCCC_OWNER_SHIFT))
#define HC_ID(n)             (HC_BASE | (n))
#define HC_NUMBER(id)        ((id)&0xffffu)

/* x1 <- ABI version (major << 16 | minor) */
#define HC_VERSION HC_ID(0x00)
/* x1 = buffer IPA, x2 = length (at most HC_CONSOLE_WRITE_MAX); x1 <- bytes written */
#define HC_CONSOLE_WRITE HC_ID(0x01)
/* The domain declares itself booted; x1 = a domain-defined code, printed by the hypervisor */
#define HC_READY HC_ID(0x02)
/* x1 = reason (HC_SHUTDOWN_*); does not return on success */
#define HC_SHUTDOWN HC_ID(0x03)
/* x1 = local event-channel port: raises the event on the linked port of the peer domain */
#define HC_EVTCHN_SEND HC_ID(0x04)
/* x1 <- the bit mask of this domain's ports with a pending event; clears them */
#define HC_EVTCHN_PENDING HC_ID(0x05)
/* x1 = marker id, x2 = value: recorded as a guest_marker trace event (and nothing else) */
#define HC_TRACE_MARK HC_ID(0x06)
/* Control domains only: writes a snapshot of the trace now (to the trace= target with a
 * .N suffix, N = 1, 2, ...); x1 <- N. -EPERM without the control permission, -ENODEV if the
 * run has no trace target. */
#define HC_TRACE_DUMP HC_ID(0x07)

#define HC_EVTCHN_PORTS 32u

#define HC_ABI_VERSION       ((1u << 16) | 3u)
#define HC_CONSOLE_WRITE_MAX 4096u

#define HC_SHUTDOWN_POWEROFF 0u
#define HC_SHUTDOWN_REBOOT   1u
#define HC_SHUTDOWN_CRASH    2u

/* SMCCC's answer to a function id that no service implements */
#define SMCCC_NOT_SUPPORTED (-1)

#endif
