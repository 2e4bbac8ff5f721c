/* `tessera check` refuses the passthrough ranges the hypervisor refuses at boot, checked with
 * the same code (boot/mf_passthrough.c) against QEMU's virt machine of the scenario's size:
 * ranges over the GIC ITS, RAM or the hypervisor's UART; a range clear of them passes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/check.h>
#include <tessera/harness/check_passthrough.h>
#include <tessera/harness/fileio.h>
#include <tessera/harness/run.h>

#include "helpers.h"

static char *images;

static void setup(void)
{
    static char block[4096];

    images = th_tmpdir();
    th_write_hyp_image(images);
    free(th_write(images, "guests/a.bin", block, sizeof(block)));
}

static void teardown(void)
{
    th_rmtree(images);
    free(images);
}

TestSuite(check_passthrough, .init = setup, .fini = teardown);

/* Runs `tessera check DATA/passthrough/NAME.dts` and returns its exit status, stderr in err. */
static int check(const char *name, char **err)
{
    char *path, *out;
    size_t olen, elen;
    FILE *fo, *fe;

    cr_assert_geq(asprintf(&path, "%s/passthrough/%s.dts", HARNESS_TEST_SRC, name), 0);
    struct check_opts o = {.scenario = path, .images = images};
    fo = open_memstream(&out, &olen);
    fe = open_memstream(err, &elen);
    cr_assert(fo && fe);
    int status = check_command(&o, fo, fe);
    fclose(fo);
    fclose(fe);
    free(out);
    free(path);
    return status;
}

static void expect_refused(const char *name, const char *message)
{
    char *err;

    cr_assert_eq(check(name, &err), RUN_EXIT_USAGE, "%s was accepted", name);
    cr_assert_not_null(strstr(err, message), "expected '%s' in:\n%s", message, err);
    free(err);
}

Test(check_passthrough, range_over_the_its)
{
    expect_refused("its", "/hypervisor/grabber/device@8070000: reg: 0x8070000+0x20000 overlaps "
                          "the GIC ITS its@8080000 at 0x8080000+0x20000");
}

Test(check_passthrough, range_over_all_of_ram)
{
    expect_refused("ram", "/hypervisor/grabber/device@3ffff000: reg: 0x3ffff000+0x40002000 "
                          "overlaps RAM at 0x40000000+0x40000000");
}

Test(check_passthrough, range_over_the_uart)
{
    expect_refused("uart", "overlaps the hypervisor's UART pl011@9000000 at 0x9000000+0x1000");
}

Test(check_passthrough, range_clear_of_everything)
{
    char *err;

    cr_assert_eq(check("ok", &err), RUN_EXIT_PASS, "%s", err);
    free(err);
}

/* The virt machine check_passthrough describes is the one QEMU builds (its dumped tree). */
Test(check_passthrough, virt_layout_matches_qemus_tree)
{
    struct hostdt want, got;
    char *path = fileio_join(HARNESS_TEST_DATA, "machine.dtb"), herr[160];
    void *dtb;
    size_t len;
    struct herr e;

    cr_assert_eq(fileio_read(path, &dtb, &len, &e), 0, "%s", e.msg);
    cr_assert_eq(hostdt_parse(dtb, &want, herr, sizeof(herr)), 0, "%s", herr);
    check_passthrough_virt(1024, &got);
    cr_assert_eq(got.mem_count, want.mem_count);
    cr_assert_eq(got.mem[0].base, want.mem[0].base);
    cr_assert_eq(got.mem[0].size, want.mem[0].size);
    cr_assert_eq(want.reserved_count, 0);
    cr_assert_eq(got.hyp_count, want.hyp_count);
    for (unsigned i = 0; i < want.hyp_count; i++) {
        cr_assert_eq(got.hyp[i].base, want.hyp[i].base, "region %u", i);
        cr_assert_eq(got.hyp[i].size, want.hyp[i].size, "region %u", i);
        cr_assert_eq(got.hyp[i].kind, want.hyp[i].kind, "region %u", i);
        cr_assert_str_eq(got.hyp[i].node, want.hyp[i].node);
    }
    free(dtb);
    free(path);
}
