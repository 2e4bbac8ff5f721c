/* Domain control hypercalls (contract, docs/hypercalls.md): allowed only to a domain with the
 * control permission; everyone else gets -EPERM. Shared by the hypervisor and the toolstacks. */
#ifndef TESSERA_DOMCTL_ABI_H
#define TESSERA_DOMCTL_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tessera/hypercall.h>

/* x1 = IPA of a struct domctl_create in the caller; x1 <- the new domain's id. The domain is
 * built with its memory (zeroed or scrubbed) and vCPUs, and left paused. */
#define HC_DOMCTL_CREATE HC_ID(0x10)
/* x1 = domid, x2 = destination IPA in that domain, x3 = source IPA in the caller (0: zeroes),
 * x4 = length. Both ranges are checked against the two domains' stage-2 tables. */
#define HC_DOMCTL_LOAD HC_ID(0x11)
/* x1 = domid, x2 = vCPU, x3 = pCPU, x4 = entry IPA, x5 = x0 at entry (the device tree) */
#define HC_DOMCTL_SET_VCPU HC_ID(0x12)
/* x1 = domid, x2 = domid of a predecessor that must be ready first (up to 4 calls) */
#define HC_DOMCTL_START_AFTER HC_ID(0x13)
/* x1 = domid: starts a paused domain now, or as soon as its predecessors are ready */
#define HC_DOMCTL_UNPAUSE HC_ID(0x14)
/* x1 = domid: keeps a domain that has not started from starting (-EBUSY once it runs) */
#define HC_DOMCTL_PAUSE HC_ID(0x15)
/* x1 = domid: releases a domain, stopping it first if it runs; its id is free on return */
#define HC_DOMCTL_DESTROY HC_ID(0x16)
/* x1 = domid; x1 <- state (DOMCTL_STATE_*), x2 <- memory in KiB,
 * x3 <- flags: bit 0 ready, bits 8-15 vCPUs */
#define HC_DOMCTL_GETINFO HC_ID(0x17)
/* x1 = IPA of a u32 array, x2 = its capacity; x1 <- number of domains (ids written, up to
 * capacity, in slot order) */
#define HC_DOMCTL_LIST HC_ID(0x18)

#define HC_DOMCTL_FIRST 0x10u
#define HC_DOMCTL_LAST  0x18u

#define DOMCTL_STATE_CONSTRUCTING 1
#define DOMCTL_STATE_PAUSED       2
#define DOMCTL_STATE_RUNNING      3
#define DOMCTL_STATE_DYING        4
#define DOMCTL_STATE_SHUTDOWN     5
#define DOMCTL_STATE_CRASHED      6

#define DOMCTL_NAME_MAX  32
#define DOMCTL_MAX_VCPUS 8

/* A domain's name (contract, docs/manifest.md): 1 to DOMCTL_NAME_MAX - 1 of the characters
 * A-Z, a-z, 0-9, _ and -, and not "hyp" in any case. It starts each of the domain's console
 * lines and names it in the hypervisor's milestones ("[S.NNNNNNNNN] NAME: TEXT",
 * docs/console.md), so no name may hold a byte that ends a line, a blank or a colon. The
 * manifest library, domctl_create and the domain builder all apply this one rule; it reads at
 * most DOMCTL_NAME_MAX bytes of name. */
static inline bool domctl_name_valid(const char *name)
{
    size_t n = 0;

    for (; n < DOMCTL_NAME_MAX && name[n]; n++) {
        char c = name[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-')) {
            return false;
        }
    }
    if (n == 0 || n == DOMCTL_NAME_MAX) {
        return false;
    }
    return !(n == 3 && (name[0] | 0x20) == 'h' && (name[1] | 0x20) == 'y' &&
             (name[2] | 0x20) == 'p');
}

/* Little-endian, 72 bytes. */
struct domctl_create {
    uint32_t domid;
    uint32_t vcpus;
    uint64_t memory_kib;
    uint32_t permissions;
    uint32_t functions;
    uint32_t priority;
    uint32_t on_crash; /* 0 halt, 1 restart (refused: a toolstack-built domain has no spec to
                          rebuild from), 2 destroy */
    char name[DOMCTL_NAME_MAX];
    uint32_t flags;    /* DOMCTL_CREATE_* */
    uint32_t reserved; /* 0 */
};

#define DOMCTL_CREATE_VPL011 (1u << 0) /* an emulated PL011 at VPL011_IPA (docs/platform.md) */
#define DOMCTL_CREATE_FLAGS  DOMCTL_CREATE_VPL011

#endif
