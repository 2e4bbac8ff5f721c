/* Guest device trees: memory, CPUs with PSCI, GICv3, the architected timer, the domain's
 * vPL011 and /chosen (bootargs, initrd, an rng-seed from the run's seed), written with libfdt's
 * sequential-write API. No wall-clock device, so runs stay deterministic. */
#include <libfdt.h>
#include <tessera/errno.h>
#include <tessera/ctlwin_abi.h>
#include <tessera/guest_fdt.h>
#include <tessera/lib.h>
#include <tessera/vgic.h>
#include <tessera/vpl011.h>

#define GFDT_PHANDLE_GIC 1
#define GFDT_PHANDLE_CLK 2
#define GIC_PPI          1
#define GIC_SPI          0
#define IRQ_LEVEL_HIGH   4

_Static_assert(GFDT_GICD_IPA == VGIC_GICD_IPA && GFDT_GICD_SIZE == VGIC_GICD_SIZE &&
                   GFDT_GICR_IPA == VGIC_GICR_IPA && GFDT_GICR_STRIDE == VGIC_GICR_STRIDE,
               "the guest device tree states where the vGIC is");
_Static_assert(GFDT_UART_IPA == VPL011_IPA && GFDT_UART_SIZE == VPL011_SIZE &&
                   GFDT_UART_SPI == VPL011_SPI,
               "the guest device tree states where the vPL011 is and which SPI it raises");

void gfdt_rng_seed(uint64_t run_seed, unsigned domid, const char *name, uint8_t seed[64])
{
    uint64_t x = (0x9e3779b97f4a7c15ull ^ domid) + run_seed * 0xbf58476d1ce4e5b9ull;

    for (const char *p = name; *p; p++) {
        x = (x ^ (uint8_t)*p) * 0x100000001b3ull;
    }
    for (unsigned i = 0; i < 64; i++) {
        x ^= x << 13; /* xorshift64 */
        x ^= x >> 7;
        x ^= x << 17;
        seed[i] = (uint8_t)(x >> 56);
    }
}

static int gfdt_reg(void *fdt, uint64_t base, uint64_t size)
{
    fdt64_t cells[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};
    return fdt_property(fdt, "reg", cells, sizeof(cells));
}

/* A control or boot domain's control window (ctlwin_abi.h): doorbell page and staging memory. */
static int gfdt_ctlwin(void *fdt)
{
    fdt64_t reg[4] = {cpu_to_fdt64(CTLWIN_IPA), cpu_to_fdt64(CTLWIN_SIZE),
                      cpu_to_fdt64(CTLWIN_STAGING_IPA), cpu_to_fdt64(CTLWIN_STAGING_SIZE)};
    int rc = fdt_begin_node(fdt, "control@b000000");

    if (!rc) {
        rc = fdt_property_string(fdt, "compatible", CTLWIN_COMPATIBLE);
    }
    if (!rc) {
        rc = fdt_property(fdt, "reg", reg, sizeof(reg));
    }
    return rc ? rc : fdt_end_node(fdt);
}

static int gfdt_chosen(void *fdt, const struct gfdt_params *p)
{
    uint8_t seed[64];
    int rc = fdt_begin_node(fdt, "chosen");

    gfdt_rng_seed(p->run_seed, p->domid, p->name, seed);
    if (!rc && p->bootargs) {
        rc = fdt_property_string(fdt, "bootargs", p->bootargs);
    }
    if (!rc && p->initrd_start) {
        rc = fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start);
        if (!rc) {
            rc = fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end);
        }
    }
    if (!rc && p->vpl011) {
        rc = fdt_property_string(fdt, "stdout-path", "/pl011@9000000");
    }
    if (!rc) {
        rc = fdt_property(fdt, "rng-seed", seed, sizeof(seed));
    }
    if (!rc) {
        rc = fdt_property_u32(fdt, "tessera,domid", p->domid);
    }
    if (!rc && p->fleet_dtb_ipa) {
        rc = fdt_property_u64(fdt, "tessera,fleet-dtb", p->fleet_dtb_ipa);
        if (!rc) {
            rc = fdt_property_u64(fdt, "tessera,module-offset", p->module_offset);
        }
    }
    return rc ? rc : fdt_end_node(fdt);
}

