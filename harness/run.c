/* `tessera run`: compile the scenario, dump the machine DTB, build the boot DTB, boot QEMU and
 * watch its console, then collect the trace dump and write summary.json, report.md and a short
 * summary. Each stage either succeeds or explains what is wrong (exit 2); a run that happened
 * but failed exits 1. */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>

#include <tessera/harness/board_bundle.h>
#include <tessera/harness/bootdtb.h>
#include <tessera/harness/check_build.h>
#include <tessera/harness/check_passthrough.h>
#include <tessera/harness/commit.h>
#include <tessera/harness/consolelog.h>
#include <tessera/harness/fileio.h>
#include <tessera/harness/fleet.h>
#include <tessera/harness/images.h>
#include <tessera/harness/qemu.h>
#include <tessera/harness/run.h>
#include <tessera/harness/run_trace.h>
#include <tessera/harness/scenario.h>
#include <tessera/harness/summary.h>
#include <tessera/harness/verdict.h>
#include <tessera/harness/watch.h>
#include <tessera/harness/xen.h>
#include <tessera/harness/xenlog.h>

#ifndef TESSERA_IMAGE_DIR
#define TESSERA_IMAGE_DIR "image"
#endif

#define RUN_BOOTARGS "mode=%s" /* the hypervisor reads its launch mode here */

struct run_ctx {
    const struct run_opts *o;
    char label[160];
    char *scenario_name, *scenario_dir, *out_dir, *images_dir, *hyp_path;
    char *scenario_dtb, *machine_dtb, *boot_dtb, *console_log;
    char *uboot_env_txt, *uboot_env; /* qemu-virt-uboot: U-Boot's environment, text and image */
    void *scn, *machine;
    size_t scn_len, machine_len;
    struct scenario_experiment exp;
    struct scenario_domains doms;
    struct mf_fleet fleet; /* the host-side check of the manifest */
    struct qemu_machine qm;
    struct bootdtb boot;
    struct strvec argv;
    struct board board;         /* qemu-virt-uboot: its board file */
    struct board_layout layout; /* qemu-virt-uboot: where U-Boot loads each file */
    char *board_out;            /* U-Boot platforms: OUT/board, the files U-Boot boots */
    struct bootdtb_module preload[BOARD_FILES]; /* load = loader: what QEMU puts where */
    size_t npreload;
    char *qemu_version;
    struct clog log;
    struct watch_result wr;
    struct run_trace trace;
    uint64_t seed; /* the run's entropy seed */
    char bootargs[256];
    struct input_step input[INPUT_MAX_STEPS];
    size_t ninput;
    bool xen;              /* --backend xen: Xen 4.17 dom0less boots the fleet */
    struct xenlog xenlog;  /* --backend xen: its console parser */
    char xen_cmdline[512]; /* --backend xen: xen,xen-bootargs */
    struct herr err;
};

int run_check_mode(const char *mode)
{
    static const char *const modes[] = {"hyperlaunch", "dom0", "bootdomain"};

    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (strcmp(mode, modes[i]) == 0) {
            return 0;
        }
    }
    fprintf(stderr, "tessera: unknown mode '%s' (modes: dom0, hyperlaunch, bootdomain)\n", mode);
    return RUN_EXIT_USAGE;
}

static char *run_out_path(struct run_ctx *c, const char *name)
{
    return fileio_join(c->out_dir, name);
}

/* Output, scenario and image paths, and the output directory. */
static int run_paths(struct run_ctx *c)
{
    const struct run_opts *o = c->o;

    c->scenario_name = fileio_stem(o->scenario, ".dts");
    c->scenario_dir = fileio_dirname(o->scenario);
    if (o->out) {
        c->out_dir = strdup(o->out);
    } else if (asprintf(&c->out_dir, "tessera-out/%s-%s%s", c->scenario_name, o->mode,
                        c->xen ? "-xen" : "") < 0) {
        c->out_dir = NULL;
    }
    c->images_dir = strdup(o->images ? o->images : TESSERA_IMAGE_DIR);
    c->hyp_path = o->hypervisor ? strdup(o->hypervisor) : fileio_join(c->images_dir, "tessera.bin");
    if (!c->scenario_name || !c->scenario_dir || !c->out_dir || !c->images_dir || !c->hyp_path ||
        !(c->scenario_dtb = run_out_path(c, "scenario.dtb")) ||
        !(c->machine_dtb = run_out_path(c, "machine.dtb")) ||
        !(c->boot_dtb = run_out_path(c, "boot.dtb")) ||
        !(c->console_log = run_out_path(c, RUN_CONSOLE_LOG))) {
        return herr_set(&c->err, -ENOMEM, "out of memory");
    }
    snprintf(c->label, sizeof(c->label), "%s/%s", c->scenario_name, o->mode);
    if (!fileio_is_file(o->scenario)) {
        return herr_set(&c->err, -ENOENT, "scenario %s: no such file", o->scenario);
    }
    return fileio_mkdirs(c->out_dir, &c->err);
}

