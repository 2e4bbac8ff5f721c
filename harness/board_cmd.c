/* `tessera board` (tessera/harness/board_cmd.h): scenario + board file -> the board's files. */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/board_bundle.h>
#include <tessera/harness/board_cmd.h>
#include <tessera/harness/fileio.h>
#include <tessera/harness/fleet.h>
#include <tessera/harness/images.h>
#include <tessera/harness/qemu.h>
#include <tessera/harness/run.h>
#include <tessera/harness/scenario.h>

struct board_opts {
    const char *scenario, *board, *out, *mode, *images, *hypervisor, *machine_dtb, *dtb_dir;
    const char *lava_url, *bootargs, *boards, *qemu;
};

struct board_ctx {
    const struct board_opts *o;
    struct board b;
    char *name, *scenario_dir, *out, *images, *hyp, *scenario_dtb, *machine_path;
    const char *mode;
    void *scn, *machine;
    size_t scn_len, machine_len;
    struct scenario_experiment exp;
    char bootargs[256];
    struct herr err;
};

static void board_usage(FILE *out)
{
    fprintf(out,
            "usage: tessera board SCENARIO --board NAME [OPTIONS]\n"
            "\n"
            "Writes everything a board needs to boot SCENARIO through U-Boot into DIR:\n"
            "tessera.bin, modules.bin (every guest image at its offset), boot.dtb, boot.cmd and\n"
            "boot.scr (the U-Boot script, compiled with mkimage), board.txt (the layout and\n"
            "the bootcmd to type) and, for boards with a LAVA device type, lava-job.yaml.\n"
            "Every file is loaded at a 2 MiB boundary, the first at max(RAM base + 2 MiB,\n"
            "12 MiB). See docs/boards.md.\n"
            "\n"
            "options:\n"
            "  -b, --board NAME        a board file of --boards: qemu-virt-uboot, zcu102, rpi4\n"
            "  -o, --out DIR           output folder (default tessera-out/SCENARIO-NAME)\n"
            "  -m, --mode MODE         launch mode (default hyperlaunch if the scenario lists\n"
            "                          it, else its first mode)\n"
            "      --images DIR        guest images and tessera.bin (default %s)\n"
            "      --hypervisor FILE   hypervisor image (default IMAGES/tessera.bin)\n"
            "      --machine-dtb FILE  the board's own DTB (default: the board file's dtb in\n"
            "                          Debian's kernel package, see --dtb-dir)\n"
            "      --dtb-dir DIR       Debian's /usr/lib/linux-image-VERSION (default the newest\n"
            "                          under ~/.cache/tessera/linux, which\n"
            "                          scripts/fetch-linux.sh fills)\n"
            "      --lava-url URL      where the LAVA job fetches the files (default\n"
            "                          file://DIR)\n"
            "      --bootargs TEXT     the hypervisor's command line (default mode=MODE)\n"
            "      --boards DIR        board files (default %s)\n"
            "      --qemu PATH         QEMU, for the machine DTB of a QEMU board\n"
            "  -h, --help              this help\n",
            TESSERA_IMAGE_DIR, board_dir());
}

/* The newest DIR/usr/lib/linux-image-* of the cache, NULL if none (new string). */
static char *board_debian_dtb_dir(void)
{
    const char *cache = getenv("TESSERA_CACHE"), *home = getenv("HOME");
    char pattern[1024];
    glob_t g;
    char *dir = NULL;

    if (cache && *cache) {
        snprintf(pattern, sizeof(pattern), "%s/linux/usr/lib/linux-image-*", cache);
    } else {
        snprintf(pattern, sizeof(pattern), "%s/.cache/tessera/linux/usr/lib/linux-image-*",
                 home ? home : "");
    }
    if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0) {
        dir = strdup(g.gl_pathv[g.gl_pathc - 1]); /* glob sorts: the last is the newest */
    }
    globfree(&g);
    return dir;
}

