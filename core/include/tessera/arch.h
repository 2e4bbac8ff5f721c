/* The interface every architecture layer (arch/arm64, arch/host) implements for the core. */
#ifndef TESSERA_ARCH_H
#define TESSERA_ARCH_H

#include <stddef.h>
#include <stdint.h>

/* Platform counter (CNTPCT on arm64) in ticks since reset, and its frequency. */
uint64_t arch_counter(void);
uint64_t arch_counter_hz(void);
/* Logical index of the executing pCPU (0 = boot CPU). */
unsigned arch_cpu_id(void);
/* Raw bytes to the hypervisor's serial line; the caller serialises (console lock). */
void arch_serial_write(const char *s, size_t n);
/* Low-power wait for an event (WFE) and the matching wake-up of every waiter (SEV). */
void arch_wait_event(void);
void arch_send_event(void);

#endif