/* The run's entropy seed: --seed N, --seed random (getrandom), or the fixed default. */
static int run_seed(struct run_ctx *c)
{
    char *end;

    c->seed = RUN_DEFAULT_SEED;
    if (!c->o->seed) {
        return 0;
    }
    if (strcmp(c->o->seed, "random") == 0) {
        return getrandom(&c->seed, sizeof(c->seed), 0) == (ssize_t)sizeof(c->seed)
                   ? 0
                   : herr_set(&c->err, -EIO, "--seed random: getrandom failed: %s",
                              strerror(errno));
    }
    errno = 0;
    c->seed = strtoull(c->o->seed, &end, 0);
    if (errno || end == c->o->seed || *end || c->o->seed[0] == '-') {
        return herr_set(&c->err, -EINVAL, "--seed: '%s' is neither a 64-bit number nor 'random'",
                        c->o->seed);
    }
    return 0;
}

/* The hypervisor's command line: its launch mode and, unless --no-trace, how large its trace
 * buffers are (where the trace goes is /chosen/tessera,trace: its console). */
static int run_cmdline(struct run_ctx *c)
{
    /* Xen has no Tessera trace: its runs are console-only. */
    int rc = run_trace_prepare(&c->trace, c->out_dir, !c->o->no_trace && !c->xen, c->o->trace_kib,
                               &c->err);

    if (rc) {
        return rc;
    }
    if ((rc = run_seed(c))) {
        return rc;
    }
    snprintf(c->bootargs, sizeof(c->bootargs), RUN_BOOTARGS, c->o->mode);
    if (run_trace_bootargs(&c->trace, c->bootargs, sizeof(c->bootargs))) {
        return herr_set(&c->err, -ENOSPC, "the hypervisor's command line would exceed %zu bytes",
                        sizeof(c->bootargs) - 1);
    }
    return 0;
}

static int run_check_experiment(struct run_ctx *c)
{
    char *modes;

    if (c->o->board) {
        snprintf(c->exp.platform, sizeof(c->exp.platform), "%s", c->o->board);
    }
    /* qemu-virt: QEMU starts the hypervisor; any other platform is a board file, and `run`
     * boots the QEMU ones that go through U-Boot (qemu-virt-uboot, qemu-virt-uboot-tftp). */
    if (strcmp(c->exp.platform, "qemu-virt") != 0) {
        int rc = board_load(board_dir(), c->exp.platform, &c->board, &c->err);
        if (rc) {
            return herr_prefix(&c->err, rc, "%s: platform", c->o->scenario);
        }
        if (c->board.kind != BOARD_QEMU || !c->board.uboot) {
            return herr_set(&c->err, -ENOTSUP,
                            "%s: platform '%s' is %s: `tessera run` boots QEMU; write the "
                            "board's files with `tessera board --board %s`",
                            c->o->scenario, c->exp.platform,
                            c->board.kind == BOARD_QEMU ? "QEMU without U-Boot" : "a real board",
                            c->exp.platform);
        }
    }
    if (scenario_allows_mode(&c->exp, c->o->mode)) {
        return 0;
    }
    modes = strvec_join(&c->exp.modes, ", ");
    herr_set(&c->err, -EINVAL, "%s: mode '%s' is not in /experiment/modes (%s)", c->o->scenario,
             c->o->mode, modes ? modes : "?");
    free(modes);
    return -EINVAL;
}

static unsigned run_pcpus(const struct run_ctx *c)
{
    return c->o->smp ? c->o->smp : c->exp.cpus;
}

