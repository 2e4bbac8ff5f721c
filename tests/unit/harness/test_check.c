/* `tessera check` on valid and malformed scenarios (tests/unit/harness/data/bad/): every bad
 * manifest exits 2 with the manifest library's "NODE: PROPERTY: MESSAGE"; valid ones print the
 * resolved fleet, pCPU map, module placement and start order. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tessera/harness/check.h>
#include <tessera/harness/fileio.h>
#include <tessera/harness/run.h>

#include "helpers.h"

static char *images;

/* Guest images of the test scenarios: small ones, an empty one, and a sparse 257 MiB one. */
static void setup(void)
{
    static char block[4096];
    char *big;
    FILE *f;

    images = th_tmpdir();
    memset(block, 0x5a, sizeof(block));
    free(th_write(images, "guests/a.bin", block, sizeof(block)));
    free(th_write(images, "guests/rd.bin", block, 1000));
    free(th_write(images, "guests/ctl.bin", block, 3000));
    free(th_write(images, "guests/rt.bin", block, 100));
    free(th_write(images, "guests/ctl.cpio", block, 4096));
    free(th_write(images, "guests/empty.bin", "", 0));
    th_write_hyp_image(images);
    big = th_write(images, "guests/big.bin", "", 0);
    f = fopen(big, "r+");
    cr_assert_not_null(f);
    cr_assert_eq(ftruncate(fileno(f), 257ll << 20), 0);
    fclose(f);
    free(big);
}

static void teardown(void)
{
    th_rmtree(images);
    free(images);
}

TestSuite(check, .init = setup, .fini = teardown);

struct result {
    int status;
    char *out;
    char *err;
};

/* Runs `tessera check DATA/name --images IMAGES [--smp smp]`. */
static struct result check(const char *name, unsigned smp)
{
    char *path = fileio_join(HARNESS_TEST_SRC, name);
    struct check_opts o = {.scenario = path, .images = images, .smp = smp};
    struct result r;
    size_t olen, elen;
    FILE *out = open_memstream(&r.out, &olen), *err = open_memstream(&r.err, &elen);

    cr_assert(out && err);
    r.status = check_command(&o, out, err);
    fclose(out);
    fclose(err);
    free(path);
    return r;
}

static void result_free(struct result *r)
{
    free(r->out);
    free(r->err);
}

/* A malformed scenario: exit 2, nothing on stdout, and message on stderr after the file name. */
static void expect_bad(const char *name, const char *message)
{
    char *file;
    struct result r;

    cr_assert_geq(asprintf(&file, "bad/%s.dts", name), 0);
    r = check(file, 0);
    cr_assert_eq(r.status, RUN_EXIT_USAGE, "%s: exit %d, stdout:\n%s", name, r.status, r.out);
    cr_assert_not_null(strstr(r.err, message), "%s: expected '%s' in:\n%s", name, message, r.err);
    cr_assert_not_null(strstr(r.err, file), "%s: the message names the scenario: %s", name, r.err);
    cr_assert_str_eq(r.out, "", "%s printed a fleet", name);
    result_free(&r);
    free(file);
}

Test(check, refuses_an_unknown_property)
{
    expect_bad("unknown_property", "/hypervisor/a: colour: unknown property");
}

Test(check, refuses_a_missing_domid)
{
    expect_bad("missing_domid", "/hypervisor/a: domid: missing (required)");
}

Test(check, refuses_a_duplicate_domid)
{
    expect_bad("duplicate_domid", "/hypervisor/b: domid: 1 is already used by a");
}

Test(check, refuses_memory_not_a_multiple_of_4)
{
    expect_bad("memory_not_multiple_of_4",
               "/hypervisor/a: memory-kib: 1001 is not a positive multiple of 4");
}

Test(check, refuses_cpus_out_of_range)
{
    expect_bad("cpus_out_of_range", "/hypervisor/a: cpus: 9 vCPUs: must be 1 to 8");
}

Test(check, refuses_an_affinity_count_mismatch)
{
    expect_bad("affinity_count_mismatch",
               "/hypervisor/a: cpu-affinity: needs one pCPU id per vCPU (2), has 1");
}

Test(check, refuses_affinity_beyond_the_machine)
{
    expect_bad("affinity_beyond_pcpus",
               "/hypervisor/a: cpu-affinity: vCPU 0 on pCPU 4, but the machine has pCPUs 0-1");
}

Test(check, refuses_two_vcpus_on_one_pcpu)
{
    expect_bad("shared_pcpu", "/hypervisor/b: cpu-affinity: pCPU 0 is already taken by a (the "
                              "null scheduler runs one vCPU per pCPU)");
}

Test(check, refuses_a_start_after_cycle)
{
    expect_bad("start_after_cycle",
               "/hypervisor/a: start-after: domains wait for each other in a cycle through a");
}

Test(check, refuses_start_after_a_non_domain)
{
    expect_bad("start_after_not_a_domain",
               "/hypervisor/a: start-after: entry 1 is not a domain of this fleet");
}

