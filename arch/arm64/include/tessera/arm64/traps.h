/* The EL2 side of trap handling that the rest of arch/arm64 calls. */
#ifndef TESSERA_ARM64_TRAPS_H
#define TESSERA_ARM64_TRAPS_H

/* Checks once, at boot, that an abort inside the guest-memory copy routines (guest_access.S)
 * returns -EFAULT instead of stopping the pCPU; ends the run with a FATAL line otherwise. */
void arm64_trap_fixup_selftest(void);

#endif
