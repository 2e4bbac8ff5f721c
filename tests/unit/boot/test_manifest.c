/* Manifest parser and validator: good fleets parse into the expected data; every kind of bad
 * input is refused with a message naming the node and property. */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tessera/errno.h>
#include <tessera/manifest.h>

#include "dts_helper.h"

static char fdt[16384];
static struct mf_fleet fleet;
static char err[256];

/* Compiles a DTS snippet (the body of the root node) with dtc into fdt. */
static void compile(const char *body)
{
    dts_compile(body, fdt, sizeof(fdt));
}

static int parse(const char *body, enum mf_source src)
{
    compile(body);
    int node = fdt_path_offset(fdt, "/hypervisor");
    cr_assert(node >= 0);
    memset(err, 0, sizeof(err));
    return mf_parse(fdt, node, src, &fleet, err, sizeof(err));
}

#define HV_OPEN "hypervisor { compatible = \"tessera,hypervisor\";\n"
#define DOM(name, extra)                                                                           \
    name " { compatible = \"tessera,domain\"; domid = <1>; memory-kib = <2048>; " extra            \
         " kernel { image = \"guests/hello.bin\"; reg = <0 0x50000000 0 0x1000>; }; };\n"

Test(manifest, parses_a_domain)
{
    cr_assert_eq(parse(HV_OPEN "scheduler = \"null\";\n" DOM("hello", "cpus = <2>; cpu-affinity = "
                                                                      "<3 1>;") "};",
                       MF_BOOT_DTB),
                 0, "%s", err);
    cr_assert_eq(fleet.count, 1);
    cr_assert_str_eq(fleet.dom[0].name, "hello");
    cr_assert_eq(fleet.dom[0].domid, 1);
    cr_assert_eq(fleet.dom[0].memory_kib, 2048);
    cr_assert_eq(fleet.dom[0].cpus, 2);
    cr_assert_eq(fleet.dom[0].affinity[0], 3);
    cr_assert_eq(fleet.dom[0].affinity[1], 1);
    cr_assert(fleet.dom[0].kernel.placed);
    cr_assert_eq(fleet.dom[0].kernel.addr, 0x50000000);
    cr_assert_eq(fleet.dom[0].kernel.size, 0x1000);
    cr_assert_str_eq(fleet.dom[0].kernel.image, "guests/hello.bin");
    cr_assert_str_eq(fleet.scheduler, "null");
}

Test(manifest, default_affinity_is_identity)
{
    cr_assert_eq(parse(HV_OPEN DOM("a", "cpus = <3>;") "};", MF_BOOT_DTB), 0, "%s", err);
    for (unsigned i = 0; i < 3; i++) {
        cr_assert_eq(fleet.dom[0].affinity[i], i);
    }
}

static void expect_error(const char *body, enum mf_source src, const char *needle)
{
    cr_assert_eq(parse(body, src), -EINVAL, "accepted: %s", body);
    cr_assert(strstr(err, needle), "error '%s' lacks '%s'", err, needle);
}

