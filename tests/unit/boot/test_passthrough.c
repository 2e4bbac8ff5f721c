/* Passthrough ranges against the host device tree (boot/mf_passthrough.c): on QEMU's virt
 * machine trees (dumped at build time) a range is refused when any byte of it is RAM, another
 * domain's device, or something the hypervisor keeps: every reg entry of the GIC and its
 * children (the ITS, further redistributor regions, GICv2m frames), an IOMMU, its UART,
 * reserved memory. Whole intervals count, not just a range's first and last byte. */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <tessera/errno.h>
#include <tessera/hostdt.h>
#include <tessera/manifest.h>
#include <tessera/passthrough.h>

#include "dts_helper.h"

static char host[2 << 20] __attribute__((aligned(8)));
static char scn[16384] __attribute__((aligned(8)));
static struct hostdt hd;
static struct mf_fleet fleet;
static char err[512];

/* QEMU's virt tree NAME, opened with room to add nodes and properties. */
static void load_qemu(const char *name)
{
    static char raw[2 << 20];
    char path[512];

    snprintf(path, sizeof(path), "%s/%s.dtb", HOSTDT_DTB_DIR, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s: not found (the build dumps it with QEMU)", path);
    size_t n = fread(raw, 1, sizeof(raw), f);
    fclose(f);
    cr_assert_gt(n, 0);
    cr_assert_eq(fdt_open_into(raw, host, sizeof(host)), 0);
}

static int host_node(const char *path)
{
    int off = fdt_path_offset(host, path);
    cr_assert_geq(off, 0, "%s: %s", path, fdt_strerror(off));
    return off;
}

/* Sets a property of n cells of the host tree. */
static void host_cells(const char *path, const char *name, int n, ...)
{
    fdt32_t v[16];
    va_list ap;

    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        v[i] = cpu_to_fdt32(va_arg(ap, unsigned));
    }
    va_end(ap);
    cr_assert_eq(fdt_setprop(host, host_node(path), name, v, n * 4), 0);
}

#define HV_OPEN "hypervisor { compatible = \"tessera,hypervisor\";\n"
#define DOM(name, id, devices)                                                                     \
    name " { compatible = \"tessera,domain\"; #address-cells = <2>; #size-cells = <2>; domid = "   \
         "<" #id ">; memory-kib = <2048>; cpu-affinity = <" #id ">; permissions = <2>;\n"          \
         "kernel { image = \"guests/hello.bin\"; reg = <0 0x50000000 0 0x1000>; };\n" devices      \
         "};\n"
#define DEV(addr, size) "device@" #addr " { reg = <0 0x" #addr " 0 " #size ">; };\n"

/* The whole check the hypervisor makes at boot: parse, validate, then passthrough ranges. */
static int check(const char *domains)
{
    char body[4096];
    char herr[160];

    cr_assert_eq(hostdt_parse(host, &hd, herr, sizeof(herr)), 0, "%s", herr);
    snprintf(body, sizeof(body), HV_OPEN "%s};", domains);
    dts_compile(body, scn, sizeof(scn));
    memset(err, 0, sizeof(err));
    int rc =
        mf_parse(scn, fdt_path_offset(scn, "/hypervisor"), MF_BOOT_DTB, &fleet, err, sizeof(err));
    cr_assert_eq(rc, 0, "%s", err);
    rc = mf_validate(scn, &fleet, 4, err, sizeof(err));
    if (rc) {
        return rc;
    }
    const struct mf_device *bad = NULL;
    unsigned bad_dom = 99;
    rc = mf_check_passthrough(scn, &hd, &fleet, err, sizeof(err), &bad, &bad_dom);
    if (rc) {
        cr_assert_lt(bad_dom, fleet.count);
        cr_assert(bad >= fleet.dom[bad_dom].devices &&
                      bad < fleet.dom[bad_dom].devices + fleet.dom[bad_dom].device_count,
                  "the refused range is a device of the domain named");
    }
    return rc;
}

/* Expects a refusal whose message has every one of the NULL-terminated strings. */
static void refused(const char *domains, ...)
{
    va_list ap;
    const char *want;

    cr_assert_eq(check(domains), -EINVAL, "accepted:\n%s", domains);
    va_start(ap, domains);
    while ((want = va_arg(ap, const char *))) {
        cr_assert_not_null(strstr(err, want), "\"%s\" is not in \"%s\"", want, err);
    }
    va_end(ap);
}

Test(passthrough, devices_clear_of_everything_pass)
{
    load_qemu("virt-gic3");
    cr_assert_eq(check(DOM("a", 1, DEV(a000000, 0x1000)) DOM("b", 2, DEV(9010000, 0x1000))), 0,
                 "%s", err);
}

Test(passthrough, range_straddling_the_its)
{
    load_qemu("virt-gic3");
    refused(DOM("owner", 1, DEV(8070000, 0x20000)),
            "/hypervisor/owner/device@8070000: reg: ", "ITS", "its@8080000", "0x8080000+0x20000",
            NULL);
}