/* The manifest through the hypervisor's own parser and validator, so a bad one is refused
 * before QEMU starts (unless --skip-check asks to see the hypervisor refuse it). */
static int run_check_manifest(struct run_ctx *c)
{
    int rc;

    if (c->o->skip_check && !c->xen) {
        return 0;
    }
    rc = fleet_load(c->scn, MF_SCENARIO, run_pcpus(c), &c->fleet, &c->err);
    if (!rc && c->xen) {
        struct images_ctx ic = {c->scenario_dir, c->images_dir};
        return (rc = xen_check_fleet(&c->fleet, c->o->mode, run_pcpus(c), &ic, &c->err))
                   ? herr_prefix(&c->err, rc, "%s", c->o->scenario)
                   : 0;
    }
    if (!rc) {
        rc = check_passthrough(c->scn, &c->fleet, c->exp.memory_mib, &c->err);
    }
    return rc ? herr_prefix(&c->err, rc, "%s", c->o->scenario) : 0;
}

/* Compiles and reads the scenario: /experiment, the manifest and its domains. */
static int run_scenario(struct run_ctx *c)
{
    int rc;

    if ((rc = scenario_compile("dtc", c->o->scenario, c->scenario_dtb, &c->err)) ||
        (rc = fileio_read(c->scenario_dtb, &c->scn, &c->scn_len, &c->err))) {
        return rc;
    }
    if ((rc = scenario_experiment(c->scn, &c->exp, &c->err))) {
        return herr_prefix(&c->err, rc, "%s", c->o->scenario);
    }
    if ((rc = run_check_experiment(c))) {
        return rc;
    }
    if ((rc = scenario_domains(c->scn, &c->doms, &c->err)) < 0) {
        return herr_prefix(&c->err, rc, "%s", c->o->scenario);
    }
    return run_check_manifest(c);
}

/* The machine: CPUs and memory, the hypervisor image, and QEMU's own DTB for them. */
static int run_machine(struct run_ctx *c)
{
    int rc;

    c->qm.qemu = c->o->qemu ? c->o->qemu : QEMU_DEFAULT;
    c->qm.smp = run_pcpus(c);
    c->qm.memory_mib = c->exp.memory_mib;
    c->qm.realtime = c->o->realtime;
    if (c->board.uboot) {
        /* The same machine, booted through U-Boot's booti as on a board (--board overrides
         * the scenario's platform). */
        c->qm.firmware = c->board.uboot_image;
        if (!fileio_is_file(c->qm.firmware)) {
            return herr_set(&c->err, -ENOENT,
                            "%s not found: the %s platform needs Debian's u-boot-qemu "
                            "(scripts/setup.sh installs it)",
                            c->qm.firmware, c->board.name);
        }
        c->uboot_env_txt = run_out_path(c, "uboot-env.txt");
        c->uboot_env = run_out_path(c, "uboot-env.bin");
        c->board_out = run_out_path(c, "board");
        if (!c->uboot_env_txt || !c->uboot_env || !c->board_out) {
            return herr_set(&c->err, -ENOMEM, "out of memory");
        }
        c->qm.env = c->uboot_env;
        c->qm.tftp_dir = board_preloaded(&c->board) ? NULL : c->board_out;
    }
    if (c->xen) {
        free(c->hyp_path);
        c->hyp_path = NULL;
        if (c->board.uboot) {
            return herr_set(&c->err, -ENOTSUP,
                            "--backend xen: platform '%s': Xen runs boot from QEMU directly "
                            "(qemu-virt) only",
                            c->board.name);
        }
        if ((rc = xen_image_path(c->o->hypervisor, &c->hyp_path, &c->err))) {
            return rc;
        }
    }
    if (!fileio_is_file(c->hyp_path)) {
        return herr_set(&c->err, -ENOENT,
                        "hypervisor image %s not found; build it with `cmake --build BUILD_DIR "
                        "--target image` (it lands in BUILD_DIR/image/tessera.bin), or pass "
                        "--hypervisor FILE or --images DIR",
                        c->hyp_path);
    }
    if ((rc = qemu_version(c->qm.qemu, &c->qemu_version, &c->err)) ||
        (rc = qemu_dumpdtb(&c->qm, c->machine_dtb, &c->err))) {
        return rc;
    }
    return fileio_read(c->machine_dtb, &c->machine, &c->machine_len, &c->err);
}

