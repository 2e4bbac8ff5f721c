/* Xen dom0less compatibility: xen,domain nodes under /chosen become the same fleet as
 * Tessera's own manifest; what Tessera cannot honour is refused by name. */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include <tessera/errno.h>
#include <tessera/manifest.h>

#include "dts_helper.h"

static char fdt[16384];
static struct mf_fleet fleet;
static char err[256];

static int parse(const char *chosen_body)
{
    char body[4096];
    snprintf(body, sizeof(body), "chosen { #address-cells = <1>; #size-cells = <1>;\n%s\n};",
             chosen_body);
    dts_compile(body, fdt, sizeof(fdt));
    memset(err, 0, sizeof(err));
    return mf_parse_dom0less(fdt, fdt_path_offset(fdt, "/chosen"), MF_BOOT_DTB, &fleet, err,
                             sizeof(err));
}

#define KERNEL(addr, size)                                                                         \
    "module@" #addr                                                                                \
    " { compatible = \"multiboot,kernel\", \"multiboot,module\"; reg = <0x0 " #addr " 0x0 " #size  \
    ">; bootargs = \"console=ttyAMA0\"; };"

Test(dom0less, translates_xen_domains)
{
    cr_assert_eq(
        parse(
            "domU1 { compatible = \"xen,domain\"; #address-cells = <2>; #size-cells "
            "= <2>; memory = <0 0x40000>; cpus = <2>; vpl011; " KERNEL(
                0x50000000,
                0x1000) " module@0x50200000 { compatible = \"multiboot,ramdisk\", "
                        "\"multiboot,module\"; reg = <0x0 0x50200000 0x0 0x8000>; }; };"
                        "domU2 { compatible = \"xen,domain\"; #address-cells = <2>; #size-cells = "
                        "<2>; memory = <0 0x20000>; cpus = <1>; " KERNEL(
                            0x50400000, 0x2000) " };"
                                                "module@0 { compatible = \"multiboot,kernel\"; reg "
                                                "= <0 1>; };"),
        0, "%s", err);
    cr_assert(fleet.dom0less);
    cr_assert_eq(fleet.count, 2);
    const struct mf_domain *a = &fleet.dom[0], *b = &fleet.dom[1];
    cr_assert_str_eq(a->name, "domU1");
    cr_assert_eq(a->domid, 1);
    cr_assert_eq(a->memory_kib, 0x40000);
    cr_assert_eq(a->cpus, 2);
    cr_assert_eq(a->affinity[0], 0);
    cr_assert_eq(a->affinity[1], 1);
    cr_assert(a->vpl011);
    cr_assert_eq(a->kernel.addr, 0x50000000);
    cr_assert_eq(a->kernel.size, 0x1000);
    cr_assert_str_eq(a->kernel.bootargs, "console=ttyAMA0");
    cr_assert(a->ramdisk.present);
    cr_assert_eq(a->ramdisk.size, 0x8000);
    cr_assert_str_eq(b->name, "domU2");
    cr_assert_eq(b->domid, 2);
    cr_assert_eq(b->affinity[0], 2, "pCPUs are given out in node order");
    cr_assert_eq(mf_validate(fdt, &fleet, 4, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(mf_validate(fdt, &fleet, 2, err, sizeof(err)), -EINVAL, "3 vCPUs on 2 pCPUs");
}

Test(dom0less, no_xen_domains_is_enoent)
{
    cr_assert_eq(parse("bootargs = \"x\";"), -ENOENT);
}

#define CELLS "#address-cells = <2>; #size-cells = <2>; "

static void expect_error(const char *chosen_body, const char *needle)
{
    cr_assert_eq(parse(chosen_body), -EINVAL, "accepted: %s", chosen_body);
    cr_assert(strstr(err, needle), "error '%s' lacks '%s'", err, needle);
}

Test(dom0less, refuses_what_it_cannot_honour)
{
    expect_error("d { compatible = \"xen,domain\"; " CELLS
                 "cpus = <1>; " KERNEL(0x50000000, 0x1000) " };",
                 "/chosen/d: memory: required");
    expect_error("d { compatible = \"xen,domain\"; " CELLS
                 "memory = <0 1001>; " KERNEL(0x50000000, 0x1000) " };",
                 "/chosen/d: memory: 1001 KiB is not a positive multiple of 4");
    expect_error("d { compatible = \"xen,domain\"; " CELLS "memory = <0 1024>; };",
                 "/chosen/d: no multiboot,kernel module");
    expect_error("d { compatible = \"xen,domain\"; " CELLS
                 "memory = <0 1024>; direct-map; " KERNEL(0x50000000, 0x1000) " };",
                 "/chosen/d: direct-map: unknown property");
    expect_error("d { compatible = \"xen,domain\"; " CELLS "memory = <0 1024>; " KERNEL(
                     0x50000000,
                     0x1000) " m { compatible = \"multiboot,device-tree\"; reg = <0 1 0 1>; }; };",
                 "only multiboot,kernel and multiboot,ramdisk modules are supported");
    expect_error("d { compatible = \"xen,domain\"; " CELLS
                 "memory = <0 1024>; cpus = <9>; " KERNEL(0x50000000, 0x1000) " };",
                 "/chosen/d: cpus: 9 vCPUs");
}
