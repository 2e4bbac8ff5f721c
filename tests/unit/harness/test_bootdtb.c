/* The boot DTB builder against QEMU's own virt DTB (dumped at build time) and scenarios compiled
 * by dtc: the copy of /hypervisor, module placement, seeds, bootargs and every refusal. */
#include <criterion/criterion.h>
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/bootdtb.h>
#include <tessera/harness/images.h>
#include <tessera/manifest.h>

#include "helpers.h"

#define MIB (1ull << 20)

/* A resolver over a table of image names and sizes: no files involved. */
struct fake_image {
    const char *image;
    uint64_t size;
};

static const struct fake_image fleet_images[] = {
    {"guests/ctl.bin", 3 * MIB + 5}, {"guests/ctl.cpio", 7 * MIB}, {"guests/ctl.dtb", 4096},
    {"guests/rt.bin", 100},          {"guests/d.bin", 4096},       {NULL, 0},
};

static int fake_resolve(void *ctx, const char *image, char **path, uint64_t *size, struct herr *e)
{
    const struct fake_image *t = ctx;

    for (; t->image; t++) {
        if (strcmp(t->image, image) == 0) {
            *size = t->size;
            return asprintf(path, "/fake/%s", image) < 0 ? -ENOMEM : 0;
        }
    }
    return herr_set(e, -ENOENT, "'%s' not in the fake table", image);
}

static void *machine;
static size_t machine_len;

static void load_machine(void)
{
    machine = th_data("machine.dtb", &machine_len);
}

static void free_machine(void)
{
    free(machine);
}

TestSuite(bootdtb, .init = load_machine, .fini = free_machine);

static int build(const char *scenario_name, const struct fake_image *images, struct bootdtb *out,
                 struct herr *e)
{
    size_t len;
    void *scn = th_data(scenario_name, &len);
    struct bootdtb_params p = {
        .machine = machine,
        .machine_len = machine_len,
        .scenario = scn,
        .scenario_len = len,
        .bootargs = "mode=hyperlaunch",
        .resolve = fake_resolve,
        .resolve_ctx = (void *)images,
    };
    int rc = bootdtb_build(&p, out, e);
    free(scn);
    return rc;
}

static void build_fleet(struct bootdtb *b)
{
    struct herr e;
    cr_assert_eq(build("fleet.dtb", fleet_images, b, &e), 0, "%s", e.msg);
    cr_assert_eq(fdt_check_header(b->fdt), 0);
    cr_assert_eq(fdt_totalsize(b->fdt), b->size);
}

/* Properties of a and b in order; b may have a `reg` that a lacks when a has an `image`. */
static void same_props(const void *fa, int a, const void *fb, int b)
{
    int pa = fdt_first_property_offset(fa, a), pb = fdt_first_property_offset(fb, b);
    bool has_image = fdt_getprop(fa, a, "image", NULL) != NULL;

    for (; pb >= 0; pb = fdt_next_property_offset(fb, pb)) {
        const char *na, *nb;
        int la, lb;
        const void *vb = fdt_getprop_by_offset(fb, pb, &nb, &lb);
        if (has_image && strcmp(nb, "reg") == 0) {
            continue;
        }
        cr_assert_geq(pa, 0, "extra property %s", nb);
        const void *va = fdt_getprop_by_offset(fa, pa, &na, &la);
        cr_assert_str_eq(na, nb);
        cr_assert_eq(la, lb, "length of %s", na);
        cr_assert_eq(memcmp(va, vb, (size_t)la), 0, "value of %s", na);
        pa = fdt_next_property_offset(fa, pa);
    }
    cr_assert_lt(pa, 0, "a property was not copied");
}

/* Recursively: same properties, same subnodes in the same order. */
static void same_tree(const void *fa, int a, const void *fb, int b)
{
    int ca = fdt_first_subnode(fa, a), cb = fdt_first_subnode(fb, b);

    same_props(fa, a, fb, b);
    for (; ca >= 0 && cb >= 0; ca = fdt_next_subnode(fa, ca), cb = fdt_next_subnode(fb, cb)) {
        cr_assert_str_eq(fdt_get_name(fa, ca, NULL), fdt_get_name(fb, cb, NULL));
        same_tree(fa, ca, fb, cb);
    }
    cr_assert_lt(ca, 0, "a subnode was not copied");
    cr_assert_lt(cb, 0, "an extra subnode appeared");
}