/* The machine DTB: QEMU's own for a QEMU board, the board's DTB for hardware. */
static int board_machine(struct board_ctx *c)
{
    char *dir = NULL;
    int rc;

    if (c->b.kind == BOARD_QEMU) {
        struct qemu_machine qm = {.qemu = c->o->qemu ? c->o->qemu : QEMU_DEFAULT,
                                  .smp = c->exp.cpus,
                                  .memory_mib = c->exp.memory_mib};
        c->machine_path = fileio_join(c->out, "machine.dtb");
        rc = c->machine_path ? qemu_dumpdtb(&qm, c->machine_path, &c->err) : -ENOMEM;
    } else if (c->o->machine_dtb) {
        c->machine_path = strdup(c->o->machine_dtb);
        rc = 0;
    } else {
        dir = c->o->dtb_dir ? strdup(c->o->dtb_dir) : board_debian_dtb_dir();
        if (!dir) {
            return herr_set(&c->err, -ENOENT,
                            "board %s: its DTB %s comes from Debian's arm64 kernel package; "
                            "fetch it with scripts/fetch-linux.sh, or give --machine-dtb FILE",
                            c->b.name, c->b.dtb);
        }
        c->machine_path = fileio_join(dir, c->b.dtb);
        rc = 0;
    }
    free(dir);
    if (rc == 0 && !fileio_is_file(c->machine_path)) {
        rc = herr_set(&c->err, -ENOENT, "board %s: DTB %s not found", c->b.name, c->machine_path);
    }
    return rc ?: fileio_read(c->machine_path, &c->machine, &c->machine_len, &c->err);
}

/* The scenario: compiled, its mode chosen and allowed, its manifest validated for the pCPUs
 * the board has. */
static int board_scenario(struct board_ctx *c)
{
    struct mf_fleet fleet;
    unsigned pcpus;
    int rc;

    if ((rc = scenario_compile("dtc", c->o->scenario, c->scenario_dtb, &c->err)) ||
        (rc = fileio_read(c->scenario_dtb, &c->scn, &c->scn_len, &c->err)) ||
        (rc = scenario_experiment(c->scn, &c->exp, &c->err))) {
        return herr_prefix(&c->err, rc, "%s", c->o->scenario);
    }
    c->mode = c->o->mode                                                        ? c->o->mode
              : scenario_allows_mode(&c->exp, "hyperlaunch") || !c->exp.modes.n ? "hyperlaunch"
                                                                                : c->exp.modes.v[0];
    if (!scenario_allows_mode(&c->exp, c->mode)) {
        return herr_set(&c->err, -EINVAL, "%s: mode '%s' is not in /experiment/modes",
                        c->o->scenario, c->mode);
    }
    pcpus = c->b.kind == BOARD_HARDWARE ? c->b.cpus : c->exp.cpus;
    if (c->b.kind == BOARD_HARDWARE && c->exp.cpus > c->b.cpus) {
        return herr_set(&c->err, -EINVAL, "%s: /experiment/cpus is %u, but board %s has %u CPUs",
                        c->o->scenario, c->exp.cpus, c->b.name, c->b.cpus);
    }
    rc = fleet_load(c->scn, MF_SCENARIO, pcpus, &fleet, &c->err);
    return rc ? herr_prefix(&c->err, rc, "%s", c->o->scenario) : 0;
}

static int board_paths(struct board_ctx *c)
{
    const struct board_opts *o = c->o;

    c->name = fileio_stem(o->scenario, ".dts");
    c->scenario_dir = fileio_dirname(o->scenario);
    if (o->out) {
        c->out = strdup(o->out);
    } else if (c->name && asprintf(&c->out, "tessera-out/%s-%s", c->name, o->board) < 0) {
        c->out = NULL;
    }
    c->images = strdup(o->images ? o->images : TESSERA_IMAGE_DIR);
    c->hyp = o->hypervisor ? strdup(o->hypervisor) : fileio_join(c->images, "tessera.bin");
    if (!c->name || !c->scenario_dir || !c->out || !c->images || !c->hyp ||
        !(c->scenario_dtb = fileio_join(c->out, "scenario.dtb"))) {
        return herr_set(&c->err, -ENOMEM, "out of memory");
    }
    if (!fileio_is_file(o->scenario)) {
        return herr_set(&c->err, -ENOENT, "scenario %s: no such file", o->scenario);
    }
    return fileio_mkdirs(c->out, &c->err);
}

static void board_report(const struct board_ctx *c, const struct board_bundle *bb)
{
    char limits[512];

    printf("%s/%s on %s: files in %s\n", c->name, c->mode, c->b.name, c->out);
    for (int i = 0; i < BOARD_FILES; i++) {
        const struct board_file *f = &bb->layout.f[i];
        printf("  0x%016" PRIx64 " %10" PRIu64 " bytes  %-12s %s\n", f->addr, f->size, f->name,
               f->what);
    }
    printf("  boot.cmd (the script's source), board.txt (how to boot it)%s\n",
           bb->lava ? ", lava-job.yaml" : "");
    if (board_limits(&c->b, limits, sizeof(limits))) {
        fprintf(stderr, "tessera board: warning: %s (docs/boards.md)\n", limits);
    }
}

