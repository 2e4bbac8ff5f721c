/* The PL011 UART's registers and the bits Tessera uses (ARM PrimeCell UART PL011 TRM, DDI
 * 0183): shared by the emulated PL011 (core/vpl011.c) and the guests that drive it. */
#ifndef TESSERA_PL011_REGS_H
#define TESSERA_PL011_REGS_H

#define UART_DR         0x000
#define UART_RSR        0x004 /* read: RSR; write: ECR (clears it) */
#define UART_FR         0x018
#define UART_ILPR       0x020
#define UART_IBRD       0x024
#define UART_FBRD       0x028
#define UART_LCR_H      0x02c
#define UART_CR         0x030
#define UART_IFLS       0x034
#define UART_IMSC       0x038
#define UART_RIS        0x03c
#define UART_MIS        0x040
#define UART_ICR        0x044
#define UART_DMACR      0x048
#define UART_PERIPH_ID0 0xfe0

#define FR_RXFE   (1u << 4)
#define FR_TXFF   (1u << 5)
#define FR_RXFF   (1u << 6)
#define FR_TXFE   (1u << 7)
#define RSR_OE    (1u << 3)
#define LCR_H_FEN (1u << 4)
#define DR_ERRORS 0xf00u /* FE, PE, BE and OE beside the received byte */

/* Interrupt bits of RIS, MIS, IMSC and ICR. */
#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)

#endif
