/* PL011 driver for the hypervisor's console: polled transmit, the UART left as firmware set
 * it up except that the transmitter is enabled. */
#include <tessera/arm64/pl011.h>

static volatile uint32_t *pl011_regs;

static inline volatile uint32_t *pl011_reg(unsigned off)
{
    return pl011_regs + off / 4;
}

void pl011_init(uint64_t base)
{
    pl011_regs = (volatile uint32_t *)(uintptr_t)base;
    if (pl011_regs) {
        *pl011_reg(PL011_CR) |= PL011_CR_UARTEN | PL011_CR_TXE;
    }
}

void pl011_write(const char *s, size_t n)
{
    if (!pl011_regs) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        while (*pl011_reg(PL011_FR) & PL011_FR_TXFF) {
        }
        *pl011_reg(PL011_DR) = (uint8_t)s[i];
    }
}
