/* The emulated PL011: enough of the register file for bare-metal guests and Linux's earlycon
 * and amba-pl011 driver (polled transmit). Every write to DR becomes console output of the
 * domain, line-buffered and timestamped like its console_write hypercall. */
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/vpl011.h>

#define UART_DR         0x000
#define UART_RSR        0x004
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

#define FR_RXFE (1u << 4)
#define FR_TXFE (1u << 7)

/* PrimeCell identification: PL011 r1p5 (0xfe0-0xfec), then the PrimeCell id (0xff0-0xffc). */
static const uint8_t vpl011_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static uint32_t *vpl011_reg(struct vpl011 *u, uint64_t offset)
{
    switch (offset) {
    case UART_IBRD:
        return &u->ibrd;
    case UART_FBRD:
        return &u->fbrd;
    case UART_LCR_H:
        return &u->lcr_h;
    case UART_CR:
        return &u->cr;
    case UART_IFLS:
        return &u->ifls;
    case UART_IMSC:
        return &u->imsc;
    case UART_DMACR:
        return &u->dmacr;
    default:
        return NULL;
    }
}

static uint64_t vpl011_read(struct vpl011 *u, uint64_t offset)
{
    uint32_t *r = vpl011_reg(u, offset);

    if (r) {
        return *r;
    }
    if (offset == UART_FR) {
        return FR_TXFE | FR_RXFE; /* transmit drains at once; nothing to receive */
    }
    if (offset >= UART_PERIPH_ID0 && offset < UART_PERIPH_ID0 + 4 * sizeof(vpl011_id)) {
        return vpl011_id[(offset - UART_PERIPH_ID0) / 4];
    }
    return 0; /* DR (empty), RSR, RIS, MIS and the reserved space read as zero */
}

/* One transmitted character: to the domain's console line, and through the ready-marker match
 * (a whole line equal to VPL011_READY_MARKER, carriage returns ignored). */
static void vpl011_tx(struct domain *d, char c)
{
    static const char marker[] = VPL011_READY_MARKER;
    struct vpl011 *u = &d->vpl011;

    console_feed(&d->console, d->name, &c, 1);
    if (c == '\r') {
        return;
    }
    if (c == '\n') {
        bool ready = u->marker == (int)sizeof(marker) - 1;
        u->marker = 0;
        if (ready && !d->ready) {
            dom_declare_ready(d, 0, "console");
        }
        return;
    }
    if (u->marker >= 0) {
        u->marker =
            u->marker < (int)sizeof(marker) - 1 && c == marker[u->marker] ? u->marker + 1 : -1;
    }
}

bool vpl011_access(struct domain *d, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
    struct vpl011 *u = &d->vpl011;

    if (size > 4 || (offset & (size - 1)) || offset >= VPL011_SIZE) {
        return false;
    }
    offset &= ~3ull; /* byte and halfword accesses address the containing register */
    if (!write) {
        *value = vpl011_read(u, offset);
        return true;
    }
    uint32_t *r = vpl011_reg(u, offset);
    if (offset == UART_DR) {
        vpl011_tx(d, (char)(*value & 0xff));
    } else if (r) {
        *r = (uint32_t)*value;
    }
    return true; /* writes to read-only or reserved registers are ignored, as on hardware */
}