static int board_run(struct board_ctx *c)
{
    struct images_ctx ic;
    struct board_bundle bb = {0};
    int rc;

    if ((rc = board_load(c->o->boards ? c->o->boards : board_dir(), c->o->board, &c->b, &c->err)) ||
        (rc = board_paths(c)) || (rc = board_scenario(c)) || (rc = board_machine(c))) {
        return rc;
    }
    if (!c->b.uboot) {
        return herr_set(&c->err, -EINVAL,
                        "board %s has no U-Boot (QEMU starts the hypervisor): use `tessera run`",
                        c->b.name);
    }
    snprintf(c->bootargs, sizeof(c->bootargs), "mode=%s", c->mode);
    ic = (struct images_ctx){c->scenario_dir, c->images};
    struct board_bundle_params p = {
        .board = &c->b,
        .scenario_name = c->name,
        .mode = c->mode,
        .dtb = {.machine = c->machine,
                .machine_len = c->machine_len,
                .scenario = c->scn,
                .scenario_len = c->scn_len,
                .bootargs = c->o->bootargs ? c->o->bootargs : c->bootargs,
                .resolve = images_resolve,
                .resolve_ctx = &ic},
        .hyp_path = c->hyp,
        .out_dir = c->out,
        .lava_url = c->o->lava_url,
        .timeout_ms = c->exp.timeout_ms,
    };
    rc = board_bundle_write(&p, &bb, &c->err);
    if (rc) {
        herr_prefix(&c->err, rc, "%s on %s", c->o->scenario, c->b.name);
    } else {
        board_report(c, &bb);
    }
    board_bundle_free(&bb);
    return rc;
}

static int board_parse_args(int argc, char **argv, struct board_opts *o)
{
    enum { O_IMAGES = 512, O_HYP, O_MDTB, O_DTBDIR, O_LAVA, O_BOOTARGS, O_BOARDS, O_QEMU };
    static const struct option longopts[] = {
        {"board", required_argument, NULL, 'b'},
        {"out", required_argument, NULL, 'o'},
        {"mode", required_argument, NULL, 'm'},
        {"images", required_argument, NULL, O_IMAGES},
        {"hypervisor", required_argument, NULL, O_HYP},
        {"machine-dtb", required_argument, NULL, O_MDTB},
        {"dtb-dir", required_argument, NULL, O_DTBDIR},
        {"lava-url", required_argument, NULL, O_LAVA},
        {"bootargs", required_argument, NULL, O_BOOTARGS},
        {"boards", required_argument, NULL, O_BOARDS},
        {"qemu", required_argument, NULL, O_QEMU},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char **dest[] = {[O_IMAGES - 512] = &o->images,    [O_HYP - 512] = &o->hypervisor,
                           [O_MDTB - 512] = &o->machine_dtb, [O_DTBDIR - 512] = &o->dtb_dir,
                           [O_LAVA - 512] = &o->lava_url,    [O_BOOTARGS - 512] = &o->bootargs,
                           [O_BOARDS - 512] = &o->boards,    [O_QEMU - 512] = &o->qemu};
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "b:o:m:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'b':
            o->board = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'm':
            if (run_check_mode(optarg)) {
                return RUN_EXIT_USAGE;
            }
            o->mode = optarg;
            break;
        case 'h':
            board_usage(stdout);
            return RUN_EXIT_PASS;
        case '?':
            board_usage(stderr);
            return RUN_EXIT_USAGE;
        default:
            *dest[opt - 512] = optarg;
        }
    }
    if (optind != argc - 1 || !o->board) {
        fprintf(stderr, "tessera board: %s\n",
                optind != argc - 1 ? "give one SCENARIO" : "--board NAME is required");
        board_usage(stderr);
        return RUN_EXIT_USAGE;
    }
    o->scenario = argv[optind];
    return -1;
}

int board_cmd_main(int argc, char **argv)
{
    struct board_opts o = {0};
    struct board_ctx c = {.o = &o};
    int rc = board_parse_args(argc, argv, &o);

    if (rc >= 0) {
        return rc;
    }
    rc = board_run(&c);
    if (rc) {
        fprintf(stderr, "tessera board: %s\n", c.err.msg);
    }
    free(c.name);
    free(c.scenario_dir);
    free(c.out);
    free(c.images);
    free(c.hyp);
    free(c.scenario_dtb);
    free(c.machine_path);
    free(c.scn);
    free(c.machine);
    scenario_experiment_free(&c.exp);
    return rc ? RUN_EXIT_USAGE : RUN_EXIT_PASS;
}