Test(manifest, refuses_bad_input_naming_node_and_property)
{
    expect_error(HV_OPEN DOM("a", "colour = <1>;") "};", MF_BOOT_DTB,
                 "/hypervisor/a: colour: unknown property");
    expect_error(HV_OPEN "a { compatible = \"tessera,domain\"; memory-kib = <2048>; kernel { reg "
                         "= <0 1 0 1>; }; }; };",
                 MF_BOOT_DTB, "/hypervisor/a: domid: missing (required)");
    expect_error(HV_OPEN DOM("a", "cpus = <2>; cpu-affinity = <0>;") "};", MF_BOOT_DTB,
                 "/hypervisor/a: cpu-affinity: needs one pCPU id per vCPU (2), has 1");
    expect_error(HV_OPEN DOM("a", "cpus = <9>;") "};", MF_BOOT_DTB, "/hypervisor/a: cpus: 9 vCPUs");
    expect_error(HV_OPEN "a { compatible = \"tessera,domain\"; domid = <1>; memory-kib = <1001>; "
                         "kernel { reg = <0 1 0 1>; }; }; };",
                 MF_BOOT_DTB, "/hypervisor/a: memory-kib: 1001 is not a positive multiple of 4");
    expect_error(HV_OPEN "a { compatible = \"tessera,domain\"; domid = <1>; memory-kib = <8>; }; "
                         "};",
                 MF_BOOT_DTB, "/hypervisor/a: kernel: missing node");
    expect_error(HV_OPEN "a { compatible = \"tessera,domain\"; domid = <1>; memory-kib = <8>; "
                         "kernel { image = \"x\"; }; }; };",
                 MF_BOOT_DTB, "/hypervisor/a/kernel: reg: missing");
    expect_error(HV_OPEN "a { compatible = \"tessera,domain\"; domid = <1>; memory-kib = <8>; "
                         "kernel { bootargs = \"x\"; }; }; };",
                 MF_SCENARIO, "/hypervisor/a/kernel: image: missing");
    expect_error(HV_OPEN "scheduler = \"rr\";" DOM("a", "") "};", MF_BOOT_DTB,
                 "/hypervisor: scheduler: 'rr' is not available");
    expect_error(HV_OPEN DOM("hyp", "") "};", MF_BOOT_DTB,
                 "/hypervisor/hyp: name: 'hyp' cannot name a domain");
    expect_error(HV_OPEN "};", MF_BOOT_DTB, "/hypervisor: no domains");
    expect_error("hypervisor { compatible = \"xen,hypervisor\"; };", MF_BOOT_DTB,
                 "/hypervisor: compatible: must be \"tessera,hypervisor\"");
    expect_error(HV_OPEN DOM("a", "cpus = <1 2>;") "};", MF_BOOT_DTB,
                 "/hypervisor/a: cpus: must be one 32-bit cell, not 8 bytes");
}

Test(manifest, validate_refuses_duplicates_and_bad_affinity)
{
    cr_assert_eq(parse(HV_OPEN DOM("a", "") DOM("b", "cpu-affinity = <1>;") "};", MF_BOOT_DTB), 0,
                 "%s", err);
    cr_assert_eq(mf_validate(fdt, &fleet, 2, err, sizeof(err)), -EINVAL);
    cr_assert(strstr(err, "/hypervisor/b: domid: 1 is already used by a"), "%s", err);

    compile(HV_OPEN DOM("a", "cpu-affinity = <5>;") "};");
    cr_assert_eq(
        mf_parse(fdt, fdt_path_offset(fdt, "/hypervisor"), MF_BOOT_DTB, &fleet, err, sizeof(err)),
        0);
    cr_assert_eq(mf_validate(fdt, &fleet, 4, err, sizeof(err)), -EINVAL);
    cr_assert(strstr(err, "vCPU 0 on pCPU 5, but the machine has pCPUs 0-3"), "%s", err);
    cr_assert_eq(mf_validate(fdt, &fleet, 6, err, sizeof(err)), 0, "%s", err);
}

Test(manifest, validate_refuses_shared_pcpu_under_null)
{
    compile(HV_OPEN DOM("a", "") "b { compatible = \"tessera,domain\"; domid = <2>; memory-kib = "
                                 "<8>; kernel { reg = <0 1 0 1>; }; }; };");
    cr_assert_eq(
        mf_parse(fdt, fdt_path_offset(fdt, "/hypervisor"), MF_BOOT_DTB, &fleet, err, sizeof(err)),
        0, "%s", err);
    cr_assert_eq(mf_validate(fdt, &fleet, 4, err, sizeof(err)), -EINVAL);
    cr_assert(strstr(err, "pCPU 0 is already taken by a"), "%s", err);
}