Test(bootdtb, copies_hypervisor_node_intact_and_in_order)
{
    struct bootdtb b;
    size_t len;
    void *scn = th_data("fleet.dtb", &len);

    build_fleet(&b);
    int src = fdt_path_offset(scn, "/hypervisor");
    int dst = fdt_path_offset(b.fdt, "/chosen/hypervisor");
    cr_assert_geq(src, 0);
    cr_assert_geq(dst, 0);
    same_tree(scn, src, b.fdt, dst);
    cr_assert_lt(fdt_path_offset(b.fdt, "/experiment"), 0, "/experiment must not be copied");
    free(scn);
    bootdtb_free(&b);
}

static uint64_t reg_cell(const fdt32_t *reg, int i)
{
    return ((uint64_t)fdt32_to_cpu(reg[i]) << 32) | fdt32_to_cpu(reg[i + 1]);
}

Test(bootdtb, adds_aligned_reg_to_every_image_node)
{
    static const char *const nodes[] = {
        "/chosen/hypervisor/ctl/kernel", "/chosen/hypervisor/ctl/ramdisk",
        "/chosen/hypervisor/ctl/dtb", "/chosen/hypervisor/rt/kernel"};
    struct bootdtb b;
    uint64_t end = 0;

    build_fleet(&b);
    cr_assert_eq(b.ram_base, 0x40000000);
    cr_assert_eq(b.ram_size, 1024 * MIB);
    cr_assert_eq(b.nmods, 4);
    for (size_t i = 0; i < b.nmods; i++) {
        int len, node = fdt_path_offset(b.fdt, nodes[i]);
        const fdt32_t *reg = fdt_getprop(b.fdt, node, "reg", &len);
        cr_assert_str_eq(b.mods[i].node, nodes[i]);
        cr_assert_not_null(reg, "%s has no reg", nodes[i]);
        cr_assert_eq(len, 16, "reg is always 2 + 2 cells");
        cr_assert_eq(reg_cell(reg, 0), b.mods[i].addr);
        cr_assert_eq(reg_cell(reg, 2), b.mods[i].size);
        cr_assert_eq(b.mods[i].addr % (2 * MIB), 0, "%s not 2 MiB aligned", nodes[i]);
        cr_assert_geq(b.mods[i].addr, end, "modules overlap or are out of order");
        end = b.mods[i].addr + b.mods[i].size;
    }
    cr_assert_eq(b.mods[0].addr, 0x50000000, "modules start at RAM base + 256 MiB");
    cr_assert_eq(b.mods[0].size, 3 * MIB + 5);
    cr_assert_eq(b.mods[1].addr, 0x50400000, "a 3 MiB + 5 image takes two 2 MiB blocks");
    cr_assert_str_eq(b.mods[1].path, "/fake/guests/ctl.cpio");
    cr_assert_str_eq(b.mods[1].image, "guests/ctl.cpio");
    bootdtb_free(&b);
}

Test(bootdtb, removes_random_seeds_and_sets_bootargs)
{
    struct bootdtb b;
    int chosen = fdt_path_offset(machine, "/chosen");

    cr_assert_not_null(fdt_getprop(machine, chosen, "rng-seed", NULL),
                       "QEMU's DTB should have rng-seed (what this test removes)");
    build_fleet(&b);
    chosen = fdt_path_offset(b.fdt, "/chosen");
    cr_assert_null(fdt_getprop(b.fdt, chosen, "rng-seed", NULL));
    cr_assert_null(fdt_getprop(b.fdt, chosen, "kaslr-seed", NULL));
    cr_assert_str_eq(fdt_getprop(b.fdt, chosen, "bootargs", NULL), "mode=hyperlaunch");
    cr_assert_str_eq(fdt_getprop(b.fdt, chosen, "stdout-path", NULL), "/pl011@9000000");
    bootdtb_free(&b);
}

Test(bootdtb, keeps_the_machine_description)
{
    static const char *const paths[] = {"/memory@40000000", "/pl011@9000000", "/psci",
                                        "/cpus/cpu@0",      "/intc@8000000",  "/timer"};
    struct bootdtb b;

    build_fleet(&b);
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        int a = fdt_path_offset(machine, paths[i]);
        cr_assert_geq(a, 0, "QEMU's DTB lacks %s", paths[i]);
        same_tree(machine, a, b.fdt, fdt_path_offset(b.fdt, paths[i]));
    }
    bootdtb_free(&b);
}

