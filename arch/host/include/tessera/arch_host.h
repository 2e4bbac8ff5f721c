/* Test controls of the hosted arch layer. */
#ifndef TESSERA_ARCH_HOST_H
#define TESSERA_ARCH_HOST_H

#include <stdbool.h>
#include <stdint.h>

#define HOST_MAX_SPIS 96

struct vcpu;

void arch_host_set_counter(uint64_t ticks, uint64_t hz);
/* What arch_cpu_id() returns from now on (0 at start). */
void arch_host_set_cpu(unsigned cpu);
/* Everything written to the serial line since the last reset, NUL-terminated. */
const char *arch_host_serial(void);
void arch_host_serial_reset(void);
/* Number of pCPUs arch_cpu_count() reports (4 by default). */
void arch_host_set_cpus(unsigned n);
/* TLB invalidations of stale VMIDs arch_p2m_init made so far. */
unsigned arch_host_vmid_flushes(void);
/* What the core asked of the interrupt controller for SPI spi (arch_irq_*). */
bool arch_host_spi_enabled(unsigned spi);
struct vcpu *arch_host_spi_vcpu(unsigned spi);

#endif