/* qemu-virt-uboot: the files `tessera board` would write, into OUT/board, where QEMU's TFTP
 * server hands them to U-Boot; and U-Boot's environment, whose bootcmd fetches boot.scr. */
static int run_board_bundle(struct run_ctx *c, const struct bootdtb_params *dtb)
{
    struct board_bundle bb;
    char bootcmd[512];
    struct board_bundle_params p = {
        .board = &c->board,
        .scenario_name = c->scenario_name,
        .mode = c->o->mode,
        .dtb = *dtb,
        .hyp_path = c->hyp_path,
        .out_dir = c->board_out,
        .timeout_ms = c->exp.timeout_ms,
    };
    int rc = board_bundle_write(&p, &bb, &c->err);

    if (rc) {
        return herr_prefix(&c->err, rc, "%s", c->o->scenario);
    }
    c->boot = bb.boot; /* the run owns it from here */
    c->layout = bb.layout;
    for (int i = 0; board_preloaded(&c->board) && i < BOARD_FILES; i++) {
        if (c->layout.f[i].size > 0) {
            struct bootdtb_module *m = &c->preload[c->npreload++];
            m->path = fileio_join(c->board_out, c->layout.f[i].name);
            m->addr = c->layout.f[i].addr;
            m->size = c->layout.f[i].size;
            if (!m->path) {
                return herr_set(&c->err, -ENOMEM, "out of memory");
            }
        }
    }
    board_bootcmd(&c->board, &c->layout, bootcmd, sizeof(bootcmd));
    rc = qemu_uboot_env(c->uboot_env_txt, c->uboot_env, bootcmd, &c->err);
    return rc ?: fileio_write(c->boot_dtb, c->boot.fdt, c->boot.size, &c->err);
}

/* Xen: the fleet as xen,domain nodes (xen.c), placed as any dom0less manifest is, plus Xen's
 * command line in xen,xen-bootargs (its console: the machine's stdout-path). */
static int run_xen_bootdtb(struct run_ctx *c, struct bootdtb_params *p)
{
    int chosen = fdt_path_offset(c->machine, "/chosen"), rc;
    const char *uart = chosen >= 0 ? fdt_getprop(c->machine, chosen, "stdout-path", NULL) : NULL;
    void *scn = NULL;

    if (!uart) {
        return herr_set(&c->err, -EINVAL,
                        "the machine DTB has no /chosen/stdout-path for Xen's console");
    }
    if (xen_cmdline(uart, c->xen_cmdline, sizeof(c->xen_cmdline))) {
        return herr_set(&c->err, -ENOSPC, "Xen's command line is too long");
    }
    if ((rc = xen_scenario(&c->fleet, &scn, &p->scenario_len, &c->err))) {
        return herr_prefix(&c->err, rc, "%s", c->o->scenario);
    }
    p->scenario = scn;
    p->bootargs = c->xen_cmdline;
    rc = bootdtb_build(p, &c->boot, &c->err);
    free(scn);
    if (rc) {
        return herr_prefix(&c->err, rc, "%s", c->o->scenario);
    }
    rc = xen_set_bootargs(&c->boot.fdt, &c->boot.size, c->xen_cmdline, &c->err);
    return rc ?: fileio_write(c->boot_dtb, c->boot.fdt, c->boot.size, &c->err);
}

static int run_bootdtb(struct run_ctx *c)
{
    struct images_ctx ic = {c->scenario_dir, c->images_dir};
    struct bootdtb_params p = {
        .machine = c->machine,
        .machine_len = c->machine_len,
        .scenario = c->scn,
        .scenario_len = c->scn_len,
        .bootargs = c->bootargs,
        .trace_target = c->trace.on ? RUN_TRACE_TARGET : NULL,
        .seed = c->seed,
        .resolve = images_resolve,
        .resolve_ctx = &ic,
    };
    int rc;

    if (c->qm.firmware) {
        return run_board_bundle(c, &p);
    }
    if (c->xen) {
        return run_xen_bootdtb(c, &p);
    }
    rc = bootdtb_build(&p, &c->boot, &c->err);

    if (rc) {
        return herr_prefix(&c->err, rc, "%s", c->o->scenario);
    }
    return fileio_write(c->boot_dtb, c->boot.fdt, c->boot.size, &c->err);
}