Test(bootdtb, is_deterministic)
{
    struct bootdtb a, b;

    build_fleet(&a);
    build_fleet(&b);
    cr_assert_eq(a.size, b.size);
    cr_assert_eq(memcmp(a.fdt, b.fdt, a.size), 0);
    bootdtb_free(&a);
    bootdtb_free(&b);
}

Test(bootdtb, image_filling_ram_exactly_fits)
{
    /* 1 GiB at 0x40000000: modules from 0x50000000 to the end of RAM at 0x80000000. */
    const struct fake_image images[] = {{"guests/hello.bin", 768 * MIB}, {NULL, 0}};
    struct bootdtb b;
    struct herr e;

    cr_assert_eq(build("minimal.dtb", images, &b, &e), 0, "%s", e.msg);
    cr_assert_eq(b.mods[0].addr + b.mods[0].size, 0x80000000);
    bootdtb_free(&b);
}

Test(bootdtb, rejects_image_too_big_for_ram)
{
    const struct fake_image images[] = {{"guests/hello.bin", 768 * MIB + 1}, {NULL, 0}};
    struct bootdtb b;
    struct herr e;

    cr_assert_eq(build("minimal.dtb", images, &b, &e), -E2BIG);
    cr_assert_not_null(strstr(e.msg, "/hypervisor/hello/kernel"), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, "guests/hello.bin"), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, "805306369 bytes"), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, "does not fit"), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, "0x80000000"), "%s", e.msg);
    cr_assert_null(b.fdt);
    cr_assert_eq(b.nmods, 0);
}

Test(bootdtb, rejects_second_image_that_no_longer_fits)
{
    const struct fake_image images[] = {{"guests/ctl.bin", 700 * MIB},
                                        {"guests/ctl.cpio", 70 * MIB},
                                        {"guests/ctl.dtb", 1},
                                        {"guests/rt.bin", 1},
                                        {NULL, 0}};
    struct bootdtb b;
    struct herr e;

    cr_assert_eq(build("fleet.dtb", images, &b, &e), -E2BIG);
    cr_assert_not_null(strstr(e.msg, "guests/ctl.cpio"), "%s", e.msg);
}

Test(bootdtb, rejects_empty_image)
{
    const struct fake_image images[] = {{"guests/hello.bin", 0}, {NULL, 0}};
    struct bootdtb b;
    struct herr e;

    cr_assert_eq(build("minimal.dtb", images, &b, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "guests/hello.bin"), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, "is empty"), "%s", e.msg);
}

Test(bootdtb, rejects_missing_image_naming_paths_tried)
{
    char *scn_dir = th_tmpdir(), *img_dir = th_tmpdir();
    struct images_ctx ic = {scn_dir, img_dir};
    size_t len;
    void *scn = th_data("minimal.dtb", &len);
    struct bootdtb_params p = {machine,        machine_len, scn,  len, "mode=hyperlaunch",
                               images_resolve, &ic,         NULL, 0,   0};
    struct bootdtb b;
    struct herr e;

    cr_assert_eq(bootdtb_build(&p, &b, &e), -ENOENT);
    cr_assert_not_null(strstr(e.msg, "/hypervisor/hello/kernel"), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, "'guests/hello.bin' not found"), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, scn_dir), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, img_dir), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, "--target image"), "%s", e.msg);
    free(scn);
    th_rmtree(scn_dir);
    th_rmtree(img_dir);
    free(scn_dir);
    free(img_dir);
}