static int gfdt_cpus(void *fdt, unsigned vcpus)
{
    int rc = fdt_begin_node(fdt, "cpus");
    char name[16];

    if (!rc) {
        rc = fdt_property_u32(fdt, "#address-cells", 1);
    }
    if (!rc) {
        rc = fdt_property_u32(fdt, "#size-cells", 0);
    }
    for (unsigned i = 0; !rc && i < vcpus; i++) {
        lib_snprintf(name, sizeof(name), "cpu@%u", i);
        rc = fdt_begin_node(fdt, name);
        if (!rc) {
            rc = fdt_property_string(fdt, "device_type", "cpu");
        }
        if (!rc) {
            rc = fdt_property_string(fdt, "compatible", "arm,armv8");
        }
        if (!rc) {
            rc = fdt_property_u32(fdt, "reg", i);
        }
        if (!rc) {
            rc = fdt_property_string(fdt, "enable-method", "psci");
        }
        if (!rc) {
            rc = fdt_end_node(fdt);
        }
    }
    return rc ? rc : fdt_end_node(fdt);
}

static int gfdt_irqs(void *fdt, const uint32_t *spec, unsigned n)
{
    fdt32_t cells[12];
    for (unsigned i = 0; i < n && i < ARRAY_SIZE(cells); i++) {
        cells[i] = cpu_to_fdt32(spec[i]);
    }
    return fdt_property(fdt, "interrupts", cells, n * sizeof(cells[0]));
}

static int gfdt_gic(void *fdt, unsigned vcpus)
{
    fdt64_t reg[4] = {cpu_to_fdt64(GFDT_GICD_IPA), cpu_to_fdt64(GFDT_GICD_SIZE),
                      cpu_to_fdt64(GFDT_GICR_IPA), cpu_to_fdt64(GFDT_GICR_STRIDE * vcpus)};
    int rc = fdt_begin_node(fdt, "interrupt-controller@8000000");

    if (!rc) {
        rc = fdt_property_string(fdt, "compatible", "arm,gic-v3");
    }
    if (!rc) {
        rc = fdt_property_u32(fdt, "#interrupt-cells", 3);
    }
    if (!rc) {
        rc = fdt_property(fdt, "interrupt-controller", NULL, 0);
    }
    if (!rc) {
        rc = fdt_property(fdt, "reg", reg, sizeof(reg));
    }
    if (!rc) {
        rc = fdt_property_u32(fdt, "phandle", GFDT_PHANDLE_GIC);
    }
    return rc ? rc : fdt_end_node(fdt);
}

static int gfdt_timer(void *fdt)
{
    /* secure phys, non-secure phys, virtual, hypervisor: PPIs 13, 14, 11, 10 as on QEMU */
    static const uint32_t irqs[] = {GIC_PPI, 13, IRQ_LEVEL_HIGH, GIC_PPI, 14, IRQ_LEVEL_HIGH,
                                    GIC_PPI, 11, IRQ_LEVEL_HIGH, GIC_PPI, 10, IRQ_LEVEL_HIGH};
    int rc = fdt_begin_node(fdt, "timer");

    if (!rc) {
        rc = fdt_property_string(fdt, "compatible", "arm,armv8-timer");
    }
    if (!rc) {
        rc = gfdt_irqs(fdt, irqs, ARRAY_SIZE(irqs));
    }
    if (!rc) {
        rc = fdt_property(fdt, "always-on", NULL, 0);
    }
    return rc ? rc : fdt_end_node(fdt);
}

