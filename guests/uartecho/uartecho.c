/* uartecho: the receive side of the emulated PL011, interrupt-driven. Checks FR, RIS, MIS,
 * ICR, IMSC and IFLS as a driver sees them (PASS/FAIL lines), takes a transmit interrupt, then
 * enables the receive interrupts through the vGIC, prints "listening" and echoes every line
 * it receives upper-cased ("echo: LINE") through the UART, until the line "quit": then it
 * reports what it saw, declares itself ready and powers off. */
#include <guest/kit.h>
#include <stdint.h>
#include <tessera/lib.h>
#include <guest/uart.h>

#define UART_INTID (32 + 1) /* SPI 1, as the guest device tree says */
#define RING       1024

static volatile unsigned ue_tx_irqs, ue_rx_irqs, ue_bad_irqs, ue_left_over, ue_dr_errors;
static volatile char ue_ring[RING];
static volatile unsigned ue_ring_in, ue_ring_out;

/* The UART's interrupt: the transmit one is acknowledged and masked; received characters go
 * to the ring until the FIFO is empty, after which no receive interrupt may remain. */
static void ue_irq(unsigned intid)
{
    uint32_t mis = uart_rd(UART_MIS);

    if (intid != UART_INTID || mis == 0) {
        ue_bad_irqs++;
        return;
    }
    if (mis & INT_TX) {
        ue_tx_irqs++;
        uart_wr(UART_ICR, INT_TX);
        uart_wr(UART_IMSC, uart_rd(UART_IMSC) & ~INT_TX);
    }
    if (mis & (INT_RX | INT_RT)) {
        ue_rx_irqs++;
        while (!(uart_rd(UART_FR) & FR_RXFE)) {
            uint32_t dr = uart_rd(UART_DR);
            ue_dr_errors += (dr & DR_ERRORS) != 0;
            ue_ring[ue_ring_in % RING] = (char)(dr & 0xff);
            ue_ring_in++;
        }
        /* An empty FIFO leaves no receive interrupt (unless a character came in since). */
        if ((uart_rd(UART_MIS) & (INT_RX | INT_RT)) && (uart_rd(UART_FR) & FR_RXFE)) {
            ue_left_over++;
        }
    }
}

static bool ue_tx_seen(void)
{
    return ue_tx_irqs != 0;
}

static bool ue_rx_waiting(void)
{
    return ue_ring_in != ue_ring_out;
}

/* Sleeps until an interrupt unless ready() already holds; returns what it said. IRQs are
 * masked while looking, so one that comes between the look and the WFI still ends the WFI (a
 * masked interrupt does) instead of being handled just before it and sleeping on. */
static bool ue_wait_irq(bool (*ready)(void))
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
    bool set = ready();
    if (!set) {
        __asm__ volatile("wfi" ::: "memory");
    }
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    return set;
}

/* Register behaviour with nothing received yet (the harness sends input only after the
 * "listening" line). */
static void ue_checks(void)
{
    kit_check(uart_rd(UART_CR) == 0x300 && uart_rd(UART_IFLS) == 0x12,
              "CR and IFLS have their reset values");
    kit_check(uart_rd(UART_FR) == (FR_TXFE | FR_RXFE), "FR: both FIFOs empty, not busy");
    kit_check(uart_rd(UART_RSR) == 0, "RSR: no receive error");
    uart_wr(UART_CR, 0x301); /* UARTEN, TXE, RXE */
    uart_wr(UART_ICR, 0x7ff);
    kit_check(uart_rd(UART_RIS) == 0, "ICR clears every raw interrupt");
    uart_puts("uartecho: checking the registers\n");
    kit_check(uart_rd(UART_RIS) == INT_TX, "RIS: TXIS after a write (the FIFO drained at once)");
    kit_check(uart_rd(UART_MIS) == 0, "MIS: nothing while IMSC masks it");
    uart_wr(UART_ICR, INT_TX);
    kit_check(uart_rd(UART_RIS) == 0, "ICR clears TXIS");
    uart_wr(UART_IFLS, 0x3f);
    kit_check(uart_rd(UART_IFLS) == 0x3f, "IFLS keeps both trigger levels");
    uart_puts("uartecho: the transmit interrupt next\n");
    uart_wr(UART_IMSC, INT_TX);
    for (unsigned i = 0; i < 100000 && !ue_wait_irq(ue_tx_seen); i++) {
    }
    kit_check(ue_tx_irqs == 1 && ue_bad_irqs == 0, "one transmit interrupt, INTID 33, through MIS");
}

/* Echoes complete lines from the ring; returns true after the line "quit". */
static bool ue_lines(char *line, unsigned *len, unsigned *lines)
{
    while (ue_ring_out != __atomic_load_n(&ue_ring_in, __ATOMIC_ACQUIRE)) {
        char c = ue_ring[ue_ring_out % RING];
        ue_ring_out++;
        if (c == '\r') {
            continue;
        }
        if (c != '\n') {
            line[(*len)++ % 200] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
            continue;
        }
        line[*len < 200 ? *len : 199] = '\0';
        *len = 0;
        if (lib_strcmp(line, "QUIT") == 0) {
            return true;
        }
        (*lines)++;
        uart_puts("echo: ");
        uart_puts(line);
        uart_puts("\n");
    }
    return false;
}

int guest_main(uint64_t dtb)
{
    char line[200];
    unsigned len = 0, lines = 0;

    (void)dtb;
    kit_set_irq_handler(ue_irq);
    kit_gic_dist_enable();
    kit_gic_enable_irq(UART_INTID, 0xa0);
    kit_gic_cpu_enable();
    ue_checks();
    uart_wr(UART_LCR_H, LCR_H_FEN | 0x60); /* 8 bits, FIFOs on */
    uart_wr(UART_IFLS, 0x00);              /* receive at 1/8: two characters; one raises RTIS */
    uart_wr(UART_IMSC, INT_RX | INT_RT);
    uart_puts("listening\n");
    while (!ue_lines(line, &len, &lines)) {
        ue_wait_irq(ue_rx_waiting);
    }
    kit_printf("quit after %u lines echoed, %u receive interrupts\n", lines, ue_rx_irqs);
    kit_check(lines > 0 && ue_rx_irqs > 0, "lines arrived by the receive interrupt");
    kit_check(ue_dr_errors == 0, "DR: no error bits with the characters");
    kit_printf("spurious interrupts %u, receive interrupts left over %u\n", ue_bad_irqs,
               ue_left_over);
    kit_check(ue_bad_irqs == 0 && ue_left_over == 0,
              "no spurious interrupt, none left after the FIFO emptied");
    return kit_verdict();
}