Test(bootdtb, resolves_next_to_the_scenario_before_the_images_dir)
{
    char *scn_dir = th_tmpdir(), *img_dir = th_tmpdir();
    char *near = th_write(scn_dir, "guests/hello.bin", "near", 4);
    char *far = th_write(img_dir, "guests/hello.bin", "far away", 8);
    struct images_ctx ic = {scn_dir, img_dir};
    size_t len;
    void *scn = th_data("minimal.dtb", &len);
    struct bootdtb_params p = {machine,        machine_len, scn,  len, "mode=hyperlaunch",
                               images_resolve, &ic,         NULL, 0,   0};
    struct bootdtb b;
    struct herr e;

    cr_assert_eq(bootdtb_build(&p, &b, &e), 0, "%s", e.msg);
    cr_assert_str_eq(b.mods[0].path, near);
    cr_assert_eq(b.mods[0].size, 4);
    bootdtb_free(&b);
    remove(near);
    cr_assert_eq(bootdtb_build(&p, &b, &e), 0, "%s", e.msg);
    cr_assert_str_eq(b.mods[0].path, far);
    cr_assert_eq(b.mods[0].size, 8);
    bootdtb_free(&b);
    free(scn);
    th_rmtree(scn_dir);
    th_rmtree(img_dir);
    free(scn_dir);
    free(img_dir);
    free(near);
    free(far);
}

Test(bootdtb, rejects_image_node_with_reg)
{
    struct bootdtb b;
    struct herr e;

    cr_assert_eq(build("withreg.dtb", fleet_images, &b, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "/hypervisor/d/kernel"), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, "both image and reg"), "%s", e.msg);
}

/* A vendor DTB numbers its phandles from 1 as dtc does the scenario's: the manifest's are moved
 * past the machine's largest, and start-after and event-channels follow them. */
Test(bootdtb, renumbers_phandles_the_machine_uses)
{
    struct bootdtb b;
    struct herr e;
    uint32_t max = 0;
    int d, ee, len;
    const fdt32_t *v;

    cr_assert_eq(fdt_find_max_phandle(machine, &max), 0);
    cr_assert_geq(max, 0x8000, "QEMU's virt DTB uses 0x8000");
    cr_assert_eq(build("phandle.dtb", fleet_images, &b, &e), 0, "%s", e.msg);
    d = fdt_path_offset(b.fdt, "/chosen/hypervisor/d");
    ee = fdt_path_offset(b.fdt, "/chosen/hypervisor/e");
    cr_assert(d >= 0 && ee >= 0);
    cr_assert_eq(fdt_get_phandle(b.fdt, d), 0x8000 + max);
    cr_assert_gt(fdt_get_phandle(b.fdt, ee), max);
    cr_assert_eq(fdt_node_offset_by_phandle(b.fdt, 0x8000 + max), d, "one node has it");
    v = fdt_getprop(b.fdt, ee, "start-after", &len);
    cr_assert(v && len == 4);
    cr_assert_eq(fdt32_to_cpu(v[0]), 0x8000 + max, "start-after follows d");
    v = fdt_getprop(b.fdt, ee, "event-channels", &len);
    cr_assert(v && len == 12);
    cr_assert_eq(fdt32_to_cpu(v[1]), 0x8000 + max, "the peer follows d");
    cr_assert_eq(fdt32_to_cpu(v[0]), 0, "ports are not phandles");
    v = fdt_getprop(b.fdt, d, "event-channels", &len);
    cr_assert_eq(fdt32_to_cpu(v[1]), fdt_get_phandle(b.fdt, ee));
    bootdtb_free(&b);
}

Test(bootdtb, rejects_truncated_machine_dtb)
{
    size_t len;
    void *scn = th_data("minimal.dtb", &len);
    struct bootdtb_params p = {machine,      machine_len / 2,      scn,  len, "mode=hyperlaunch",
                               fake_resolve, (void *)fleet_images, NULL, 0,   0};
    struct bootdtb b;
    struct herr e;

    cr_assert_eq(bootdtb_build(&p, &b, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "machine DTB: truncated"), "%s", e.msg);
    free(scn);
}

Test(bootdtb, rejects_scenario_without_hypervisor)
{
    char err[512] = "";
    void *scn = th_compile("/dts-v1/; / { experiment { cpus = <1>; }; };", err, sizeof(err));
    struct bootdtb_params p = {machine,
                               machine_len,
                               scn,
                               fdt_totalsize(scn),
                               "mode=hyperlaunch",
                               fake_resolve,
                               (void *)fleet_images,
                               NULL,
                               0,
                               0};
    struct bootdtb b;
    struct herr e;

    cr_assert_not_null(scn, "%s", err);
    cr_assert_eq(bootdtb_build(&p, &b, &e), -EINVAL);
    cr_assert_not_null(strstr(e.msg, "no /hypervisor node"), "%s", e.msg);
    free(scn);
}

/* ---- Xen dom0less scenarios: xen,domain nodes copied to /chosen ---- */

