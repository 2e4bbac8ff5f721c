/* The emulated PL011 (ARM DDI 0183): enough for bare-metal guests and Linux's earlycon and
 * amba-pl011 driver. Transmit drains at once into the domain's console line (line-buffered and
 * timestamped like its console_write hypercall); receive is a FIFO the console input fills;
 * the interrupt line (RIS & IMSC != 0) drives a level-sensitive virtual SPI. */
#include <tessera/console.h>
#include <tessera/domain.h>
#include <tessera/trace.h>
#include <tessera/vgic.h>
#include <tessera/pl011_regs.h>
#include <tessera/vpl011.h>

#define CR_RESET   0x300u /* TXE and RXE set, UARTEN clear */
#define IFLS_RESET 0x12u  /* both trigger levels at 1/2 */

/* PrimeCell identification: PL011 r1p5 (0xfe0-0xfec), then the PrimeCell id (0xff0-0xffc). */
static const uint8_t vpl011_id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

int vpl011_init(struct domain *d)
{
    struct vpl011 *u = &d->vpl011;

    if (!u->enabled) {
        return 0;
    }
    /* The lock is never reset: the console input may hold it (a restarted domain). */
    spin_lock(&u->lock);
    u->cr = CR_RESET;
    u->ifls = IFLS_RESET;
    u->lcr_h = u->ibrd = u->fbrd = u->imsc = u->dmacr = u->ris = u->rsr = 0;
    u->line = false; /* as the vGIC, reset just before */
    u->rx_head = u->rx_count = u->bl_head = u->bl_count = 0;
    u->marker = 0;
    spin_unlock(&u->lock);
    return vgic_assign_virtual_spi(d, VPL011_SPI);
}

/* Entries the receive FIFO holds: 16, or one (the holding register) with the FIFOs off. */
static unsigned vpl011_depth(const struct vpl011 *u)
{
    return (u->lcr_h & LCR_H_FEN) ? VPL011_FIFO : 1;
}

/* The receive trigger level IFLS.RXIFLSEL selects: 1/8, 1/4, 1/2, 3/4 or 7/8 full (the
 * reserved values act as 1/2); one character with the FIFOs off. */
static unsigned vpl011_rx_level(const struct vpl011 *u)
{
    static const uint8_t eighths[8] = {1, 2, 4, 6, 7, 4, 4, 4};

    if (!(u->lcr_h & LCR_H_FEN)) {
        return 1;
    }
    return eighths[(u->ifls >> 3) & 7] * VPL011_FIFO / 8;
}

/* Drives the interrupt line from RIS & IMSC; the vGIC hears only of changes. Called with the
 * lock held. */
static void vpl011_update(struct domain *d)
{
    bool line = (d->vpl011.ris & d->vpl011.imsc) != 0;

    if (line != d->vpl011.line) {
        d->vpl011.line = line;
        vgic_set_level(d, VGIC_NR_PRIVATE + VPL011_SPI, line);
    }
}

/* A character enters the FIFO (there is room): RXIS if it reaches the trigger level, else
 * RTIS at once. Called with the lock held. */
static void vpl011_push(struct vpl011 *u, uint8_t c)
{
    u->rx[(u->rx_head + u->rx_count) % VPL011_FIFO] = c;
    u->rx_count++;
    u->ris |= u->rx_count >= vpl011_rx_level(u) ? VPL011_INT_RX : VPL011_INT_RT;
}

/* Takes the oldest received character. RXIS falls when the FIFO drops below its level, RTIS
 * when it empties; characters left below the level raise RTIS at once (the timeout needs no
 * baud clock here). Called with the lock held. */
static uint32_t vpl011_pop(struct vpl011 *u)
{
    unsigned level = vpl011_rx_level(u);

    if (u->rx_count == 0) {
        return 0;
    }
    uint32_t c = u->rx[u->rx_head];
    bool was_above = u->rx_count >= level;
    u->rx_head = (u->rx_head + 1) % VPL011_FIFO;
    u->rx_count--;
    if (u->rx_count < level) {
        u->ris &= ~VPL011_INT_RX;
        if (was_above && u->rx_count > 0) {
            u->ris |= VPL011_INT_RT;
        }
    }
    if (u->rx_count == 0) {
        u->ris &= ~VPL011_INT_RT;
    }
    if (u->bl_count > 0) {
        vpl011_push(u, u->backlog[u->bl_head]);
        u->bl_head = (u->bl_head + 1) % VPL011_BACKLOG;
        u->bl_count--;
    }
    return c; /* no framing, parity, break or overrun error bits (11:8) */
}

static uint32_t vpl011_fr(const struct vpl011 *u)
{
    uint32_t fr = FR_TXFE; /* transmit drains at once: never full, never busy */

    if (u->rx_count == 0) {
        fr |= FR_RXFE;
    }
    if (u->rx_count >= vpl011_depth(u)) {
        fr |= FR_RXFF;
    }
    return fr;
}