Test(passthrough, range_inside_the_its)
{
    load_qemu("virt-gic3");
    refused(DOM("owner", 1, DEV(8090000, 0x1000)), "device@8090000", "its@8080000", NULL);
}

Test(passthrough, range_holding_a_whole_redistributor_region_with_clear_ends)
{
    load_qemu("virt-gic3");
    /* Two redistributor regions, the second where nothing else is: a range around it has a
     * first and a last byte that belong to nothing. */
    host_cells("/intc@8000000", "reg", 12, 0, 0x08000000, 0, 0x10000, 0, 0x080a0000, 0, 0x20000, 0,
               0x0c010000, 0, 0x20000);
    host_cells("/intc@8000000", "#redistributor-regions", 1, 2);
    refused(DOM("owner", 1, DEV(c000000, 0x40000)), "device@c000000", "intc@8000000",
            "0xc010000+0x20000", NULL);
}

Test(passthrough, range_overlapping_another_domains_device)
{
    load_qemu("virt-gic3");
    refused(DOM("first", 1, DEV(a000000, 0x2000)) DOM("second", 2, DEV(a001000, 0x1000)),
            "/hypervisor/second/device@a001000: reg: ", "overlaps a device of first", NULL);
}

Test(passthrough, range_holding_all_ram_with_clear_ends)
{
    load_qemu("virt-gic3");
    refused(DOM("owner", 1, DEV(3ffff000, 0x40002000)), "device@3ffff000",
            "overlaps RAM at 0x40000000+0x40000000", NULL);
}

Test(passthrough, range_ending_in_ram)
{
    load_qemu("virt-2g");
    refused(DOM("owner", 1, DEV(3ffff000, 0x2000)), "device@3ffff000", "RAM", NULL);
}

Test(passthrough, range_over_the_hypervisor_uart)
{
    load_qemu("virt-gic3");
    refused(DOM("owner", 1, DEV(9000000, 0x2000)), "device@9000000", "UART", "pl011@9000000", NULL);
}

Test(passthrough, gicv2_cpu_interface_and_v2m_frame)
{
    load_qemu("virt-gic2");
    refused(DOM("owner", 1, DEV(8040000, 0x1000)), "device@8040000", "intc@8000000", NULL);
    refused(DOM("owner", 1, DEV(8020000, 0x1000)), "device@8020000", "v2m@8020000", NULL);
}

Test(passthrough, iommu_is_the_hypervisors)
{
    load_qemu("virt-gic3");
    int smmu = fdt_add_subnode(host, 0, "smmuv3@9050000");
    cr_assert_geq(smmu, 0);
    host_cells("/smmuv3@9050000", "reg", 4, 0, 0x09050000, 0, 0x20000);
    host_cells("/smmuv3@9050000", "#iommu-cells", 1, 1);
    refused(DOM("owner", 1, DEV(9060000, 0x1000)), "device@9060000", "IOMMU", "smmuv3@9050000",
            NULL);
}

Test(passthrough, reserved_memory_outside_ram)
{
    load_qemu("virt-gic3");
    cr_assert_eq(fdt_add_mem_rsv(host, 0x0e000000, 0x100000), 0);
    refused(DOM("owner", 1, DEV(e0ff000, 0x2000)), "device@e0ff000", "reserved", NULL);
}

Test(passthrough, no_gic_in_the_host_tree_refuses_every_range)
{
    load_qemu("virt-gic3");
    cr_assert_eq(fdt_setprop_string(host, host_node("/intc@8000000"), "compatible", "acme,pic"), 0);
    refused(DOM("owner", 1, DEV(a000000, 0x1000)), "device@a000000", "GIC", NULL);
    cr_assert_eq(check(DOM("owner", 1, "")), 0, "no passthrough, nothing to refuse: %s", err);
}

Test(passthrough, host_tree_lists_what_the_hypervisor_keeps)
{
    static const struct {
        uint64_t base, size;
        enum hostdt_hyp_kind kind;
        const char *node;
    } want[] = {
        {0x08000000, 0x10000, HOSTDT_HYP_GIC, "intc@8000000"},
        {0x080a0000, 0xf60000, HOSTDT_HYP_GIC, "intc@8000000"},
        {0x08080000, 0x20000, HOSTDT_HYP_GIC_ITS, "its@8080000"},
        {0x09000000, 0x1000, HOSTDT_HYP_UART, "pl011@9000000"},
    };
    char herr[160];

    load_qemu("virt-gic3");
    cr_assert_eq(hostdt_parse(host, &hd, herr, sizeof(herr)), 0, "%s", herr);
    cr_assert_eq(hd.hyp_count, 4);
    for (unsigned i = 0; i < 4; i++) {
        cr_assert_eq(hd.hyp[i].base, want[i].base, "region %u", i);
        cr_assert_eq(hd.hyp[i].size, want[i].size, "region %u", i);
        cr_assert_eq(hd.hyp[i].kind, want[i].kind, "region %u", i);
        cr_assert_str_eq(hd.hyp[i].node, want[i].node);
    }
}
