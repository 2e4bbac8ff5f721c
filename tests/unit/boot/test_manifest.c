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

static char fdt[16384];
static struct mf_fleet fleet;
static char err[256];

/* Compiles a DTS snippet (the body of the root node) with dtc into fdt. */
static void compile(const char *body)
{
    char src[8192];
    snprintf(src, sizeof(src), "/dts-v1/;\n/ {\n%s\n};\n", body);
    char path[] = "/tmp/tessera-mf-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(src, f);
    fclose(f);
    char run[512];
    snprintf(run, sizeof(run), "dtc -q -I dts -O dtb %s", path);
    FILE *p = popen(run, "r");
    cr_assert_not_null(p);
    size_t n = fread(fdt, 1, sizeof(fdt), p);
    int rc = pclose(p);
    unlink(path);
    cr_assert_eq(rc, 0, "dtc failed on:\n%s", src);
    cr_assert(n > 0 && n < sizeof(fdt));
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
    expect_error(HV_OPEN DOM("hyp", "") "};", MF_BOOT_DTB, "'hyp' cannot name a domain");
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