/* The register offset names (NULL if it is not a plain read/write one) and its writable bits
 * in *mask. */
static uint32_t *vpl011_reg(struct vpl011 *u, uint64_t offset, uint32_t *mask)
{
    static const struct {
        uint16_t offset;
        uint16_t mask;
    } bits[] = {{UART_IBRD, 0xffff}, {UART_FBRD, 0x3f},  {UART_LCR_H, 0xff}, {UART_CR, 0xff87},
                {UART_IFLS, 0x3f},   {UART_IMSC, 0x7ff}, {UART_DMACR, 0x7}};

    for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        if (bits[i].offset == offset) {
            *mask = bits[i].mask;
        }
    }
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
    uint32_t mask;
    uint32_t *r = vpl011_reg(u, offset, &mask);

    if (r) {
        return *r;
    }
    switch (offset) {
    case UART_DR:
        return vpl011_pop(u);
    case UART_RSR:
        return u->rsr;
    case UART_FR:
        return vpl011_fr(u);
    case UART_RIS:
        return u->ris;
    case UART_MIS:
        return u->ris & u->imsc;
    default:
        break;
    }
    if (offset >= UART_PERIPH_ID0 && offset < UART_PERIPH_ID0 + 4 * sizeof(vpl011_id)) {
        return vpl011_id[(offset - UART_PERIPH_ID0) / 4];
    }
    return 0; /* ICR (write-only) and the reserved space read as zero */
}

/* One transmitted character: to the domain's console line, and through the ready-marker match
 * (a whole line equal to VPL011_READY_MARKER, carriage returns ignored). The transmit FIFO
 * passes its level on the way back to empty at once: TXIS. True if that ended a marker line:
 * the caller declares the domain ready once it has dropped the lock (the ready path takes
 * domain locks, which come before this one). */
static bool vpl011_tx(struct domain *d, char c)
{
    static const char marker[] = VPL011_READY_MARKER;
    struct vpl011 *u = &d->vpl011;

    u->ris |= VPL011_INT_TX;
    console_feed(&d->console, d->name, &c, 1);
    if (c == '\r') {
        return false;
    }
    if (c == '\n') {
        bool ready = u->marker == (int)sizeof(marker) - 1;
        u->marker = 0;
        return ready;
    }
    if (u->marker >= 0) {
        u->marker =
            u->marker < (int)sizeof(marker) - 1 && c == marker[u->marker] ? u->marker + 1 : -1;
    }
    return false;
}

static bool vpl011_write(struct domain *d, uint64_t offset, uint32_t value)
{
    struct vpl011 *u = &d->vpl011;
    uint32_t mask = 0;
    uint32_t *r = vpl011_reg(u, offset, &mask);

    if (offset == UART_DR) {
        return vpl011_tx(d, (char)(value & 0xff));
    }
    if (offset == UART_RSR) {
        u->rsr = 0; /* ECR: any write clears the error status */
    } else if (offset == UART_ICR) {
        u->ris &= ~(value & VPL011_INT_ALL);
    } else if (r) {
        *r = value & mask;
    }
    return false;
}

bool vpl011_access(struct domain *d, uint64_t offset, unsigned size, bool write, uint64_t *value)
{
    struct vpl011 *u = &d->vpl011;

    if (size > 4 || (offset & (size - 1)) || offset >= VPL011_SIZE) {
        return false;
    }
    offset &= ~3ull; /* byte and halfword accesses address the containing register */
    bool ready = false;
    spin_lock(&u->lock);
    if (write) {
        ready = vpl011_write(d, offset, (uint32_t)*value);
    } else {
        *value = vpl011_read(u, offset);
    }
    vpl011_update(d);
    spin_unlock(&u->lock);
    if (ready && !d->ready) {
        dom_declare_ready(d, 0, "console");
    }
    return true; /* writes to read-only or reserved registers are ignored, as on hardware */
}

bool vpl011_receive(struct domain *d, char c)
{
    struct vpl011 *u = &d->vpl011;
    bool kept = false;
    unsigned fill = 0xffff;

    if (!u->enabled) {
        TRACE(console_rx, (uint8_t)c, d->id, fill);
        return false;
    }
    spin_lock(&u->lock);
    if (u->rx_count < vpl011_depth(u) && u->bl_count == 0) {
        vpl011_push(u, (uint8_t)c);
        fill = u->rx_count;
        kept = true;
    } else if (u->bl_count < VPL011_BACKLOG) {
        u->backlog[(u->bl_head + u->bl_count) % VPL011_BACKLOG] = (uint8_t)c;
        u->bl_count++;
        fill = u->rx_count + u->bl_count;
        kept = true;
    } else {
        u->rsr |= RSR_OE;
        u->ris |= VPL011_INT_OE;
    }
    vpl011_update(d);
    spin_unlock(&u->lock);
    TRACE(console_rx, (uint8_t)c, d->id, fill);
    return kept;
}
