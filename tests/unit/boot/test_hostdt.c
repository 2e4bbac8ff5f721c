/* Host device-tree discovery: the trees QEMU's virt machine generates (dumped at build time)
 * parse into its known memory map; hand-built trees check cell sizes, ranges, stdout-path,
 * reserved memory, and that every malformed input is refused naming node and property. */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/errno.h>
#include <tessera/hostdt.h>

#define GiB (1ull << 30)

/* QEMU pads its trees to 1 MiB; the hand-built ones use TREE_SIZE of it. */
static char fdt[2 << 20] __attribute__((aligned(8)));
#define TREE_SIZE 16384
static struct hostdt hd;
static char err[256];

static int parse(void)
{
    return hostdt_parse(fdt, &hd, err, sizeof(err));
}

/* Parses, expecting failure with a message that contains want. */
static void expect_error(const char *want)
{
    cr_assert_eq(parse(), -EINVAL, "parsed, but expected an error containing \"%s\"", want);
    cr_assert_not_null(strstr(err, want), "error \"%s\" does not contain \"%s\"", err, want);
}

static void load_qemu(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s.dtb", HOSTDT_DTB_DIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s: not found (the build dumps it with QEMU)", path);
    size_t n = fread(fdt, 1, sizeof(fdt), f);
    fclose(f);
    cr_assert_gt(n, 0);
    cr_assert_eq(fdt_totalsize(fdt), n, "%s is larger than the test's buffer", path);
}

/* --- building trees: every helper looks nodes up by path, since offsets move on writes. */

static int node(const char *path)
{
    int off = fdt_path_offset(fdt, path);
    cr_assert_geq(off, 0, "%s: %s", path, fdt_strerror(off));
    return off;
}

/* fdt_add_subnode puts a new node before its existing siblings: nodes added later come
 * first in DT order. */
static void add(const char *parent, const char *name)
{
    int rc = fdt_add_subnode(fdt, node(parent), name);
    cr_assert_geq(rc, 0, "%s/%s: %s", parent, name, fdt_strerror(rc));
}

static void prop(const char *path, const char *name, const void *val, int len)
{
    int rc = fdt_setprop(fdt, node(path), name, val, len);
    cr_assert_eq(rc, 0, "%s %s: %s", path, name, fdt_strerror(rc));
}

static void str(const char *path, const char *name, const char *s)
{
    prop(path, name, s, (int)strlen(s) + 1);
}

/* Sets a property of n cells, given as unsigned ints. */
static void cells(const char *path, const char *name, int n, ...)
{
    fdt32_t v[32];
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        v[i] = cpu_to_fdt32(va_arg(ap, unsigned));
    }
    va_end(ap);
    prop(path, name, v, n * 4);
}

static void del(const char *path, const char *name)
{
    cr_assert_eq(fdt_delprop(fdt, node(path), name), 0);
}

/* The smallest tree that parses: 2+2 cells at the root, 1 GiB of RAM, one CPU. */
static void minimal(void)
{
    cr_assert_eq(fdt_create_empty_tree(fdt, TREE_SIZE), 0);
    cells("/", "#address-cells", 1, 2);
    cells("/", "#size-cells", 1, 2);
    add("/", "memory@40000000");
    str("/memory@40000000", "device_type", "memory");
    cells("/memory@40000000", "reg", 4, 0, 0x40000000, 0, 0x40000000);
    add("/", "cpus");
    cells("/cpus", "#address-cells", 1, 1);
    cells("/cpus", "#size-cells", 1, 0);
    add("/cpus", "cpu@0");
    str("/cpus/cpu@0", "device_type", "cpu");
    cells("/cpus/cpu@0", "reg", 1, 0);
    add("/", "chosen");
}

static void add_pl011(const char *parent, const char *name, unsigned base, unsigned spi)
{
    char path[64];
    static const char compat[] = "arm,pl011\0arm,primecell";

    snprintf(path, sizeof(path), "%s/%s", strcmp(parent, "/") ? parent : "", name);
    add(parent, name);
    prop(path, "compatible", compat, sizeof(compat));
    cells(path, "reg", 4, 0, base, 0, 0x1000);
    cells(path, "interrupts", 3, 0, spi, 4);
}

/* --- QEMU virt machine trees */

