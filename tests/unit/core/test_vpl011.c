/* The emulated PL011 and MMIO dispatch: IDs, register file, transmit into the domain's
 * console, refusals of bad accesses and of domains without the device. */
#include <criterion/criterion.h>
#include <string.h>
#include <tessera/arch_host.h>
#include <tessera/domain.h>
#include <tessera/mmio.h>
#include <tessera/errno.h>
#include <tessera/vgic.h>
#include <tessera/vpl011.h>

static struct domain dom = {.id = 3, .name = "serial"};
static struct vcpu vcpu = {.dom = &dom};

static void setup(void)
{
    arch_host_serial_reset();
    dom.vpl011.enabled = true;
    dom.console.domid = 3;
}

TestSuite(vpl011, .init = setup);

static uint64_t rd(uint64_t off, unsigned size)
{
    uint64_t v = 0xdead;
    cr_assert(mmio_emulate(&vcpu, VPL011_IPA + off, size, false, &v), "read 0x%llx",
              (unsigned long long)off);
    return v;
}

static void wr(uint64_t off, unsigned size, uint64_t v)
{
    cr_assert(mmio_emulate(&vcpu, VPL011_IPA + off, size, true, &v), "write 0x%llx",
              (unsigned long long)off);
}

Test(vpl011, looks_like_a_pl011)
{
    static const uint8_t id[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    for (unsigned i = 0; i < 8; i++) {
        cr_assert_eq(rd(0xfe0 + 4 * i, 4), id[i]);
    }
    cr_assert_eq(rd(0x018, 4), 0x90, "FR: TXFE and RXFE, never TXFF");
    wr(0x030, 4, 0x301);
    cr_assert_eq(rd(0x030, 4), 0x301);
    wr(0x038, 2, 0x50);
    cr_assert_eq(rd(0x038, 2), 0x50, "halfword access to IMSC");
    cr_assert_eq(rd(0x000, 4), 0, "nothing to receive");
}

Test(vpl011, transmit_reaches_the_console_by_lines)
{
    const char *s = "hi\n";
    for (; *s; s++) {
        wr(0x000, 1, (uint8_t)*s);
    }
    cr_assert(strstr(arch_host_serial(), "] serial: hi\n"), "%s", arch_host_serial());
}

Test(vpl011, refuses_bad_accesses)
{
    uint64_t v = 0;
    cr_assert_not(mmio_emulate(&vcpu, VPL011_IPA + 0x31, 4, false, &v), "misaligned");
    cr_assert_not(mmio_emulate(&vcpu, VPL011_IPA + 0x30, 8, false, &v), "64-bit");
    cr_assert_not(mmio_emulate(&vcpu, VPL011_IPA + VPL011_SIZE, 4, false, &v), "past the device");
    dom.vpl011.enabled = false;
    cr_assert_not(mmio_emulate(&vcpu, VPL011_IPA, 4, false, &v), "a domain without the device");
}

/* The receive side and the interrupt: a domain with one vCPU whose vGIC has the distributor
 * and the vPL011's SPI (INTID 33) enabled. */
#define UART_DR    0x000
#define UART_RSR   0x004
#define UART_FR    0x018
#define UART_LCR_H 0x02c
#define UART_CR    0x030
#define UART_IFLS  0x034
#define UART_IMSC  0x038
#define UART_RIS   0x03c
#define UART_MIS   0x040
#define UART_ICR   0x044
#define FR_RXFE    0x10
#define FR_RXFF    0x40
#define FEN        0x10
#define INTID      (32 + VPL011_SPI)

static void setup_irq(void)
{
    uint64_t on = 0x12, bit = 1u << (INTID % 32);

    setup();
    memset(&dom.vgic, 0, sizeof(dom.vgic));
    memset(&dom.vcpu[0], 0, sizeof(dom.vcpu[0]));
    dom.vcpu_count = 1;
    dom.vcpu[0].dom = &dom;
    vgic_domain_init(&dom);
    cr_assert_eq(vpl011_init(&dom), 0);
    cr_assert(mmio_emulate(&vcpu, VGIC_GICD_IPA, 4, true, &on));
    cr_assert(mmio_emulate(&vcpu, VGIC_GICD_IPA + 0x100 + 4 * (INTID / 32), 4, true, &bit));
}

/* The interrupt the vCPU would take now, or 0 (it is put back: only looked at). */
static unsigned pending_intid(void)
{
    unsigned intid;
    uint8_t prio;
    bool hw;

    if (!vgic_take(&dom.vcpu[0], &intid, &prio, &hw)) {
        return 0;
    }
    vgic_untake(&dom.vcpu[0], intid, hw);
    return intid;
}

static void receive(const char *s)
{
    for (; *s; s++) {
        cr_assert(vpl011_receive(&dom, *s), "'%c' was dropped", *s);
    }
}

Test(vpl011, reset_values, .init = setup_irq)
{
    cr_assert_eq(rd(UART_CR, 4), 0x300, "TXE and RXE");
    cr_assert_eq(rd(UART_IFLS, 4), 0x12, "trigger levels at 1/2");
    cr_assert_eq(rd(UART_FR, 4), 0x90);
    cr_assert_eq(rd(UART_RIS, 4), 0);
    cr_assert_eq(rd(UART_IMSC, 4), 0);
}

Test(vpl011, receive_fifo_in_order, .init = setup_irq)
{
    wr(UART_LCR_H, 2, FEN | 0x60);
    receive("ab");
    cr_assert_eq(rd(UART_FR, 4) & FR_RXFE, 0);
    cr_assert_eq(rd(UART_DR, 2), 'a', "no error bits");
    cr_assert_eq(rd(UART_DR, 2), 'b');
    cr_assert_eq(rd(UART_FR, 4) & FR_RXFE, FR_RXFE);
    for (unsigned i = 0; i < VPL011_FIFO; i++) {
        cr_assert(vpl011_receive(&dom, (char)('A' + i)));
    }
    cr_assert_eq(rd(UART_FR, 4) & FR_RXFF, FR_RXFF, "16 entries fill it");
    for (unsigned i = 0; i < VPL011_BACKLOG; i++) {
        cr_assert(vpl011_receive(&dom, (char)('a' + i % 26)), "held behind the FIFO");
    }
    cr_assert_not(vpl011_receive(&dom, '!'), "overrun");
    cr_assert_eq(rd(UART_RSR, 4), 0x8, "RSR.OE");
    cr_assert_eq(rd(UART_RIS, 4) & VPL011_INT_OE, VPL011_INT_OE);
    wr(UART_RSR, 4, 0);
    cr_assert_eq(rd(UART_RSR, 4), 0, "a write to ECR clears it");
    for (unsigned i = 0; i < VPL011_FIFO; i++) {
        cr_assert_eq(rd(UART_DR, 4), 'A' + i);
    }
    for (unsigned i = 0; i < VPL011_BACKLOG; i++) {
        cr_assert_eq(rd(UART_FR, 4) & FR_RXFE, 0, "refilled as the guest reads");
        cr_assert_eq(rd(UART_DR, 4), 'a' + i % 26);
    }
    cr_assert_eq(rd(UART_FR, 4) & FR_RXFE, FR_RXFE);
}

Test(vpl011, without_fifo_one_character_holds, .init = setup_irq)
{
    receive("x");
    cr_assert_eq(rd(UART_FR, 4) & FR_RXFF, FR_RXFF);
    cr_assert_eq(rd(UART_RIS, 4) & VPL011_INT_RX, VPL011_INT_RX, "level 1 without the FIFO");
    cr_assert(vpl011_receive(&dom, 'y'), "held back");
    cr_assert_eq(rd(UART_DR, 4), 'x');
    cr_assert_eq(rd(UART_FR, 4) & FR_RXFF, FR_RXFF, "the next one moved in");
    cr_assert_eq(rd(UART_DR, 4), 'y');
}

Test(vpl011, receive_interrupts_follow_the_trigger_level, .init = setup_irq)
{
    wr(UART_LCR_H, 2, FEN);
    wr(UART_IFLS, 2, 0x2 << 3); /* receive at 1/2: 8 characters */
    receive("1234567");
    cr_assert_eq(rd(UART_RIS, 4), VPL011_INT_RT, "below the level: the timeout, at once");
    receive("8");
    cr_assert_eq(rd(UART_RIS, 4) & VPL011_INT_RX, VPL011_INT_RX, "the level reached");
    wr(UART_ICR, 2, VPL011_INT_RT | VPL011_INT_RX);
    cr_assert_eq(rd(UART_RIS, 4), 0, "ICR clears both");
    receive("9");
    cr_assert_eq(rd(UART_RIS, 4), VPL011_INT_RX, "still at the level: RXIS again");
    for (unsigned i = 0; i < 2; i++) {
        rd(UART_DR, 4);
    }
    cr_assert_eq(rd(UART_RIS, 4), VPL011_INT_RT, "below the level again: RXIS falls, RTIS");
    while (!(rd(UART_FR, 4) & FR_RXFE)) {
        rd(UART_DR, 4);
    }
    cr_assert_eq(rd(UART_RIS, 4), 0, "empty: both fall");
    wr(UART_IFLS, 2, 0x0 << 3); /* 1/8: 2 characters */
    receive("ab");
    cr_assert_eq(rd(UART_RIS, 4) & VPL011_INT_RX, VPL011_INT_RX);
}

Test(vpl011, transmit_interrupt_after_each_write, .init = setup_irq)
{
    cr_assert_eq(rd(UART_RIS, 4) & VPL011_INT_TX, 0, "nothing sent yet");
    wr(UART_DR, 1, 'x');
    cr_assert_eq(rd(UART_RIS, 4), VPL011_INT_TX, "drained at once: at or below the level");
    cr_assert_eq(rd(UART_MIS, 4), 0, "masked");
    wr(UART_IMSC, 2, VPL011_INT_TX);
    cr_assert_eq(rd(UART_MIS, 4), VPL011_INT_TX);
    cr_assert_eq(pending_intid(), INTID, "the line is up");
    wr(UART_ICR, 2, VPL011_INT_TX);
    cr_assert_eq(rd(UART_MIS, 4), 0);
    cr_assert_eq(pending_intid(), 0, "down again before the vCPU took it: withdrawn");
}

Test(vpl011, line_is_ris_and_imsc, .init = setup_irq)
{
    receive("q");
    cr_assert_eq(pending_intid(), 0, "receive interrupts masked");
    wr(UART_IMSC, 2, VPL011_INT_RX | VPL011_INT_RT);
    cr_assert_eq(pending_intid(), INTID, "unmasking raises the line");
    cr_assert_eq(rd(UART_MIS, 4), VPL011_INT_RX);
    cr_assert_eq(rd(UART_DR, 4), 'q');
    cr_assert_eq(pending_intid(), 0, "emptied: the line fell");
}

Test(vpl011, deactivation_while_high_pends_again, .init = setup_irq)
{
    unsigned intid;
    uint8_t prio;
    bool hw;

    wr(UART_IMSC, 2, VPL011_INT_RX | VPL011_INT_RT);
    receive("a");
    cr_assert(vgic_take(&dom.vcpu[0], &intid, &prio, &hw));
    cr_assert_eq(intid, INTID);
    cr_assert_not(hw);
    cr_assert(vgic_wants_eoi(&dom.vcpu[0], INTID), "an emulated level interrupt");
    cr_assert_not(vgic_wants_eoi(&dom.vcpu[0], 27));
    vgic_eoi(&dom.vcpu[0], INTID);
    cr_assert_eq(pending_intid(), INTID, "still high at the deactivation");
    cr_assert(vgic_take(&dom.vcpu[0], &intid, &prio, &hw));
    rd(UART_DR, 4);
    vgic_eoi(&dom.vcpu[0], INTID);
    cr_assert_eq(pending_intid(), 0, "low at the deactivation: nothing more");
}

Test(vpl011, its_spi_cannot_be_passed_through, .init = setup_irq)
{
    cr_assert_eq(vgic_assign_spi(&dom, VPL011_SPI), -EBUSY);
    cr_assert_eq(vpl011_init(&dom), 0, "again, as a restart does");
}
