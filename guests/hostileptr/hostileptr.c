/* hostileptr: a guest that owns passthrough devices and hands the hypervisor pointers it must
 * refuse: into its device ranges, unmapped IPAs, across the end of its RAM, wrapping around
 * 2^64, and IPAs where other domains' RAM lies in host memory. Every one must return -EFAULT
 * (nothing printed) and the guest must keep running to print its verdict. */
#include <guest/kit.h>
#include <libfdt.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/lib.h>

#define RAM_IPA       0x40000000ull
#define VIRTIO_PAGE   0x0a000000ull /* passed through: the first virtio-mmio page */
#define FWCFG_PAGE    0x09020000ull /* passed through: fw_cfg, 0x18 bytes of registers */
#define GICD_IPA      0x08000000ull /* emulated by the hypervisor, never mapped */
#define CTLWIN_IPA    0x0b000000ull /* the control window: not this domain's */
#define MODULE_WINDOW 0x4000000000ull
#define HOST_DTB_PA   0x48000000ull /* where QEMU puts the boot DTB */
#define HOST_RAM_TOP  0x80000000ull /* end of the machine's 1 GiB */
#define PROBE_LEN     16

/* The size of this domain's RAM, from its device tree's memory node. */
static uint64_t hp_ram_size(const void *fdt)
{
    int node = fdt_path_offset(fdt, "/memory@40000000");
    int len = 0;
    const fdt32_t *reg = node >= 0 ? fdt_getprop(fdt, node, "reg", &len) : NULL;

    if (!reg || len != 16) {
        return 0;
    }
    return ((uint64_t)fdt32_to_cpu(reg[2]) << 32) | fdt32_to_cpu(reg[3]);
}

/* One hostile console_write: must be -EFAULT with nothing consumed. */
static bool hp_refused(uint64_t ipa, uint64_t len, const char *what)
{
    struct hc_ret r = kit_hvc(HC_CONSOLE_WRITE, ipa, len, 0);
    bool ok = r.status == -EFAULT && r.r1 == 0;

    if (!ok) {
        kit_printf("  %s: status %lld, %llu bytes consumed\n", what, (long long)r.status,
                   (unsigned long long)r.r1);
    }
    return ok;
}

struct hp_probe {
    uint64_t ipa;
    uint64_t len;
    const char *what;
};

/* Runs every probe (none is skipped after a failure) and checks they were all refused. */
static bool hp_all_refused(const struct hp_probe *p, unsigned n)
{
    bool ok = true;

    for (unsigned i = 0; i < n; i++) {
        ok = hp_refused(p[i].ipa, p[i].len, p[i].what) && ok;
    }
    return ok;
}

static void hp_devices(void)
{
    static const struct hp_probe p[] = {
        {VIRTIO_PAGE, PROBE_LEN, "virtio base"},
        {VIRTIO_PAGE + 0x100, 4, "virtio register"},
        {VIRTIO_PAGE + 1, PROBE_LEN, "virtio unaligned"},
        {VIRTIO_PAGE + 0xff8, PROBE_LEN, "virtio into the next page"},
        {FWCFG_PAGE + 8, 1, "fw_cfg selector, a byte (it takes 16 bits)"},
        {FWCFG_PAGE + 0x100, PROBE_LEN, "fw_cfg page past its registers (nothing there)"},
    };
    bool ok = hp_all_refused(p, ARRAY_SIZE(p));

    kit_check(ok, "console_write from its own passthrough device ranges returns -EFAULT");
    kit_isolation("hypercall_device_pointer", ok);
}

static void hp_unmapped(uint64_t ram_end)
{
    const struct hp_probe unmapped[] = {
        {0, PROBE_LEN, "IPA 0"},
        {GICD_IPA, 4, "vGIC distributor"},
        {CTLWIN_IPA, 8, "control window"},
        {MODULE_WINDOW, PROBE_LEN, "module window"},
        {1ull << 40, PROBE_LEN, "beyond the IPA space"},
        {ram_end, PROBE_LEN, "first byte after RAM"},
    };
    const struct hp_probe across[] = {
        {ram_end - 8, PROBE_LEN, "across the end of RAM"},
        {ram_end - 1, 2, "last byte of RAM and one more"},
        {ram_end - 4095, 4096, "last page of RAM and one byte"},
    };
    const struct hp_probe wrapping[] = {
        {~0ull - 7, PROBE_LEN, "wrapping 2^64"},
        {~0ull, 2, "wrapping from the last byte"},
    };

    kit_check(hp_all_refused(unmapped, ARRAY_SIZE(unmapped)),
              "console_write from unmapped IPAs returns -EFAULT");
    kit_check(hp_all_refused(across, ARRAY_SIZE(across)),
              "console_write across the end of its RAM returns -EFAULT, nothing printed");
    kit_check(hp_all_refused(wrapping, ARRAY_SIZE(wrapping)),
              "console_write wrapping around 2^64 returns -EFAULT");
}

/* Other domains' RAM sits somewhere in the machine's RAM; none of it is mapped here. */
static void hp_foreign(uint64_t ram_end)
{
    const struct hp_probe p[] = {
        {ram_end + 0x200000, PROBE_LEN, "RAM of the next domain"},
        {HOST_DTB_PA, PROBE_LEN, "the boot DTB"},
        {0x60000000, PROBE_LEN, "the middle of host RAM"},
        {HOST_RAM_TOP - PROBE_LEN, PROBE_LEN, "the top of host RAM"},
    };
    bool ok = hp_all_refused(p, ARRAY_SIZE(p));

    kit_check(ok, "console_write from other domains' RAM IPAs returns -EFAULT");
    kit_isolation("hypercall_foreign_ram", ok);
}

int guest_main(uint64_t dtb)
{
    uint64_t ram_size = dtb ? hp_ram_size((const void *)dtb) : 0;
    uint64_t ram_end = RAM_IPA + ram_size;
    static const char good[] = "a good buffer still prints\n";

    kit_check(ram_size != 0, "the device tree gives this domain's RAM size");
    hp_devices();
    hp_unmapped(ram_end);
    hp_foreign(ram_end);
    kit_check(kit_console_write(good, sizeof(good) - 1) == 0,
              "console_write of a buffer in its own RAM still returns 0");
    return kit_verdict();
}