static void check_virt_common(void)
{
    cr_assert_eq(hd.mem[0].base, 0x40000000);
    cr_assert_eq(hd.reserved_count, 0);
    cr_assert(hd.psci_found);
    cr_assert(hd.psci_smc, "virtualization=on puts PSCI on the SMC conduit");
    cr_assert_eq(hd.gic.dist.base, 0x08000000);
    cr_assert_eq(hd.gic.dist.size, 0x10000);
    cr_assert_eq(hd.gic.maint_intid, 25);
    cr_assert(hd.timer.found);
    cr_assert_eq(hd.timer.phys_intid, 30);
    cr_assert_eq(hd.timer.virt_intid, 27);
    cr_assert_eq(hd.timer.hyp_intid, 26);
    cr_assert_eq(hd.timer.freq_hz, 0);
    cr_assert(hd.uart.found);
    cr_assert_eq(hd.uart.base, 0x09000000);
    cr_assert_eq(hd.uart.size, 0x1000);
    cr_assert_eq(hd.uart.intid, 33);
    cr_assert_null(hd.bootargs);
    cr_assert_eq(hd.hypervisor_node, -1);
}

Test(hostdt, qemu_virt_gicv3)
{
    load_qemu("virt-gic3");
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_str_eq(err, "");
    cr_assert_eq(hd.mem_count, 1);
    cr_assert_eq(hd.mem[0].size, GiB);
    cr_assert_eq(hd.cpu_count, 4);
    for (unsigned i = 0; i < 4; i++) {
        cr_assert_eq(hd.cpu_mpidr[i], i);
    }
    cr_assert_eq(hd.gic.version, 3);
    cr_assert_eq(hd.gic.redist.base, 0x080a0000);
    cr_assert_eq(hd.gic.redist.size, 0xf60000);
    check_virt_common();
}

Test(hostdt, qemu_virt_gicv2)
{
    load_qemu("virt-gic2");
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.gic.version, 2);
    cr_assert_eq(hd.gic.cpuif.base, 0x08010000);
    cr_assert_eq(hd.gic.cpuif.size, 0x10000);
    cr_assert_eq(hd.gic.hyp.base, 0x08030000);
    cr_assert_eq(hd.gic.hyp.size, 0x10000);
    cr_assert_eq(hd.gic.vcpu.base, 0x08040000);
    cr_assert_eq(hd.gic.vcpu.size, 0x10000);
    cr_assert_eq(hd.gic.redist.size, 0);
    cr_assert_eq(hd.cpu_count, 4);
    check_virt_common();
}

Test(hostdt, qemu_virt_one_cpu)
{
    load_qemu("virt-smp1");
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.cpu_count, 1);
    cr_assert_eq(hd.cpu_mpidr[0], 0);
    check_virt_common();
}

Test(hostdt, qemu_virt_2g)
{
    load_qemu("virt-2g");
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.mem_count, 1);
    cr_assert_eq(hd.mem[0].size, 2 * GiB);
    check_virt_common();
}

/* --- hand-built trees: what parses */

Test(hostdt, minimal_tree_leaves_devices_absent)
{
    minimal();
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.mem_count, 1);
    cr_assert_eq(hd.cpu_count, 1);
    cr_assert_not(hd.psci_found);
    cr_assert_eq(hd.gic.version, 0);
    cr_assert_not(hd.timer.found);
    cr_assert_not(hd.uart.found);
    cr_assert_eq(hd.hypervisor_node, -1);
}

Test(hostdt, one_cell_root_and_several_banks)
{
    minimal();
    cells("/", "#address-cells", 1, 1);
    cells("/", "#size-cells", 1, 1);
    cells("/memory@40000000", "reg", 4, 0x40000000, 0x10000000, 0x60000000, 0x1000);
    add("/", "memory@80000000");
    str("/memory@80000000", "device_type", "memory");
    cells("/memory@80000000", "reg", 2, 0x80000000, 0x20000000);
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.mem_count, 3);
    cr_assert_eq(hd.mem[0].base, 0x80000000);
    cr_assert_eq(hd.mem[0].size, 0x20000000);
    cr_assert_eq(hd.mem[1].base, 0x40000000);
    cr_assert_eq(hd.mem[1].size, 0x10000000);
    cr_assert_eq(hd.mem[2].base, 0x60000000);
    cr_assert_eq(hd.mem[2].size, 0x1000);
}

Test(hostdt, two_cell_cpu_ids)
{
    minimal();
    cells("/cpus", "#address-cells", 1, 2);
    cells("/cpus/cpu@0", "reg", 2, 0x1, 0x00000100);
    add("/cpus", "cpu-map"); /* not a cpu */
    add("/cpus", "cpu@101");
    cells("/cpus/cpu@101", "reg", 2, 0, 0x101); /* no device_type: found by its name */
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.cpu_count, 2);
    cr_assert_eq(hd.cpu_mpidr[0], 0x101);
    cr_assert_eq(hd.cpu_mpidr[1], 0x100000100ull);
}

