/* The emulated PL011 as a test guest drives it (register by register, transmit by polling FR):
 * for the guests that check the device itself. Everything else prints with kit_printf. */
#ifndef GUEST_UART_H
#define GUEST_UART_H

#include <stdint.h>
#include <tessera/pl011_regs.h>

#define UART 0x09000000ull /* the vPL011, where every guest device tree puts it */

static inline uint32_t uart_rd(uint64_t off)
{
    return *(volatile uint32_t *)(UART + off);
}

static inline void uart_wr(uint64_t off, uint32_t v)
{
    *(volatile uint32_t *)(UART + off) = v;
}

/* Writes s through DR with byte stores, waiting while the transmit FIFO is full. */
static inline void uart_puts(const char *s)
{
    for (; *s; s++) {
        while (uart_rd(UART_FR) & FR_TXFF) {
        }
        *(volatile uint8_t *)(UART + UART_DR) = (uint8_t)*s;
    }
}

#endif