static int gfdt_uart(void *fdt)
{
    static const uint32_t irq[] = {GIC_SPI, GFDT_UART_SPI, IRQ_LEVEL_HIGH};
    static const char compat[] = "arm,pl011\0arm,primecell";
    int rc = fdt_begin_node(fdt, "apb-pclk");

    if (!rc) {
        rc = fdt_property_string(fdt, "compatible", "fixed-clock");
    }
    if (!rc) {
        rc = fdt_property_u32(fdt, "#clock-cells", 0);
    }
    if (!rc) {
        rc = fdt_property_u32(fdt, "clock-frequency", 24000000);
    }
    if (!rc) {
        rc = fdt_property_u32(fdt, "phandle", GFDT_PHANDLE_CLK);
    }
    if (!rc) {
        rc = fdt_end_node(fdt);
    }
    if (!rc) {
        rc = fdt_begin_node(fdt, "pl011@9000000");
    }
    if (!rc) {
        rc = fdt_property(fdt, "compatible", compat, sizeof(compat));
    }
    if (!rc) {
        rc = gfdt_reg(fdt, GFDT_UART_IPA, GFDT_UART_SIZE);
    }
    if (!rc) {
        rc = gfdt_irqs(fdt, irq, ARRAY_SIZE(irq));
    }
    if (!rc) {
        rc = fdt_property_u32(fdt, "clocks", GFDT_PHANDLE_CLK);
    }
    if (!rc) {
        rc = fdt_property_string(fdt, "clock-names", "apb_pclk");
    }
    return rc ? rc : fdt_end_node(fdt);
}

static int gfdt_root(void *fdt, const struct gfdt_params *p)
{
    static const char compat[] = "tessera,domain\0linux,dummy-virt";
    char node[32];
    int rc = fdt_property(fdt, "compatible", compat, sizeof(compat));

    if (!rc) {
        rc = fdt_property_u32(fdt, "#address-cells", 2);
    }
    if (!rc) {
        rc = fdt_property_u32(fdt, "#size-cells", 2);
    }
    if (!rc) {
        rc = fdt_property_u32(fdt, "interrupt-parent", GFDT_PHANDLE_GIC);
    }
    if (!rc) {
        rc = fdt_property_string(fdt, "model", p->name);
    }
    if (!rc) {
        rc = gfdt_chosen(fdt, p);
    }
    lib_snprintf(node, sizeof(node), "memory@%llx", (unsigned long long)p->ram_ipa);
    if (!rc) {
        rc = fdt_begin_node(fdt, node);
    }
    if (!rc) {
        rc = fdt_property_string(fdt, "device_type", "memory");
    }
    if (!rc) {
        rc = gfdt_reg(fdt, p->ram_ipa, p->ram_size);
    }
    if (!rc) {
        rc = fdt_end_node(fdt);
    }
    return rc;
}

static int gfdt_psci(void *fdt)
{
    static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";
    int rc = fdt_begin_node(fdt, "psci");

    if (!rc) {
        rc = fdt_property(fdt, "compatible", compat, sizeof(compat));
    }
    if (!rc) {
        rc = fdt_property_string(fdt, "method", "hvc");
    }
    return rc ? rc : fdt_end_node(fdt);
}

int gfdt_build(void *buf, size_t size, const struct gfdt_params *p)
{
    /* No name dedup: libfdt would search the strings block for every property name (more
     * than half the cost of a domain's tree); the tree is a few hundred bytes longer. */
    int rc = fdt_create_with_flags(buf, (int)size, FDT_CREATE_FLAG_NO_NAME_DEDUP);

    if (!rc) {
        rc = fdt_finish_reservemap(buf);
    }
    if (!rc) {
        rc = fdt_begin_node(buf, "");
    }
    if (!rc) {
        rc = gfdt_root(buf, p);
    }
    if (!rc) {
        rc = gfdt_cpus(buf, p->vcpus);
    }
    if (!rc) {
        rc = gfdt_psci(buf);
    }
    if (!rc) {
        rc = gfdt_gic(buf, p->vcpus);
    }
    if (!rc) {
        rc = gfdt_timer(buf);
    }
    if (!rc && p->vpl011) {
        rc = gfdt_uart(buf);
    }
    if (!rc && p->fleet_dtb_ipa) {
        rc = gfdt_ctlwin(buf);
    }
    if (!rc) {
        rc = fdt_end_node(buf);
    }
    if (!rc) {
        rc = fdt_finish(buf);
    }
    if (rc) {
        return rc == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
    }
    return (int)fdt_totalsize(buf);
}