Test(check, refuses_a_bad_on_crash)
{
    expect_bad("bad_on_crash",
               "/hypervisor/a: on-crash: 'reboot' is not a policy (halt, restart, destroy)");
}

Test(check, refuses_bad_functions)
{
    expect_bad("bad_functions",
               "/hypervisor/a: functions: 'network' is not a function (boot, console)");
}

Test(check, refuses_bad_permission_bits)
{
    expect_bad("bad_permissions",
               "/hypervisor/a: permissions: 0x5 has unknown bits (1 control, 2 hardware)");
}

Test(check, refuses_priority_above_255)
{
    expect_bad("priority_too_high", "/hypervisor/a: priority: 256 is out of range 0-255");
}

Test(check, refuses_a_missing_kernel_node)
{
    expect_bad("missing_kernel", "/hypervisor/a: kernel: missing node (required)");
}

Test(check, refuses_a_kernel_without_image)
{
    expect_bad("missing_image", "/hypervisor/a/kernel: image: missing (required)");
}

Test(check, refuses_a_missing_image_file)
{
    expect_bad("missing_image_file", "/hypervisor/a/kernel: image: 'guests/nope.bin' not found");
}

Test(check, refuses_an_empty_image_file)
{
    expect_bad("empty_image_file", "/hypervisor/a/kernel: image 'guests/empty.bin'");
    expect_bad("empty_image_file", "is empty");
}

Test(check, refuses_an_image_too_big_for_ram)
{
    expect_bad("image_too_big", "/hypervisor/a/kernel: image 'guests/big.bin'");
    expect_bad("image_too_big", "does not fit");
}

Test(check, refuses_an_unknown_scheduler)
{
    expect_bad("unknown_scheduler",
               "/hypervisor: scheduler: 'rr' is not available (available: null)");
}

Test(check, refuses_the_reserved_name_hyp)
{
    expect_bad("reserved_name", "/hypervisor/hyp: name: 'hyp' cannot name a domain");
}

/* Only letters, digits, _ and -: a name is the first word of each of its console lines. */
Test(check, refuses_a_name_outside_the_safe_characters)
{
    expect_bad("bad_name", "/hypervisor/cluster.v2: name: 'cluster.v2' cannot name a domain");
}

Test(check, refuses_a_scenario_without_manifest)
{
    expect_bad("no_manifest", "no /hypervisor node and no Xen dom0less domains");
}

Test(check, refuses_a_dom0less_domain_without_kernel)
{
    expect_bad("dom0less_no_kernel", "/chosen/domU1: no multiboot,kernel module");
}

Test(check, refuses_dom0less_bad_memory)
{
    expect_bad("dom0less_bad_memory",
               "/chosen/domU1: memory: 1001 KiB is not a positive multiple of 4 up to 64 GiB");
}

Test(check, refuses_a_dom0less_module_without_image)
{
    expect_bad("dom0less_no_image", "/chosen/domU1/kernel: image: missing");
}

Test(check, refuses_a_dom0less_module_with_only_reg)
{
    expect_bad("dom0less_reg_without_image",
               "/chosen/domU1/kernel: image: missing: the harness loads every module from an "
               "image file");
}

Test(check, refuses_dom0less_vcpus_beyond_the_machine)
{
    expect_bad("dom0less_too_many_cpus",
               "/chosen/domU2: cpu-affinity: vCPU 0 on pCPU 2, but the machine has pCPUs 0-1");
}

Test(check, refuses_a_missing_scenario_file)
{
    struct result r = check("bad/no_such_file.dts", 0);

    cr_assert_eq(r.status, RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(r.err, "no_such_file.dts: no such file"), "%s", r.err);
    result_free(&r);
}

static void expect_out(const struct result *r, const char *text)
{
    cr_assert_not_null(strstr(r->out, text), "expected '%s' in:\n%s", text, r->out);
}

Test(check, prints_the_resolved_fleet)
{
    struct result r = check("check_ok.dts", 0);

    cr_assert_eq(r.status, RUN_EXIT_PASS, "%s", r.err);
    cr_assert_str_eq(r.err, "");
    expect_out(&r, "manifest: Tessera (/hypervisor), 4 domains, scheduler null");
    expect_out(&r, "machine: qemu-virt, 5 pCPUs, 1024 MiB");
    expect_out(&r, "  domain 1: ctl\n    memory       8192 KiB (8.0 MiB)\n"
                   "    vcpus        2: vCPU0->pCPU2 vCPU1->pCPU0\n"
                   "    permissions  hardware\n    functions    console\n"
                   "    built in     every launch mode\n"
                   "    priority     200\n    on-crash     halt\n");
    expect_out(&r, "  domain 2: rt\n    memory       4096 KiB (4.0 MiB)\n"
                   "    vcpus        1: vCPU0->pCPU3\n    permissions  none\n"
                   "    functions    none\n    built in     every launch mode\n");
    expect_out(&r, "    on-crash     restart\n");
    expect_out(&r, "  domain 7: late\n");
    expect_out(&r, "    start-after  rt, ctl\n");
    expect_out(&r, "    bootargs     \"role=ctl\"\n");
    expect_out(&r, "guests/rd.bin (");
    expect_out(&r, "/guests/rd.bin), 1000 bytes, loaded at 0x50200000\n");
    expect_out(&r, "  domain 0: tools\n");
    expect_out(&r, "    permissions  control\n    functions    none\n"
                   "    built in     dom0 mode only (control domain)\n");
    result_free(&r);
}