static void build_dom0less(struct bootdtb *b)
{
    struct herr e;
    cr_assert_eq(build("dom0less.dtb", fleet_images, b, &e), 0, "%s", e.msg);
    cr_assert(b->dom0less);
}

Test(bootdtb, copies_xen_domain_nodes_to_chosen_in_order)
{
    struct bootdtb b;
    size_t len;
    void *scn = th_data("dom0less.dtb", &len);
    int chosen, first;

    build_dom0less(&b);
    cr_assert_lt(fdt_path_offset(b.fdt, "/chosen/hypervisor"), 0, "no Tessera node is made up");
    for (const char *const *p = (const char *const[]){"/chosen/domU1", "/chosen/domU2", NULL}; *p;
         p++) {
        same_tree(scn, fdt_path_offset(scn, *p), b.fdt, fdt_path_offset(b.fdt, *p));
    }
    chosen = fdt_path_offset(b.fdt, "/chosen");
    first = fdt_first_subnode(b.fdt, chosen);
    cr_assert_str_eq(fdt_get_name(b.fdt, first, NULL), "domU1", "node order gives the domids");
    cr_assert_str_eq(fdt_get_name(b.fdt, fdt_next_subnode(b.fdt, first), NULL), "domU2");
    cr_assert_str_eq(fdt_getprop(b.fdt, chosen, "bootargs", NULL), "mode=hyperlaunch");
    cr_assert_null(fdt_getprop(b.fdt, chosen, "rng-seed", NULL));
    free(scn);
    bootdtb_free(&b);
}

/* The reg of node in the boot DTB, as cells. */
static const fdt32_t *reg_of(const struct bootdtb *b, const char *path, int *len)
{
    const fdt32_t *reg = fdt_getprop(b->fdt, fdt_path_offset(b->fdt, path), "reg", len);
    cr_assert_not_null(reg, "%s has no reg", path);
    return reg;
}

Test(bootdtb, dom0less_reg_uses_the_domain_node_cells)
{
    struct bootdtb b;
    const fdt32_t *reg;
    int len;

    build_dom0less(&b);
    cr_assert_eq(b.nmods, 3);
    cr_assert_str_eq(b.mods[0].node, "/chosen/domU1/kernel");
    cr_assert_str_eq(b.mods[2].node, "/chosen/domU2/ramdisk");
    reg = reg_of(&b, "/chosen/domU1/kernel", &len);
    cr_assert_eq(len, 8, "domU1 says #address-cells = <1>, #size-cells = <1>");
    cr_assert_eq(fdt32_to_cpu(reg[0]), 0x50000000);
    cr_assert_eq(fdt32_to_cpu(reg[1]), 3 * MIB + 5);
    reg = reg_of(&b, "/chosen/domU2/ramdisk", &len);
    cr_assert_eq(len, 12, "domU2 has Xen's defaults: 2 address cells, 1 size cell");
    cr_assert_eq(reg_cell(reg, 0), b.mods[2].addr);
    cr_assert_eq(fdt32_to_cpu(reg[2]), 7 * MIB);
    cr_assert_eq(b.mods[1].acells, 2);
    cr_assert_eq(b.mods[1].scells, 1);
    bootdtb_free(&b);
}

Test(bootdtb, dom0less_boot_dtb_parses_as_the_hypervisor_will)
{
    struct bootdtb b;
    struct mf_fleet f;
    char err[256] = "";

    build_dom0less(&b);
    cr_assert_eq(mf_parse_dom0less(b.fdt, fdt_path_offset(b.fdt, "/chosen"), MF_BOOT_DTB, &f, err,
                                   sizeof(err)),
                 0, "%s", err);
    cr_assert_eq(f.count, 2);
    cr_assert_str_eq(f.dom[0].name, "domU1");
    cr_assert_eq(f.dom[0].domid, 1);
    cr_assert_eq(f.dom[0].kernel.addr, b.mods[0].addr);
    cr_assert_eq(f.dom[0].kernel.size, b.mods[0].size);
    cr_assert_str_eq(f.dom[0].kernel.bootargs, "console=ttyAMA0");
    cr_assert_eq(f.dom[1].domid, 2);
    cr_assert_eq(f.dom[1].kernel.addr, b.mods[1].addr);
    cr_assert_eq(f.dom[1].ramdisk.addr, b.mods[2].addr);
    cr_assert_eq(f.dom[1].ramdisk.size, 7 * MIB);
    cr_assert_eq(mf_validate(b.fdt, &f, 3, err, sizeof(err)), 0, "%s", err);
    bootdtb_free(&b);
}

