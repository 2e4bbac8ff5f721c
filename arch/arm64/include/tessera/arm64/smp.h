/* Secondary pCPU bring-up. */
#ifndef TESSERA_ARM64_SMP_H
#define TESSERA_ARM64_SMP_H

#include <stdint.h>

struct hostdt;

/* Sets up the boot CPU's percpu block (TPIDR_EL2) on its boot stack. */
void arm64_percpu_init_boot(uint64_t stack_top);
/* Starts every other CPU of the DT; returns how many pCPUs there are now, the boot CPU
 * included. */
unsigned arm64_smp_start(const struct hostdt *hd);
unsigned arm64_smp_cpus(void);

#endif
