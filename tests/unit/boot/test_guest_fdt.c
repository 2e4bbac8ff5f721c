/* Guest device trees: what a domain boots with matches its layout (memory, CPUs, PSCI, GIC
 * redistributors per vCPU, timer, chosen), and the rng-seed is fixed per domain. */
#include <criterion/criterion.h>
#include <libfdt.h>
#include <string.h>
#include <tessera/errno.h>
#include <tessera/guest_fdt.h>

static char buf[GFDT_BUF_SIZE];

static struct gfdt_params params(unsigned vcpus)
{
    return (struct gfdt_params){.name = "rt",
                                .domid = 7,
                                .ram_ipa = 0x40000000,
                                .ram_size = 256ull << 20,
                                .vcpus = vcpus,
                                .bootargs = "console=ttyAMA0",
                                .initrd_start = 0x4f000000,
                                .initrd_end = 0x4f100000,
                                .vpl011 = 1};
}

static uint64_t u64_at(const void *p, int i)
{
    /* Properties are only 4-byte aligned in a DTB: read through fdt64_ld. */
    return fdt64_ld((const fdt64_t *)p + i);
}

Test(guest_fdt, describes_the_domain)
{
    struct gfdt_params p = params(2);
    int size = gfdt_build(buf, sizeof(buf), &p), len;
    cr_assert_gt(size, 0);
    cr_assert_eq(fdt_check_header(buf), 0);

    const void *reg = fdt_getprop(buf, fdt_path_offset(buf, "/memory@40000000"), "reg", &len);
    cr_assert_eq(len, 16);
    cr_assert_eq(u64_at(reg, 0), 0x40000000);
    cr_assert_eq(u64_at(reg, 1), 256ull << 20);

    int chosen = fdt_path_offset(buf, "/chosen");
    cr_assert_str_eq(fdt_getprop(buf, chosen, "bootargs", NULL), "console=ttyAMA0");
    cr_assert_eq(u64_at(fdt_getprop(buf, chosen, "linux,initrd-start", NULL), 0), 0x4f000000);
    cr_assert_eq(u64_at(fdt_getprop(buf, chosen, "linux,initrd-end", NULL), 0), 0x4f100000);
    cr_assert_eq(fdt32_to_cpu(*(const fdt32_t *)fdt_getprop(buf, chosen, "tessera,domid", NULL)),
                 7);
    cr_assert_str_eq(fdt_getprop(buf, chosen, "stdout-path", NULL), "/pl011@9000000");
    cr_assert_str_eq(fdt_getprop(buf, 0, "model", NULL), "rt");

    cr_assert_geq(fdt_path_offset(buf, "/cpus/cpu@0"), 0);
    cr_assert_geq(fdt_path_offset(buf, "/cpus/cpu@1"), 0);
    cr_assert_lt(fdt_path_offset(buf, "/cpus/cpu@2"), 0);
    cr_assert_str_eq(fdt_getprop(buf, fdt_path_offset(buf, "/psci"), "method", NULL), "hvc");

    int gic = fdt_node_offset_by_compatible(buf, -1, "arm,gic-v3");
    const void *greg = fdt_getprop(buf, gic, "reg", &len);
    cr_assert_eq(len, 32);
    cr_assert_eq(u64_at(greg, 3), 2 * GFDT_GICR_STRIDE, "one redistributor per vCPU");
    int timer = fdt_node_offset_by_compatible(buf, -1, "arm,armv8-timer");
    fdt_getprop(buf, timer, "interrupts", &len);
    cr_assert_eq(len, 48);
    cr_assert_geq(fdt_node_offset_by_compatible(buf, -1, "arm,pl011"), 0);
}

Test(guest_fdt, optional_parts_are_left_out)
{
    struct gfdt_params p = params(1);
    p.bootargs = NULL;
    p.initrd_start = 0;
    p.vpl011 = 0;
    cr_assert_gt(gfdt_build(buf, sizeof(buf), &p), 0);
    int chosen = fdt_path_offset(buf, "/chosen");
    cr_assert_null(fdt_getprop(buf, chosen, "bootargs", NULL));
    cr_assert_null(fdt_getprop(buf, chosen, "linux,initrd-start", NULL));
    cr_assert_lt(fdt_node_offset_by_compatible(buf, -1, "arm,pl011"), 0);
}

Test(guest_fdt, too_small_a_buffer_is_enospc)
{
    struct gfdt_params p = params(8);
    cr_assert_eq(gfdt_build(buf, 256, &p), -ENOSPC);
}

Test(guest_fdt, rng_seed_is_fixed_per_run_and_domain)
{
    uint8_t a[64], b[64], c[64], d[64], e[64];
    gfdt_rng_seed(7, 1, "rt", a);
    gfdt_rng_seed(7, 1, "rt", b);
    gfdt_rng_seed(7, 2, "rt", c);
    gfdt_rng_seed(8, 1, "rt", d);
    gfdt_rng_seed(7, 1, "rs", e);
    cr_assert_eq(memcmp(a, b, 64), 0, "the same run seed and domain: the same seed");
    cr_assert_neq(memcmp(a, c, 64), 0, "another domain id");
    cr_assert_neq(memcmp(a, d, 64), 0, "another run seed");
    cr_assert_neq(memcmp(a, e, 64), 0, "another name");
}

/* The run seed reaches the tree: two runs seeded differently give a domain different seeds. */
Test(guest_fdt, the_run_seed_reaches_the_tree)
{
    static char other[GFDT_BUF_SIZE];
    struct gfdt_params p = params(1);
    const void *s1, *s2;
    int len1, len2;

    p.run_seed = 1;
    cr_assert_gt(gfdt_build(buf, sizeof(buf), &p), 0);
    p.run_seed = 2;
    cr_assert_gt(gfdt_build(other, sizeof(other), &p), 0);
    s1 = fdt_getprop(buf, fdt_path_offset(buf, "/chosen"), "rng-seed", &len1);
    s2 = fdt_getprop(other, fdt_path_offset(other, "/chosen"), "rng-seed", &len2);
    cr_assert(s1 && s2 && len1 == 64 && len2 == 64);
    cr_assert_neq(memcmp(s1, s2, 64), 0);
}
