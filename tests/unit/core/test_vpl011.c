/* The emulated PL011 and MMIO dispatch: IDs, register file, transmit into the domain's
 * console, refusals of bad accesses and of domains without the device. */
#include <criterion/criterion.h>
#include <string.h>
#include <tessera/arch_host.h>
#include <tessera/domain.h>
#include <tessera/mmio.h>
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
