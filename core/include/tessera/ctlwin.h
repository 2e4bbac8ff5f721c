/* The control window's emulation (ctlwin_abi.h): a doorbell page through which a control
 * domain makes any Tessera hypercall but shutdown, with the same checks as HVC. */
#ifndef TESSERA_CTLWIN_H
#define TESSERA_CTLWIN_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct domain;

struct ctlwin {
    bool enabled;
    uint64_t fn, arg[6], status, res[3];
};

/* Gives domain d (a control domain) its window: the staging memory, allocated and zeroed, is
 * mapped at CTLWIN_STAGING_IPA, and the doorbell page is emulated. Returns 0 or an errno. */
int ctlwin_attach(struct domain *d);
/* An access at offset into the doorbell page (size 4 or 8); false for one the device refuses
 * (bad size or alignment, a write to a read-only register), reflected as a fault. */
bool ctlwin_access(struct vcpu *v, uint64_t offset, unsigned size, bool write, uint64_t *value);

#endif
