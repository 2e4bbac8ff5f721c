/* The hypervisor's own PL011 UART (PrimeCell UART, ARM DDI 0183): polled transmit only. */
#ifndef TESSERA_ARM64_PL011_H
#define TESSERA_ARM64_PL011_H

#include <stddef.h>
#include <stdint.h>

#define PL011_DR        0x000
#define PL011_FR        0x018
#define PL011_FR_TXFF   (1u << 5)
#define PL011_FR_BUSY   (1u << 3)
#define PL011_CR        0x030
#define PL011_CR_UARTEN (1u << 0)
#define PL011_CR_TXE    (1u << 8)

/* Uses the UART at base (already mapped as device memory); 0 disables output. */
void pl011_init(uint64_t base);
void pl011_write(const char *s, size_t n);

#endif