Test(manifest, policy_properties)
{
    cr_assert_eq(parse(HV_OPEN DOM("a", "permissions = <3>; functions = \"boot\", \"console\"; "
                                        "priority = <7>; on-crash = \"restart\";") "};",
                       MF_BOOT_DTB),
                 0, "%s", err);
    const struct mf_domain *d = &fleet.dom[0];
    cr_assert_eq(d->permissions, MF_PERM_CONTROL | MF_PERM_HARDWARE);
    cr_assert_eq(d->functions, MF_FUNC_BOOT | MF_FUNC_CONSOLE);
    cr_assert_eq(d->priority, 7);
    cr_assert_eq(d->on_crash, MF_CRASH_RESTART);
    cr_assert_str_eq(mf_on_crash_name(d->on_crash), "restart");

    cr_assert_eq(parse(HV_OPEN DOM("a", "") "};", MF_BOOT_DTB), 0, "%s", err);
    cr_assert_eq(fleet.dom[0].priority, MF_PRIORITY_DEFAULT);
    cr_assert_eq(fleet.dom[0].on_crash, MF_CRASH_HALT);

    expect_error(HV_OPEN DOM("a", "on-crash = \"reboot\";") "};", MF_BOOT_DTB,
                 "/hypervisor/a: on-crash: 'reboot' is not a policy");
    expect_error(HV_OPEN DOM("a", "functions = \"dom0\";") "};", MF_BOOT_DTB,
                 "/hypervisor/a: functions: 'dom0' is not a function");
    expect_error(HV_OPEN DOM("a", "permissions = <4>;") "};", MF_BOOT_DTB,
                 "/hypervisor/a: permissions: 0x4 has unknown bits");
    expect_error(HV_OPEN DOM("a", "priority = <256>;") "};", MF_BOOT_DTB,
                 "/hypervisor/a: priority: 256 is out of range");
    expect_error(HV_OPEN DOM("a", "vpl011 = <1>;") "};", MF_BOOT_DTB,
                 "/hypervisor/a: vpl011: takes no value");
}

#define DOM2(name, id, cpu, extra)                                                                 \
    name ": " name " { compatible = \"tessera,domain\"; domid = <" #id ">; memory-kib = <2048>; "  \
         "cpu-affinity = <" #cpu ">; " extra " kernel { reg = <0 0x50000000 0 0x1000>; }; };\n"