/* Builds a scenario given as text against the machine DTB m. */
static int build_text(const char *dts, const void *m, size_t mlen, struct bootdtb *b,
                      struct herr *e)
{
    char err[HERR_MSG_MAX] = "";
    void *scn = th_compile(dts, err, sizeof(err));
    struct bootdtb_params p = {
        m, mlen, scn, 0, "mode=hyperlaunch", fake_resolve, (void *)fleet_images, NULL, 0, 0};
    int rc;

    cr_assert_not_null(scn, "%s", err);
    p.scenario_len = fdt_totalsize(scn);
    rc = bootdtb_build(&p, b, e);
    free(scn);
    return rc;
}

Test(bootdtb, rejects_bad_dom0less_cells)
{
    struct bootdtb b;
    struct herr e;

    cr_assert_eq(build_text("/dts-v1/; / { chosen { d { compatible = \"xen,domain\"; "
                            "#address-cells = <3>; k { compatible = \"multiboot,kernel\"; "
                            "image = \"guests/d.bin\"; }; }; }; };",
                            machine, machine_len, &b, &e),
                 -EINVAL);
    cr_assert_not_null(strstr(e.msg, "/chosen/d: #address-cells: must be <1> or <2>"), "%s", e.msg);
}

/* A machine whose RAM starts at 4 GiB (so a 1-cell address cannot reach its modules). */
static void *high_machine(size_t *len)
{
    fdt32_t reg[4] = {cpu_to_fdt32(1), 0, 0, cpu_to_fdt32(1u << 30)};
    void *m = calloc(1, 4096);

    cr_assert_eq(fdt_create(m, 4096) ?: fdt_finish_reservemap(m) ?: fdt_begin_node(m, "") ?:
                     fdt_property_u32(m, "#address-cells", 2) ?:
                     fdt_property_u32(m, "#size-cells", 2) ?: fdt_begin_node(m, "memory@100000000")
                     ?: fdt_property_string(m, "device_type", "memory")
                     ?: fdt_property(m, "reg", reg, sizeof(reg)) ?: fdt_end_node(m)
                     ?: fdt_end_node(m) ?: fdt_finish(m),
                 0);
    *len = 4096;
    return m;
}

Test(bootdtb, rejects_a_module_its_cells_cannot_address)
{
    size_t mlen;
    void *m = high_machine(&mlen);
    struct bootdtb b;
    struct herr e;

    cr_assert_eq(build_text("/dts-v1/; / { chosen { d { compatible = \"xen,domain\"; "
                            "#address-cells = <1>; #size-cells = <1>; k { compatible = "
                            "\"multiboot,kernel\"; image = \"guests/d.bin\"; }; }; }; };",
                            m, mlen, &b, &e),
                 -ERANGE);
    cr_assert_not_null(strstr(e.msg, "/chosen/d/k: image 'guests/d.bin' placed at 0x110000000"),
                       "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, "#address-cells = <1>"), "%s", e.msg);
    cr_assert_eq(build_text("/dts-v1/; / { chosen { d { compatible = \"xen,domain\"; "
                            "k { compatible = \"multiboot,kernel\"; image = \"guests/d.bin\"; }; "
                            "}; }; };",
                            m, mlen, &b, &e),
                 0, "%s", e.msg);
    cr_assert_eq(b.mods[0].addr, 0x110000000ull, "2 address cells reach it");
    bootdtb_free(&b);
    free(m);
}

Test(bootdtb, rejects_a_dom0less_phandle_used_by_the_machine)
{
    struct bootdtb b;
    struct herr e;

    cr_assert_eq(build_text("/dts-v1/; / { chosen { d { compatible = \"xen,domain\"; phandle = "
                            "<0x8000>; k { compatible = \"multiboot,kernel\"; image = "
                            "\"guests/d.bin\"; }; }; }; };",
                            machine, machine_len, &b, &e),
                 -EEXIST);
    cr_assert_not_null(strstr(e.msg, "/chosen/d: phandle 0x8000"), "%s", e.msg);
}