/* The launch mode dry-run on the boot DTB QEMU gets (check_build.c, as `tessera check` does):
 * a fleet the hypervisor could not build is refused before QEMU starts, unless --skip-check asks
 * to see the hypervisor refuse it. Firmware boots place files elsewhere: not modelled. */
static int run_check_build(struct run_ctx *c)
{
    struct mf_fleet *placed;
    struct check_build_in in = {
        .mode = c->o->mode,
        .mods = c->boot.mods,
        .nmods = c->boot.nmods,
        .ram_base = c->boot.ram_base,
        .ram_size = c->boot.ram_size,
        .dtb_size = c->boot.size,
        .pcpus = run_pcpus(c),
        .trace = c->trace.on,
        .trace_kib = c->o->trace_kib,
    };
    int rc;

    if (c->o->skip_check || c->qm.firmware || c->xen) { /* Xen builds its domains itself */
        return 0;
    }
    if (!(placed = malloc(sizeof(*placed)))) {
        return herr_set(&c->err, -ENOMEM, "out of memory");
    }
    in.fleet = placed;
    rc = fleet_load(c->boot.fdt, MF_BOOT_DTB, in.pcpus, placed, &c->err);
    rc = rc ?: check_build_hyp_size(c->hyp_path, &in.hyp_size, &c->err);
    rc = rc ?: check_build_mode(&in, &c->err);
    free(placed);
    return rc ? herr_prefix(&c->err, rc, "%s", c->o->scenario) : 0;
}

/* Declares the manifest's domains to the console parser; those this launch mode does not build
 * (the control domain outside dom0 mode, the boot domain outside bootdomain mode) are not
 * expected to become ready. */
static int run_declare(struct run_ctx *c)
{
    for (size_t i = 0; i < c->doms.n; i++) {
        const struct scenario_domain *d = &c->doms.v[i];
        long rc = scenario_in_mode(d->roles, c->o->mode) ? clog_declare(&c->log, d->name)
                                                         : clog_declare_idle(&c->log, d->name);
        if (rc < 0) {
            return herr_set(&c->err, -EINVAL, "%s: domain name '%s' cannot appear on the console",
                            c->o->scenario, d->name);
        }
    }
    for (unsigned i = 0; c->xen && i < c->fleet.count; i++) {
        if (xen_in_fleet(&c->fleet.dom[i]) && xenlog_add_domain(&c->xenlog, c->fleet.dom[i].name)) {
            return herr_set(&c->err, -EINVAL, "%s: domain name '%s' is too long", c->o->scenario,
                            c->fleet.dom[i].name);
        }
    }
    return 0;
}

/* The --input texts, decoded, each with the line it waits for. */
static int run_input(struct run_ctx *c)
{
    for (unsigned i = 0; i < c->o->ninput; i++) {
        struct input_step *st = &c->input[c->ninput];
        int rc = input_unescape(c->o->input[i], &st->data, &st->len, &c->err);
        if (rc) {
            return rc;
        }
        st->after = c->o->input_after[i];
        c->ninput++;
    }
    return 0;
}

/* Boots QEMU and watches it. */
static int run_qemu(struct run_ctx *c)
{
    int rc;
    struct watch_params wp = {
        .console_path = c->console_log,
        .timeout_ms = c->o->timeout_ms ? c->o->timeout_ms : c->exp.timeout_ms,
        .quiet = c->o->quiet,
        .label = c->label,
        .log = &c->log,
    };

    if ((rc = run_declare(c)) || (rc = run_input(c))) {
        return rc;
    }
    wp.input = c->input;
    wp.ninput = c->ninput;
    if (c->xen) {
        wp.feed = xenlog_feed;
        wp.feed_ctx = &c->xenlog;
        wp.finished = xenlog_all_ready;
    }
    if (c->qm.firmware ? qemu_boot_argv(&c->qm, NULL, NULL, c->preload, c->npreload, &c->argv)
                       : qemu_boot_argv(&c->qm, c->hyp_path, c->boot_dtb, c->boot.mods,
                                        c->boot.nmods, &c->argv)) {
        return herr_set(&c->err, -ENOMEM, "out of memory");
    }
    wp.argv = c->argv.v;
    if (!c->o->quiet) {
        fprintf(stderr, "tessera: %s: booting (%u CPUs, %u MiB, %zu modules, limit %u ms)\n",
                c->label, c->qm.smp, c->qm.memory_mib, c->boot.nmods, wp.timeout_ms);
    }
    return watch_run(&wp, &c->wr, &c->err);
}

