/* The hypervisor's own PL011 UART (PrimeCell UART, ARM DDI 0183): polled transmit, and
 * receive by interrupt into the console input. */
#ifndef TESSERA_ARM64_PL011_H
#define TESSERA_ARM64_PL011_H

#include <stddef.h>
#include <stdint.h>

#define PL011_DR        0x000
#define PL011_FR        0x018
#define PL011_FR_BUSY   (1u << 3)
#define PL011_FR_RXFE   (1u << 4)
#define PL011_FR_TXFF   (1u << 5)
#define PL011_CR        0x030
#define PL011_CR_UARTEN (1u << 0)
#define PL011_CR_TXE    (1u << 8)
#define PL011_CR_RXE    (1u << 9)
#define PL011_IMSC      0x038
#define PL011_ICR       0x044
#define PL011_INT_RX    (1u << 4) /* RXIM / RXIC */
#define PL011_INT_RT    (1u << 6) /* RTIM / RTIC */

/* Uses the UART at base (already mapped as device memory); 0 disables output. */
void pl011_init(uint64_t base);
void pl011_write(const char *s, size_t n);
/* Turns the receiver and its interrupts (receive, receive timeout) on. */
void pl011_rx_start(void);
/* The receive interrupt: every character waiting goes to console_input. */
void pl011_rx_irq(void);

#endif
