/* VMID allocator (DESIGN.md 3): every domain's stage-2 gets a VMID from here, never one
 * computed from its id, so no two live domains share TLB entries. A VMID that was held before
 * is handed out as stale: its owner-to-be must have its TLB entries invalidated before it
 * runs (arch_p2m_init does when dom_build asks). */
#ifndef TESSERA_VMID_H
#define TESSERA_VMID_H

#include <stdbool.h>
#include <stdint.h>

#define VMID_NONE 0 /* never handed out: "no VMID" */

/* Forgets every allocation and sets the width: 16 bits when the CPU implements them, else 8
 * (VMIDs 1 to 2^bits - 1). Called once at boot (and by tests); 8 bits until then. */
void vmid_init(unsigned bits);
unsigned vmid_bits(void);
/* A free VMID for domain domid in *vmid; *stale is true when it was held before, so TLB
 * entries tagged with it may remain. -ENOSPC when all are in use (printed and traced). */
int vmid_alloc(int domid, uint16_t *vmid, bool *stale);
/* Gives back a VMID domid held; VMID_NONE, or one not held, is ignored. */
void vmid_free(int domid, uint16_t vmid);
/* VMIDs held now. */
unsigned vmid_in_use(void);

#endif