Test(manifest, start_after_orders_the_fleet)
{
    cr_assert_eq(parse(HV_OPEN DOM2("c", 3, 2, "start-after = <&b>;") DOM2("a", 1, 0, "")
                           DOM2("b", 2, 1, "start-after = <&a>;") "};",
                       MF_BOOT_DTB),
                 0, "%s", err);
    cr_assert_eq(mf_validate(fdt, &fleet, 4, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(fleet.dom[0].start_after_count, 1);
    cr_assert_eq(fleet.dom[0].start_after[0], 2, "c waits for b (index 2)");
    unsigned order[MF_MAX_DOMAINS];
    mf_start_order(&fleet, order);
    cr_assert_eq(order[0], 1, "a first");
    cr_assert_eq(order[1], 2, "then b");
    cr_assert_eq(order[2], 0, "then c");
}

Test(manifest, start_after_cycles_and_strays_are_refused)
{
    cr_assert_eq(parse(HV_OPEN DOM2("a", 1, 0, "start-after = <&b>;")
                           DOM2("b", 2, 1, "start-after = <&a>;") "};",
                       MF_BOOT_DTB),
                 0, "%s", err);
    cr_assert_eq(mf_validate(fdt, &fleet, 4, err, sizeof(err)), -EINVAL);
    cr_assert(strstr(err, "start-after: domains wait for each other in a cycle"), "%s", err);

    expect_error(HV_OPEN DOM2("a", 1, 0, "start-after = <&a>;") "};", MF_BOOT_DTB,
                 "a domain cannot wait for itself");
    expect_error("other: other { };\n" HV_OPEN DOM2("a", 1, 0, "start-after = <&other>;") "};",
                 MF_BOOT_DTB, "/hypervisor/a: start-after: entry 1 is not a domain of this fleet");
}

Test(manifest, ramdisk_module)
{
    cr_assert_eq(parse(HV_OPEN "a { compatible = \"tessera,domain\"; domid = <1>; memory-kib = "
                               "<8192>; kernel { reg = <0 0x50000000 0 0x1000>; }; ramdisk { reg "
                               "= <0 0x50200000 0 0x3000>; }; }; };",
                       MF_BOOT_DTB),
                 0, "%s", err);
    cr_assert(fleet.dom[0].ramdisk.present);
    cr_assert_eq(fleet.dom[0].ramdisk.addr, 0x50200000);
    cr_assert_eq(fleet.dom[0].ramdisk.size, 0x3000);
    expect_error(HV_OPEN "a { compatible = \"tessera,domain\"; domid = <1>; memory-kib = <8>; "
                         "kernel { reg = <0 1 0 1>; }; bios { reg = <0 1 0 1>; }; }; };",
                 MF_BOOT_DTB,
                 "/hypervisor/a/bios: unknown node (expected: kernel, ramdisk, dtb, device@ADDR)");
}

#define DEVDOM(name, id, cpu, perms, dev)                                                          \
    name " { compatible = \"tessera,domain\"; domid = <" #id ">; memory-kib = <2048>; "            \
         "cpu-affinity = <" #cpu ">; permissions = <" #perms ">; kernel { reg = <0 0x50000000 0 "  \
         "0x1000>; }; " dev " };\n"

Test(manifest, passthrough_devices)
{
    cr_assert_eq(parse(HV_OPEN DEVDOM("a", 1, 0, 2,
                                      "device@a000000 { reg = <0 0xa000000 0 0x1000>; interrupts "
                                      "= <16 17>; };") "};",
                       MF_BOOT_DTB),
                 0, "%s", err);
    cr_assert_eq(fleet.dom[0].device_count, 1);
    cr_assert_eq(fleet.dom[0].devices[0].base, 0xa000000);
    cr_assert_eq(fleet.dom[0].devices[0].size, 0x1000);
    cr_assert_eq(fleet.dom[0].devices[0].spi_count, 2);
    cr_assert_eq(fleet.dom[0].devices[0].spi[1], 17);

    expect_error(
        HV_OPEN DEVDOM("a", 1, 0, 0, "device@a000000 { reg = <0 0xa000000 0 0x1000>; };") "};",
        MF_BOOT_DTB,
        "/hypervisor/a/device@a000000: passing a device through needs "
        "permissions bit 2");
    expect_error(
        HV_OPEN DEVDOM("a", 1, 0, 2, "device@a000000 { reg = <0 0xa000010 0 0x1000>; };") "};",
        MF_BOOT_DTB, "reg: the range must be non-empty and 4 KiB-aligned");
    expect_error(HV_OPEN DEVDOM("a", 1, 0, 2,
                                "device@a000000 { reg = <0 0xa000000 0 0x1000>; interrupts = "
                                "<1000>; };") "};",
                 MF_BOOT_DTB, "interrupts: SPI 1000 is out of range");

    cr_assert_eq(
        parse(HV_OPEN DEVDOM("a", 1, 0, 2, "device@a000000 { reg = <0 0xa000000 0 0x2000>; };")
                  DEVDOM("b", 2, 1, 2, "device@a001000 { reg = <0 0xa001000 0 0x1000>; };") "};",
              MF_BOOT_DTB),
        0, "%s", err);
    cr_assert_eq(mf_validate(fdt, &fleet, 4, err, sizeof(err)), -EINVAL);
    cr_assert(strstr(err, "/hypervisor/b/device@a001000: reg: overlaps a device of a"), "%s", err);
}

Test(manifest, event_channel_links)
{
    cr_assert_eq(parse(HV_OPEN DOM2("a", 1, 0, "event-channels = <0 &b 3>, <1 &b 4>;")
                           DOM2("b", 2, 1, "") "};",
                       MF_BOOT_DTB),
                 0, "%s", err);
    cr_assert_eq(fleet.dom[0].link_count, 2);
    cr_assert_eq(fleet.dom[0].links[1].port, 1);
    cr_assert_eq(fleet.dom[0].links[1].peer, 1);
    cr_assert_eq(fleet.dom[0].links[1].peer_port, 4);
    cr_assert_eq(mf_validate(fdt, &fleet, 4, err, sizeof(err)), 0, "%s", err);

    cr_assert_eq(parse(HV_OPEN DOM2("a", 1, 0, "event-channels = <0 &b 3>;")
                           DOM2("b", 2, 1, "event-channels = <3 &a 1>;") "};",
                       MF_BOOT_DTB),
                 0, "%s", err);
    cr_assert_eq(mf_validate(fdt, &fleet, 4, err, sizeof(err)), -EINVAL);
    cr_assert(strstr(err, "port 3 of b is linked twice"), "%s", err);

    expect_error(HV_OPEN DOM2("a", 1, 0, "event-channels = <0 &a 1>;") "};", MF_BOOT_DTB,
                 "event-channels: link 1 does not name another domain");
    expect_error(HV_OPEN DOM2("a", 1, 0, "event-channels = <40 &b 1>;") DOM2("b", 2, 1, "") "};",
                 MF_BOOT_DTB, "event-channels: link 1: ports are 0 to 31");
    expect_error(HV_OPEN DOM2("a", 1, 0, "event-channels = <1 &b>;") DOM2("b", 2, 1, "") "};",
                 MF_BOOT_DTB, "event-channels: must list 1 to 8 links");
}

Test(manifest, late_settings)
{
    cr_assert_eq(parse(HV_OPEN DOM("a", "late = \"cpu-affinity\";") "};", MF_BOOT_DTB), 0, "%s",
                 err);
    cr_assert_eq(fleet.dom[0].late, MF_LATE_AFFINITY);
    expect_error(HV_OPEN DOM("a", "late = \"memory-kib\";") "};", MF_BOOT_DTB,
                 "/hypervisor/a: late: 'memory-kib' cannot be applied late (cpu-affinity)");
}

/* A domain's name starts each of its console lines ("[S.NNNNNNNNN] NAME: TEXT"), so only 1 to
 * 31 letters, digits, '_' and '-' make one, never "hyp" in any case. dtc lets '.', ',', '+' and
 * friends through; a boot DTB written by another tool can hold anything, a newline included,
 * which would start a line of the name's choosing. */
Test(manifest, domain_names_are_letters_digits_underscore_and_dash)
{
    static const char *const bad[] = {
        "x\n[0.000000001] hyp", "two words", "tab\tname", "HYP", "rt.v2", "a,b", "esc\x1b[2K", ""};
    static const char *const good[] = {"domU1", "rt_2", "a-b", "x",
                                       "a234567890123456789012345678901"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        compile(HV_OPEN DOM("placeholder", "") "};");
        cr_assert_eq(fdt_open_into(fdt, fdt, sizeof(fdt)), 0);
        int node = fdt_path_offset(fdt, "/hypervisor/placeholder");
        cr_assert_geq(node, 0);
        cr_assert_eq(fdt_set_name(fdt, node, bad[i]), 0);
        node = fdt_path_offset(fdt, "/hypervisor");
        memset(err, 0, sizeof(err));
        cr_assert_eq(mf_parse(fdt, node, MF_BOOT_DTB, &fleet, err, sizeof(err)), -EINVAL,
                     "name %zu accepted", i);
        cr_assert(strstr(err, ": name: ") && strstr(err, "cannot name a domain"),
                  "name %zu: error '%s' does not name the property", i, err);
        cr_assert_null(strpbrk(err, "\n\r\t\x1b"), "name %zu: the error carries its bytes: %s", i,
                       err);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        compile(HV_OPEN DOM("placeholder", "") "};");
        cr_assert_eq(fdt_open_into(fdt, fdt, sizeof(fdt)), 0);
        int node = fdt_path_offset(fdt, "/hypervisor/placeholder");
        cr_assert_eq(fdt_set_name(fdt, node, good[i]), 0);
        node = fdt_path_offset(fdt, "/hypervisor");
        cr_assert_eq(mf_parse(fdt, node, MF_BOOT_DTB, &fleet, err, sizeof(err)), 0, "%s: %s",
                     good[i], err);
        cr_assert_str_eq(fleet.dom[0].name, good[i]);
    }
}