static void run_print_tail(const struct clog_tail *t, const char *empty)
{
    const char *lines[CLOG_TAIL];
    unsigned n = clog_tail_lines(t, lines);

    if (n == 0) {
        fprintf(stderr, "    %s\n", empty);
    }
    for (unsigned i = 0; i < n; i++) {
        fprintf(stderr, "    %s\n", lines[i]);
    }
}

/* After a timeout: which domains never became ready and why (never built, or built but never
 * started because a start-after predecessor never became ready), and what they said last. */
static void run_report_timeout(struct run_ctx *c, uint32_t timeout_ms)
{
    char why[512];

    fprintf(stderr, "tessera: %s: timeout: QEMU was still running after %u ms and was killed\n",
            c->label, timeout_ms);
    for (size_t i = 0; i < c->log.ndom; i++) {
        const struct clog_domain *d = &c->log.dom[i];
        if (d->ready_ns != CLOG_NONE || !d->expected) {
            continue;
        }
        verdict_not_ready(&c->log, &c->doms, d, why, sizeof(why));
        fprintf(stderr, "tessera: %s; its last console lines:\n", why);
        run_print_tail(&d->tail, "(none)");
    }
    fprintf(stderr, "tessera: the hypervisor's last console lines:\n");
    run_print_tail(&c->log.hyp_tail, "(none)");
}

/* How the run ended when it did not end well: the hypervisor's FATAL line, a timeout, or
 * QEMU's exit and what it said on stderr. */
static void run_report_qemu(struct run_ctx *c)
{
    int st = c->wr.status;
    char how[128];

    if (c->log.fatal) {
        fprintf(stderr, "tessera: %s: the hypervisor stopped: FATAL %s\n", c->label, c->log.fatal);
    }
    if (c->wr.timed_out) {
        run_report_timeout(c, c->o->timeout_ms ? c->o->timeout_ms : c->exp.timeout_ms);
    } else if ((!WIFEXITED(st) || WEXITSTATUS(st) != 0) && !c->log.fatal && !c->wr.finished) {
        proc_describe(st, how, sizeof(how));
        fprintf(stderr, "tessera: %s: QEMU %s\n", c->label, how);
    } else {
        return;
    }
    if (c->wr.err.len > 0) {
        fprintf(stderr, "tessera: QEMU's stderr:\n%s%s", c->wr.err.data,
                c->wr.err.data[c->wr.err.len - 1] == '\n' ? "" : "\n");
    }
    if (c->wr.err.dropped > 0) {
        fprintf(stderr, "tessera: (%zu more bytes of QEMU's stderr not kept)\n", c->wr.err.dropped);
    }
}

static int run_write_report(struct run_ctx *c, const struct summary_input *si)
{
    char *path = run_out_path(c, "report.md");
    FILE *f = path ? fopen(path, "w") : NULL;
    int rc = 0;

    if (!f) {
        rc = herr_set(&c->err, -EIO, "cannot create %s/report.md", c->out_dir);
    } else {
        summary_markdown(si, f);
        if (fclose(f) != 0) {
            rc = herr_set(&c->err, -EIO, "cannot write %s", path);
        }
    }
    free(path);
    return rc;
}

/* The trace dump and its conversions. A missing or bad dump is a reason of the verdict only if
 * the run ended by itself: after a timeout, a signal or a FATAL line it follows from those. */
static bool run_results_trace(struct run_ctx *c, struct strvec *reasons)
{
    bool ended = !c->wr.timed_out && WIFEXITED(c->wr.status) && !c->log.fatal;
    bool ok = run_trace_collect(&c->trace, &c->log, ended, reasons);
    json_t *lost = c->trace.result ? json_object_get(c->trace.result, "lost") : NULL;

    if (!c->o->quiet && json_integer_value(lost) > 0) {
        fprintf(stderr,
                "tessera: %s: the trace lost %" JSON_INTEGER_FORMAT " records (full buffers): "
                "raise --trace-kib\n",
                c->label, json_integer_value(lost));
    }
    return ok;
}