Test(check, prints_the_pcpu_map)
{
    struct result r = check("check_ok.dts", 6);

    cr_assert_eq(r.status, RUN_EXIT_PASS, "%s", r.err);
    expect_out(&r, "pCPU map (6 pCPUs, scheduler null):\n"
                   "  pCPU 0   ctl vCPU1\n  pCPU 1   late vCPU0\n  pCPU 2   ctl vCPU0\n"
                   "  pCPU 3   rt vCPU0\n  pCPU 4   tools vCPU0\n  pCPU 5   (idle)\n");
    result_free(&r);
}

Test(check, prints_module_placement_from_the_boot_dtb_builder)
{
    struct result r = check("check_ok.dts", 0);

    cr_assert_eq(r.status, RUN_EXIT_PASS, "%s", r.err);
    expect_out(&r, "  0x50000000-0x50000fff        4096 bytes  /chosen/hypervisor/ctl/kernel "
                   "(guests/a.bin)\n"
                   "  0x50200000-0x502003e7        1000 bytes  /chosen/hypervisor/ctl/ramdisk "
                   "(guests/rd.bin)\n"
                   "  0x50400000-0x50400fff        4096 bytes  /chosen/hypervisor/rt/kernel "
                   "(guests/a.bin)\n");
    result_free(&r);
}

Test(check, prints_the_start_order)
{
    struct result r = check("check_ok.dts", 0);

    cr_assert_eq(r.status, RUN_EXIT_PASS, "%s", r.err);
    expect_out(&r, "start order:\n  1. ctl\n  2. rt (after ctl)\n  3. late (after rt, ctl)\n"
                   "  4. tools [dom0 mode only (control domain)]\n");
    result_free(&r);
}

Test(check, smp_overrides_the_experiment)
{
    struct result r = check("check_ok.dts", 3);

    cr_assert_eq(r.status, RUN_EXIT_USAGE);
    cr_assert_not_null(strstr(r.err, "/hypervisor/rt: cpu-affinity: vCPU 0 on pCPU 3, but the "
                                     "machine has pCPUs 0-2"),
                       "%s", r.err);
    result_free(&r);
}

Test(check, accepts_a_xen_dom0less_scenario)
{
    struct result r = check("dom0less.dts", 0);

    cr_assert_eq(r.status, RUN_EXIT_PASS, "%s", r.err);
    expect_out(&r, "manifest: Xen dom0less (xen,domain nodes under /chosen, translated), 2 "
                   "domains");
    expect_out(&r, "  domain 1: domU1\n    memory       4096 KiB");
    expect_out(&r, "    vpl011       yes\n");
    expect_out(&r, "  domain 2: domU2\n");
    expect_out(&r, "    vcpus        2: vCPU0->pCPU1 vCPU1->pCPU2\n");
    expect_out(&r, "bytes  /chosen/domU2/ramdisk (guests/ctl.cpio)\n");
    expect_out(&r, "start order:\n  1. domU1\n  2. domU2\n");
    result_free(&r);
}

/* Resources, checked by the hypervisor's own domain builder on a copy of the machine's RAM
 * map: what check accepts, the hypervisor builds (see check_build.c). */
Test(check, refuses_a_domain_larger_than_any_free_run_of_ram)
{
    expect_bad("domain_memory_exceeds_ram",
               "hyperlaunch mode: domain 'a' (memory-kib = 307200) cannot be built: out of memory");
    expect_bad("domain_memory_exceeds_ram", "the largest run 262140 KiB (machine 512 MiB");
}

Test(check, refuses_a_fleet_whose_domains_do_not_fit_together)
{
    expect_bad("total_memory_exceeds_ram",
               "hyperlaunch mode: domain 'd' (memory-kib = 204800) cannot be built: out of memory");
}

Test(check, refuses_trace_buffers_larger_than_the_free_ram)
{
    expect_bad("trace_kib_too_big",
               "/hypervisor: trace-kib: 65536 KiB per pCPU for 8 pCPUs (512 MiB) does not fit");
}

Test(check, refuses_a_domain_without_room_for_its_device_tree)
{
    expect_bad("no_room_for_the_device_tree",
               "hyperlaunch mode: a: memory-kib leaves no room for the device tree above the "
               "kernel");
}

Test(check, refuses_a_ramdisk_that_does_not_fit_the_domain)
{
    expect_bad("ramdisk_does_not_fit",
               "hyperlaunch mode: a: the ramdisk does not fit between the kernel and the device "
               "tree");
}
