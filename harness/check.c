/* `tessera check`: compile the scenario, run the hypervisor's manifest parser and validator on
 * it, resolve every image and build the boot DTB in memory (against a virt machine of the
 * scenario's size), parse the manifest back from that boot DTB, and print the fleet. */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tessera/harness/check.h>
#include <tessera/harness/check_build.h>
#include <tessera/harness/check_passthrough.h>
#include <tessera/harness/fileio.h>
#include <tessera/harness/fleet.h>
#include <tessera/harness/images.h>
#include <tessera/harness/run.h>
#include <tessera/harness/scenario.h>

#ifndef TESSERA_IMAGE_DIR
#define TESSERA_IMAGE_DIR "image"
#endif

#define CHECK_MACHINE_SIZE 4096

struct check_ctx {
    const struct check_opts *o;
    char *scenario_dir, *tmp_dir, *dtb_path;
    void *scn, *machine;
    size_t scn_len;
    struct scenario_experiment exp;
    unsigned pcpus;
    struct mf_fleet fleet;  /* from the scenario */
    struct mf_fleet placed; /* from the boot DTB: the same, with module addresses */
    struct bootdtb boot;
    struct herr err;
};

/* Compiles the scenario in a temporary directory and reads it with its /experiment. */
static int check_compile(struct check_ctx *c)
{
    char tmpl[] = "/tmp/tessera-check-XXXXXX";
    int rc;

    if (!fileio_is_file(c->o->scenario)) {
        return herr_set(&c->err, -ENOENT, "scenario %s: no such file", c->o->scenario);
    }
    if (!mkdtemp(tmpl)) {
        return herr_set(&c->err, -errno, "cannot create a temporary directory: %s",
                        strerror(errno));
    }
    if (!(c->tmp_dir = strdup(tmpl)) || !(c->dtb_path = fileio_join(tmpl, "scenario.dtb")) ||
        !(c->scenario_dir = fileio_dirname(c->o->scenario))) {
        return herr_set(&c->err, -ENOMEM, "out of memory");
    }
    if ((rc = scenario_compile("dtc", c->o->scenario, c->dtb_path, &c->err)) ||
        (rc = fileio_read(c->dtb_path, &c->scn, &c->scn_len, &c->err))) {
        return rc;
    }
    if ((rc = scenario_experiment(c->scn, &c->exp, &c->err))) {
        return herr_prefix(&c->err, rc, "%s", c->o->scenario);
    }
    if (strcmp(c->exp.platform, "qemu-virt") != 0) {
        return herr_set(&c->err, -ENOTSUP,
                        "%s: /experiment/platform '%s' is not supported yet (only qemu-virt)",
                        c->o->scenario, c->exp.platform);
    }
    c->pcpus = c->o->smp ? c->o->smp : c->exp.cpus;
    return 0;
}

/* A DTB with just what the boot DTB builder reads of QEMU's virt machine: its RAM. */
static int check_machine(struct check_ctx *c)
{
    fdt32_t reg[4] = {0, cpu_to_fdt32((uint32_t)CHECK_VIRT_RAM_BASE),
                      cpu_to_fdt32(c->exp.memory_mib >> 12),
                      cpu_to_fdt32((uint32_t)((uint64_t)c->exp.memory_mib << 20))};
    void *b = c->machine = calloc(1, CHECK_MACHINE_SIZE);
    int rc;

    if (!b) {
        return herr_set(&c->err, -ENOMEM, "out of memory");
    }
    rc = fdt_create(b, CHECK_MACHINE_SIZE) ?: fdt_finish_reservemap(b) ?: fdt_begin_node(b, "");
    rc = rc ?: fdt_property_u32(b, "#address-cells", 2) ?: fdt_property_u32(b, "#size-cells", 2);
    rc = rc ?: fdt_begin_node(b, "memory@40000000") ?: fdt_property_string(b, "device_type",
                                                                           "memory");
    rc = rc ?: fdt_property(b, "reg", reg, sizeof(reg)) ?: fdt_end_node(b);
    rc = rc ?: fdt_begin_node(b, "chosen") ?: fdt_end_node(b) ?: fdt_end_node(b) ?: fdt_finish(b);
    return rc ? herr_set(&c->err, -EINVAL, "building the machine DTB: %s", fdt_strerror(rc)) : 0;
}

