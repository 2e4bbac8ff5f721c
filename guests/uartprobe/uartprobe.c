/* uartprobe: talks to its emulated PL011 the way a driver does: checks the PrimeCell ID
 * registers, enables the UART, polls FR and writes a line through DR (which must appear on the
 * console under the domain's name), with byte, halfword and word accesses; declares itself
 * ready with the console marker line (docs/console.md) instead of the hypercall. */
#include <guest/kit.h>
#include <stdint.h>
#include <guest/uart.h>

int guest_main(uint64_t dtb)
{
    static const uint8_t id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    bool id_ok = true;

    (void)dtb;
    for (unsigned i = 0; i < 8; i++) {
        id_ok &= uart_rd(0xfe0 + 4 * i) == id[i];
    }
    kit_check(id_ok, "PrimeCell ID registers read as a PL011's");
    uart_wr(UART_CR, 0x301); /* UARTEN, TXE, RXE */
    kit_check(uart_rd(UART_CR) == 0x301, "CR keeps what was written");
    *(volatile uint16_t *)(UART + UART_IMSC) = 0x50;
    kit_check(uart_rd(UART_IMSC) == 0x50, "a halfword write reaches IMSC");
    kit_check((uart_rd(UART_FR) & FR_TXFE) && !(uart_rd(UART_FR) & FR_TXFF),
              "FR: transmit FIFO empty");
    uart_puts("written through the emulated PL011\n");
    kit_print_verdict();
    if (kit_failed()) {
        kit_ready(kit_failed());
    } else {
        /* Ready the way Linux userspace can say it: the marker line, through the UART. Lines that
         * only look like it must not count. */
        uart_puts("xtessera-ready\r\ntessera-ready now\r\ntessera-rea\r\n");
        uart_puts("tessera-ready\r\n");
    }
    return kit_failed() ? 1 : 0;
}