Test(hostdt, memreserve_and_reserved_memory)
{
    minimal();
    cr_assert_eq(fdt_add_mem_rsv(fdt, 0x48000000, 0x10000), 0);
    add("/", "reserved-memory");
    cells("/reserved-memory", "#address-cells", 1, 2);
    cells("/reserved-memory", "#size-cells", 1, 2);
    prop("/reserved-memory", "ranges", NULL, 0);
    add("/reserved-memory", "fw@7f000000");
    cells("/reserved-memory/fw@7f000000", "reg", 4, 0, 0x7f000000, 0, 0x100000);
    add("/reserved-memory", "pool");
    cells("/reserved-memory/pool", "size", 2, 0, 0x400000); /* dynamic: no reg, skipped */
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.reserved_count, 2);
    cr_assert_eq(hd.reserved[0].base, 0x48000000);
    cr_assert_eq(hd.reserved[0].size, 0x10000);
    cr_assert_eq(hd.reserved[1].base, 0x7f000000);
    cr_assert_eq(hd.reserved[1].size, 0x100000);
}

Test(hostdt, stdout_path_alias_with_options)
{
    minimal();
    add_pl011("/", "pl011@9000000", 0x09000000, 1);
    add_pl011("/", "pl011@9040000", 0x09040000, 8);
    add("/", "aliases");
    str("/aliases", "serial1", "/pl011@9040000");
    str("/chosen", "stdout-path", "serial1:115200n8");
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert(hd.uart.found);
    cr_assert_eq(hd.uart.base, 0x09040000);
    cr_assert_eq(hd.uart.intid, 40);
}

Test(hostdt, stdout_path_as_path)
{
    minimal();
    add_pl011("/", "pl011@9000000", 0x09000000, 1);
    add_pl011("/", "pl011@9040000", 0x09040000, 8);
    str("/chosen", "stdout-path", "/pl011@9040000");
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.uart.base, 0x09040000);
}

Test(hostdt, uart_falls_back_to_first_enabled_pl011)
{
    minimal();
    add_pl011("/", "pl011@9080000", 0x09080000, 9);
    add_pl011("/", "pl011@9040000", 0x09040000, 8);
    add_pl011("/", "pl011@9000000", 0x09000000, 1);
    str("/pl011@9000000", "status", "disabled");
    add("/", "serial@1000");
    str("/serial@1000", "compatible", "ns16550a");
    str("/chosen", "stdout-path", "/serial@1000");
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.uart.base, 0x09040000);
    str("/chosen", "stdout-path", "/no-such-node");
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.uart.base, 0x09040000);
}

Test(hostdt, ranges_translate_bus_addresses)
{
    minimal();
    add("/", "soc");
    cells("/soc", "#address-cells", 1, 1);
    cells("/soc", "#size-cells", 1, 1);
    cells("/soc", "ranges", 8, 0x0, 0x0, 0x20000000, 0x1000000, 0x7e000000, 0x0, 0xfe000000,
          0x1800000);
    add("/soc", "serial@7e201000");
    str("/soc/serial@7e201000", "compatible", "arm,pl011");
    cells("/soc/serial@7e201000", "reg", 2, 0x7e201000, 0x200);
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.uart.base, 0xfe201000);
    cr_assert_eq(hd.uart.size, 0x200);
    cr_assert_eq(hd.uart.intid, 0);
}

Test(hostdt, empty_ranges_is_identity)
{
    minimal();
    add("/", "soc");
    cells("/soc", "#address-cells", 1, 1);
    cells("/soc", "#size-cells", 1, 1);
    prop("/soc", "ranges", NULL, 0);
    add("/soc", "serial@9000000");
    str("/soc/serial@9000000", "compatible", "arm,pl011");
    cells("/soc/serial@9000000", "reg", 2, 0x09000000, 0x1000);
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.uart.base, 0x09000000);
}

Test(hostdt, gic400_without_virtualization_regions)
{
    minimal();
    add("/", "interrupt-controller@2c001000");
    str("/interrupt-controller@2c001000", "compatible", "arm,gic-400");
    cells("/interrupt-controller@2c001000", "reg", 8, 0, 0x2c001000, 0, 0x1000, 0, 0x2c002000, 0,
          0x2000);
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.gic.version, 2);
    cr_assert_eq(hd.gic.cpuif.base, 0x2c002000);
    cr_assert_eq(hd.gic.hyp.size, 0);
    cr_assert_eq(hd.gic.maint_intid, 0);
}

