/* PL011 driver for the hypervisor's console: polled transmit, the UART left as firmware set
 * it up except that the transmitter is enabled; receive by interrupt (pCPU 0), each character
 * handed to the console input, which routes it to the domain with the input focus. */
#include <tessera/arm64/pl011.h>
#include <tessera/console.h>

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

void pl011_rx_start(void)
{
    if (!pl011_regs) {
        return;
    }
    *pl011_reg(PL011_ICR) = PL011_INT_RX | PL011_INT_RT;
    *pl011_reg(PL011_IMSC) |= PL011_INT_RX | PL011_INT_RT;
    *pl011_reg(PL011_CR) |= PL011_CR_RXE;
}

void pl011_rx_irq(void)
{
    if (!pl011_regs) {
        return;
    }
    while (!(*pl011_reg(PL011_FR) & PL011_FR_RXFE)) {
        console_input((char)(*pl011_reg(PL011_DR) & 0xff));
    }
    /* No ICR write: both interrupts fall as the FIFO empties, and clearing them here could
     * lose a character that arrived after the last look at FR. */
}