/* The boot DTB `tessera run` would build (every image resolved and placed), and the manifest
 * parsed back from it as the hypervisor will. */
static int check_boot(struct check_ctx *c)
{
    struct images_ctx ic = {c->scenario_dir, c->o->images ? c->o->images : TESSERA_IMAGE_DIR};
    struct bootdtb_params p = {
        .machine = c->machine,
        .machine_len = CHECK_MACHINE_SIZE,
        .scenario = c->scn,
        .scenario_len = c->scn_len,
        .bootargs = "mode=hyperlaunch",
        .resolve = images_resolve,
        .resolve_ctx = &ic,
    };
    int rc = bootdtb_build(&p, &c->boot, &c->err);

    if (rc) {
        return herr_prefix(&c->err, rc, "%s", c->o->scenario);
    }
    rc = fleet_load(c->boot.fdt, MF_BOOT_DTB, c->pcpus, &c->placed, &c->err);
    return rc ? herr_prefix(&c->err, rc, "the boot DTB built from %s", c->o->scenario) : 0;
}

/* Every launch mode the scenario names, dry-run: the hypervisor's domain builder on a copy of
 * the machine's RAM map (check_build.c). */
static int check_modes(struct check_ctx *c)
{
    static const char *const all[] = {"hyperlaunch", "dom0", "bootdomain"};
    char *hyp = fileio_join(c->o->images ? c->o->images : TESSERA_IMAGE_DIR, "tessera.bin");
    struct check_build_in in = {
        .fleet = &c->placed,
        .mods = c->boot.mods,
        .nmods = c->boot.nmods,
        .ram_base = c->boot.ram_base,
        .ram_size = c->boot.ram_size,
        .dtb_size = c->boot.size,
        .pcpus = c->pcpus,
        .trace = true,
    };
    int rc = hyp ? check_build_hyp_size(hyp, &in.hyp_size, &c->err) : -ENOMEM;

    free(hyp);
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && !rc; i++) {
        if (scenario_allows_mode(&c->exp, all[i])) {
            in.mode = all[i];
            rc = check_build_mode(&in, &c->err);
        }
    }
    return rc ? herr_prefix(&c->err, rc, "%s", c->o->scenario) : 0;
}

static void check_free(struct check_ctx *c)
{
    if (c->dtb_path) {
        unlink(c->dtb_path);
    }
    if (c->tmp_dir) {
        rmdir(c->tmp_dir);
    }
    free(c->scenario_dir);
    free(c->tmp_dir);
    free(c->dtb_path);
    free(c->scn);
    free(c->machine);
    scenario_experiment_free(&c->exp);
    bootdtb_free(&c->boot);
}

int check_command(const struct check_opts *o, FILE *out, FILE *err)
{
    struct check_ctx c = {.o = o};
    int rc = check_compile(&c);

    if (!rc && (rc = fleet_load(c.scn, MF_SCENARIO, c.pcpus, &c.fleet, &c.err))) {
        herr_prefix(&c.err, rc, "%s", o->scenario);
    }
    if (!rc && (rc = check_passthrough(c.scn, &c.fleet, c.exp.memory_mib, &c.err))) {
        herr_prefix(&c.err, rc, "%s", o->scenario);
    }
    rc = rc ?: check_machine(&c);
    rc = rc ?: check_boot(&c);
    rc = rc ?: check_modes(&c);
    if (rc) {
        fprintf(err, "tessera: %s\n", c.err.msg);
    } else {
        struct check_view v = {o->scenario,      c.exp.platform, c.pcpus,
                               c.exp.memory_mib, &c.placed,      &c.boot};
        check_print(&v, out);
    }
    check_free(&c);
    return rc ? RUN_EXIT_USAGE : RUN_EXIT_PASS;
}