Test(hostdt, timer_frequency_and_psci_hvc)
{
    minimal();
    add("/", "timer");
    str("/timer", "compatible", "arm,armv8-timer");
    cells("/timer", "interrupts", 12, 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4);
    cells("/timer", "clock-frequency", 1, 24000000);
    add("/", "psci");
    str("/psci", "compatible", "arm,psci-0.2");
    str("/psci", "method", "hvc");
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.timer.freq_hz, 24000000);
    cr_assert_eq(hd.timer.hyp_intid, 26);
    cr_assert(hd.psci_found);
    cr_assert_not(hd.psci_smc);
}

Test(hostdt, chosen_bootargs_and_hypervisor)
{
    minimal();
    str("/chosen", "bootargs", "console=ttyAMA0 loglevel=8");
    add("/chosen", "hypervisor");
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_str_eq(hd.bootargs, "console=ttyAMA0 loglevel=8");
    cr_assert_eq(hd.hypervisor_node, fdt_path_offset(fdt, "/chosen/hypervisor"));
    cr_assert_geq(hd.hypervisor_node, 0);
}

/* --- hand-built trees: what is refused, and how it is named */

Test(hostdt, bad_header)
{
    memset(fdt, 0, 64);
    expect_error("device tree: ");
}

Test(hostdt, reg_length_not_multiple_of_entry)
{
    minimal();
    cells("/memory@40000000", "reg", 3, 0, 0x40000000, 0x40000000);
    expect_error("/memory@40000000: reg: length 12 is not a multiple of 16");
}

Test(hostdt, missing_memory)
{
    minimal();
    del("/memory@40000000", "device_type");
    expect_error("no memory node");
}

Test(hostdt, memory_without_reg)
{
    minimal();
    del("/memory@40000000", "reg");
    expect_error("/memory@40000000: reg: missing");
}

Test(hostdt, too_many_memory_regions)
{
    char name[32];

    minimal();
    for (unsigned i = 1; i < HOSTDT_MAX_MEM + 1; i++) {
        snprintf(name, sizeof(name), "memory@%x", 0x80000000u + i * 0x1000000u);
        add("/", name);
        char path[40];
        snprintf(path, sizeof(path), "/%s", name);
        str(path, "device_type", "memory");
        cells(path, "reg", 4, 0, 0x80000000u + i * 0x1000000u, 0, 0x1000000);
    }
    expect_error("/memory@40000000: reg: more than 8 memory regions (HOSTDT_MAX_MEM)");
}

Test(hostdt, exactly_max_memory_regions_fit)
{
    minimal();
    cells("/memory@40000000", "reg", 32, 0, 0x40000000, 0, 0x1000, 0, 0x50000000, 0, 0x1000, 0,
          0x60000000, 0, 0x1000, 0, 0x70000000, 0, 0x1000, 0, 0x80000000, 0, 0x1000, 0, 0x90000000,
          0, 0x1000, 0, 0xa0000000, 0, 0x1000, 0, 0xb0000000, 0, 0x1000);
    cr_assert_eq(parse(), 0, "%s", err);
    cr_assert_eq(hd.mem_count, HOSTDT_MAX_MEM);
}

Test(hostdt, unsupported_address_cells)
{
    minimal();
    cells("/", "#address-cells", 1, 3);
    expect_error("/: #address-cells: 3 is not supported");
}

Test(hostdt, missing_cpus)
{
    minimal();
    cr_assert_eq(fdt_del_node(fdt, node("/cpus")), 0);
    expect_error("no /cpus node");
}

Test(hostdt, cpus_without_cpu_nodes)
{
    minimal();
    cr_assert_eq(fdt_del_node(fdt, node("/cpus/cpu@0")), 0);
    expect_error("/cpus: no cpu node");
}

Test(hostdt, too_many_cpus)
{
    char name[16];
    char path[32];

    minimal();
    for (unsigned i = 1; i <= HOSTDT_MAX_CPUS; i++) {
        snprintf(name, sizeof(name), "cpu@%x", i);
        snprintf(path, sizeof(path), "/cpus/%s", name);
        add("/cpus", name);
        str(path, "device_type", "cpu");
        cells(path, "reg", 1, i);
    }
    expect_error("/cpus/cpu@0: more than 16 CPUs (HOSTDT_MAX_CPUS)");
}