/* Verdict, summary.json, report.md and the human summary. Returns the exit status. */
static int run_results(struct run_ctx *c)
{
    struct strvec reasons = STRVEC_INIT;
    struct verdict_input vi = {
        &c->log,         c->wr.status,
        c->wr.timed_out, c->o->timeout_ms ? c->o->timeout_ms : c->exp.timeout_ms,
        &c->doms,        c->xen,
        c->wr.finished};
    bool exited = !c->wr.timed_out && WIFEXITED(c->wr.status);
    struct summary_input si = {
        .scenario = c->scenario_name,
        .scenario_file = c->o->scenario,
        .mode = c->o->mode,
        .backend = c->xen ? "xen" : "tessera",
        .platform = c->exp.platform,
        .firmware = c->qm.firmware != NULL,
        .timing = c->o->realtime ? "realtime" : "icount",
        .seed = c->seed,
        .commit = tessera_commit,
        .qemu_version = c->qemu_version,
        .command = c->o->command,
        .flags = &c->argv,
        .log = &c->log,
        .domains = &c->doms,
        .qemu_exited = exited,
        .qemu_exit_status = exited ? WEXITSTATUS(c->wr.status) : -1,
        .reasons = &reasons,
    };
    char *summary_path = run_out_path(c, "summary.json");
    int rc;

    si.pass = verdict_decide(&vi, &reasons);
    si.pass = run_results_trace(c, &reasons) && si.pass;
    si.trace = c->trace.result;
    run_report_qemu(c);
    rc = summary_path ? summary_write(&si, summary_path, &c->err) : -ENOMEM;
    rc = rc ?: run_write_report(c, &si);
    if (rc == 0 && !c->o->no_summary) {
        summary_human(&si, c->out_dir, stdout);
    }
    free(summary_path);
    strvec_free(&reasons);
    if (rc) {
        fprintf(stderr, "tessera: %s\n", c->err.msg);
        return RUN_EXIT_USAGE;
    }
    return si.pass ? RUN_EXIT_PASS : RUN_EXIT_FAIL;
}

static void run_free(struct run_ctx *c)
{
    char *strings[] = {c->scenario_name, c->scenario_dir, c->out_dir,       c->images_dir,
                       c->hyp_path,      c->scenario_dtb, c->machine_dtb,   c->boot_dtb,
                       c->console_log,   c->qemu_version, c->uboot_env_txt, c->uboot_env,
                       c->board_out};

    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        free(strings[i]);
    }
    free(c->scn);
    free(c->machine);
    scenario_experiment_free(&c->exp);
    scenario_domains_free(&c->doms);
    for (size_t i = 0; i < c->npreload; i++) {
        free(c->preload[i].path);
    }
    for (size_t i = 0; i < c->ninput; i++) {
        free(c->input[i].data);
    }
    bootdtb_free(&c->boot);
    run_trace_free(&c->trace);
    strvec_free(&c->argv);
    clog_free(&c->log);
    watch_result_free(&c->wr);
}

int run_command(const struct run_opts *o)
{
    struct run_ctx c = {.o = o};
    int rc, status;

    if ((rc = run_check_mode(o->mode))) {
        return rc;
    }
    if (o->backend && strcmp(o->backend, "tessera") != 0 && strcmp(o->backend, "xen") != 0) {
        fprintf(stderr, "tessera: --backend: '%s' is neither tessera nor xen\n", o->backend);
        return RUN_EXIT_USAGE;
    }
    c.xen = o->backend && strcmp(o->backend, "xen") == 0;
    clog_init(&c.log);
    xenlog_init(&c.xenlog, &c.log);
    rc = run_paths(&c);
    rc = rc ?: run_cmdline(&c);
    rc = rc ?: run_scenario(&c);
    rc = rc ?: run_machine(&c);
    rc = rc ?: run_bootdtb(&c);
    rc = rc ?: run_check_build(&c);
    rc = rc ?: run_qemu(&c);
    if (rc) {
        fprintf(stderr, "tessera: %s\n", c.err.msg);
        status = RUN_EXIT_USAGE;
    } else {
        status = run_results(&c);
    }
    run_free(&c);
    return status;
}