Test(hostdt, cpu_reg_length)
{
    minimal();
    cells("/cpus", "#address-cells", 1, 2);
    cells("/cpus/cpu@0", "reg", 3, 0, 0, 0);
    expect_error("/cpus/cpu@0: reg: length 12 is not a multiple of 8");
}

Test(hostdt, too_many_reserved_regions)
{
    minimal();
    for (unsigned i = 0; i <= HOSTDT_MAX_RSV; i++) {
        cr_assert_eq(fdt_add_mem_rsv(fdt, 0x48000000 + i * 0x10000ull, 0x1000), 0);
    }
    expect_error("/memreserve/: more than 16 reserved regions (HOSTDT_MAX_RSV)");
}

Test(hostdt, gicv3_needs_redistributor_region)
{
    minimal();
    add("/", "intc@8000000");
    str("/intc@8000000", "compatible", "arm,gic-v3");
    cells("/intc@8000000", "reg", 4, 0, 0x08000000, 0, 0x10000);
    expect_error("/intc@8000000: reg: has 1 entries, entry 2 is required");
}

Test(hostdt, interrupt_specifier_type)
{
    minimal();
    add("/", "intc@8000000");
    str("/intc@8000000", "compatible", "arm,gic-v3");
    cells("/intc@8000000", "reg", 8, 0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0xf60000);
    cells("/intc@8000000", "interrupts", 3, 2, 9, 4);
    expect_error("/intc@8000000: interrupts: specifier 1: <2 9> is neither a PPI nor an SPI");
    cells("/intc@8000000", "interrupts", 3, 1, 16, 4);
    expect_error("/intc@8000000: interrupts: specifier 1: <1 16>");
    cells("/intc@8000000", "interrupts", 2, 1, 9);
    expect_error("/intc@8000000: interrupts: length 8 is not a multiple of 12");
}

Test(hostdt, timer_needs_four_interrupts)
{
    minimal();
    add("/", "timer");
    str("/timer", "compatible", "arm,armv8-timer");
    cells("/timer", "interrupts", 9, 1, 13, 4, 1, 14, 4, 1, 11, 4);
    expect_error("/timer: interrupts: has 3 specifiers, specifier 4 is required");
}

Test(hostdt, timer_frequency_length)
{
    minimal();
    add("/", "timer");
    str("/timer", "compatible", "arm,armv8-timer");
    cells("/timer", "interrupts", 12, 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4);
    cells("/timer", "clock-frequency", 2, 0, 24000000);
    expect_error("/timer: clock-frequency: length 8, expected 4");
}

Test(hostdt, psci_method)
{
    minimal();
    add("/", "psci");
    str("/psci", "compatible", "arm,psci-1.0");
    str("/psci", "method", "svc");
    expect_error("/psci: method: must be \"smc\" or \"hvc\"");
}

Test(hostdt, ranges_missing_or_not_covering)
{
    minimal();
    add("/", "soc");
    cells("/soc", "#address-cells", 1, 1);
    cells("/soc", "#size-cells", 1, 1);
    add("/soc", "serial@1000");
    str("/soc/serial@1000", "compatible", "arm,pl011");
    cells("/soc/serial@1000", "reg", 2, 0x1000, 0x100);
    expect_error("/soc: ranges: missing");
    cells("/soc", "ranges", 4, 0x10000, 0x0, 0x10000000, 0x1000);
    expect_error("/soc: ranges: no entry covers address 0x1000");
    cells("/soc", "ranges", 3, 0x0, 0x0, 0x10000000);
    expect_error("/soc: ranges: length 12 is not a multiple of 16");
}

Test(hostdt, bootargs_must_be_terminated)
{
    minimal();
    prop("/chosen", "bootargs", "abc", 3);
    expect_error("/chosen: bootargs: not a terminated string");
}

Test(hostdt, error_buffer_is_bounded)
{
    char small[8];

    minimal();
    cells("/memory@40000000", "reg", 3, 0, 0x40000000, 0x40000000);
    memset(small, 'x', sizeof(small));
    cr_assert_eq(hostdt_parse(fdt, &hd, small, sizeof(small)), -EINVAL);
    cr_assert_str_eq(small, "/memory");
    cr_assert_eq(hostdt_parse(fdt, &hd, NULL, 0), -EINVAL);
    minimal();
    small[0] = 'x';
    cr_assert_eq(hostdt_parse(fdt, &hd, small, sizeof(small)), 0);
    cr_assert_eq(small[0], '\0');
}
