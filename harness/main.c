/* The `tessera` command: subcommand dispatch and command-line parsing (getopt_long). Each
 * subcommand's work lives in its own file (run.c, check.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/board_cmd.h>
#include <tessera/harness/check.h>
#include <tessera/harness/commit.h>
#include <tessera/harness/compare.h>
#include <tessera/harness/run.h>
#include <tessera/harness/trace_cmd.h>

/* The command line tessera was started with, for the results' provenance: arguments joined by
 * spaces, each quoted as a shell would need it. */
static char main_command[4096];

static void main_keep_command(int argc, char **argv)
{
    size_t used = 0;

    for (int i = 0; i < argc && used < sizeof(main_command); i++) {
        bool plain =
            argv[i][0] && strspn(argv[i], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789-_=.,/:+@%") == strlen(argv[i]);
        int n = snprintf(main_command + used, sizeof(main_command) - used,
                         plain ? "%s%s" : "%s'%s'", i ? " " : "", argv[i]);
        used += n > 0 ? (size_t)n : 0;
    }
}

static void main_usage(FILE *out)
{
    fprintf(
        out,
        "usage: tessera COMMAND [ARGS]\n"
        "\n"
        "Boots Tessera scenarios on QEMU and measures them.\n"
        "\n"
        "commands:\n"
        "  run SCENARIO --mode MODE [OPTIONS]   boot once; exit 0 only if every expectation "
        "held\n"
        "  check SCENARIO [OPTIONS]             validate, print the resolved fleet\n"
        "  compare SCENARIO [OPTIONS]           every launch mode side by side, with plots\n"
        "  trace DUMP [OPTIONS]                 convert a trace dump: CTF, Perfetto JSON, stats\n"
        "  board SCENARIO --board B [OPTIONS]   the files a real board needs: images, boot.scr,\n"
        "                                       LAVA job\n"
        "\n"
        "options:\n"
        "  -h, --help      this help; `tessera run --help` and `tessera check --help` list\n"
        "                  the options of run and check\n"
        "  --version       print the source commit this tessera was built from\n"
        "\n"
        "exit status: 0 pass, 1 the run failed an expectation, 2 usage, setup or manifest "
        "error\n");
}

static void main_run_usage(FILE *out)
{
    fprintf(
        out,
        "usage: tessera run SCENARIO --mode MODE [OPTIONS]\n"
        "\n"
        "Compiles SCENARIO (a .dts manifest) with dtc, validates its manifest, builds the\n"
        "boot DTB from QEMU's virt machine DTB, boots the hypervisor under QEMU (icount: one\n"
        "instruction per ns) and parses its console. Writes to DIR: scenario.dtb,\n"
        "machine.dtb, boot.dtb, console.log, summary.json, report.md and the hypervisor's\n"
        "trace: trace.dump, converted to trace.ctf/ (CTF), trace.json (Perfetto) and\n"
        "trace-stats.txt.\n"
        "\n"
        "options:\n"
        "  -m, --mode MODE       launch mode: hyperlaunch, dom0 or bootdomain;\n"
        "                        it must be listed in the scenario's /experiment/modes\n"
        "  -o, --out DIR         results directory (default tessera-out/SCENARIO-MODE)\n"
        "      --qemu PATH       QEMU program (default qemu-system-aarch64 from PATH)\n"
        "      --images DIR      where guest images are looked up after the scenario's\n"
        "                        directory, and tessera.bin (default %s)\n"
        "      --backend B       tessera (default) or xen: Xen 4.17 (Debian's\n"
        "                        xen-hypervisor-4.17-arm64) boots the fleet dom0less on the\n"
        "                        same machine; a feature Xen cannot express is refused\n"
        "                        (docs/reference-xen.md)\n"
        "      --hypervisor FILE hypervisor image (default IMAGES/tessera.bin; with --backend\n"
        "                        xen ~/.cache/tessera/xen/boot/xen-4.17-arm64)\n"
        "      --smp N           number of pCPUs (default /experiment/cpus)\n"
        "      --board NAME      qemu-virt (QEMU starts the hypervisor), qemu-virt-uboot (U-Boot\n"
        "                        runs the board script and booti, as on a board) or\n"
        "                        qemu-virt-uboot-tftp (the same over DHCP/TFTP); U-Boot's\n"
        "                        time is firmware_ns; default /experiment/platform\n"
        "      --timeout-ms N    wall-clock limit (default /experiment/timeout-ms, else "
        "30000)\n"
        "      --skip-check      boot even if the host-side manifest check fails, to see the\n"
        "                        hypervisor refuse it\n"
        "      --timing T        icount (default: one instruction per ns, deterministic) or\n"
        "                        realtime (no -icount: multi-threaded TCG, pCPUs truly in\n"
        "                        parallel, wall-derived times)\n"
        "      --trace-kib N     KiB of trace buffer per pCPU (default 128)\n"
        "      --no-trace        no trace dump (and no trace outputs)\n"
        "      --seed N|random  the run's entropy seed, from which each domain's rng-seed\n"
        "                        comes (default fixed, for reproducible runs; in summary.json)\n"
        "      --input TEXT      write TEXT to the serial line (QEMU's stdin) once the console\n"
        "                        showed the --input-after line; C escapes: \\n \\r \\t \\\\\n"
        "                        \\xHH \\NNN (\\x01\\x01\\x01: Ctrl-A three times, the console\n"
        "                        input switch); repeatable, written in the order given\n"
        "      --input-after LINE  the following --input waits for a console line containing\n"
        "                        LINE (default '" INPUT_DEFAULT_AFTER "')\n"
        "  -q, --quiet           no progress lines on stderr\n"
        "  -h, --help            this help\n"
        "\n"
        "exit status: 0 if QEMU exited 0, the hypervisor printed 'exit status=0', every\n"
        "domain of the manifest became ready and the trace was collected; 1 if the run\n"
        "failed; 2 on usage, setup or manifest errors\n",
        TESSERA_IMAGE_DIR);
}

static void main_check_usage(FILE *out)
{
    fprintf(out,
            "usage: tessera check SCENARIO [OPTIONS]\n"
            "\n"
            "Validates SCENARIO without booting it: compiles it with dtc, runs the hypervisor's\n"
            "manifest parser and validator on its /hypervisor node (or its Xen dom0less\n"
            "xen,domain nodes under /chosen), resolves every image, builds the boot DTB in\n"
            "memory and prints the resolved fleet: domains, pCPU map, guest-module placement\n"
            "and start order.\n"
            "\n"
            "options:\n"
            "      --images DIR      where guest images are looked up after the scenario's\n"
            "                        directory (default %s)\n"
            "      --smp N           number of pCPUs (default /experiment/cpus)\n"
            "  -h, --help            this help\n"
            "\n"
            "exit status: 0 if the scenario is valid; 2 otherwise, with a message naming the\n"
            "node and property at fault\n",
            TESSERA_IMAGE_DIR);
}

/* A positive decimal that fits an unsigned int; prints an error naming the option otherwise. */
static int main_number(const char *cmd, const char *opt, const char *s, unsigned *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *s < '0' || *s > '9' || *end || v == 0 || v > 0x7fffffffu) {
        fprintf(stderr, "tessera %s: %s: '%s' is not a positive number\n", cmd, opt, s);
        return -EINVAL;
    }
    *out = (unsigned)v;
    return 0;
}

enum {
    MAIN_OPT_QEMU = 256,
    MAIN_OPT_IMAGES,
    MAIN_OPT_HYPERVISOR,
    MAIN_OPT_SMP,
    MAIN_OPT_TIMEOUT,
    MAIN_OPT_SKIP_CHECK,
    MAIN_OPT_BOARD,
    MAIN_OPT_NO_TRACE,
    MAIN_OPT_TRACE_KIB,
    MAIN_OPT_SEED,
    MAIN_OPT_INPUT,
    MAIN_OPT_INPUT_AFTER,
    MAIN_OPT_BACKEND,
    MAIN_OPT_RUN_TIMING,
};

/* --timing icount|realtime (run and compare): sets *realtime; prints an error otherwise. */
static int main_timing(const char *cmd, const char *s, bool *realtime)
{
    if (strcmp(s, "icount") == 0 || strcmp(s, "realtime") == 0) {
        *realtime = s[0] == 'r';
        return 0;
    }
    fprintf(stderr, "tessera %s: --timing: '%s' is neither icount nor realtime\n", cmd, s);
    return -EINVAL;
}

/* Their long names, in both commands' tables. */
/* clang-format off */
#define MAIN_PER_RUN_LONGOPTS                                         \
    {"qemu", required_argument, NULL, MAIN_OPT_QEMU},                 \
    {"images", required_argument, NULL, MAIN_OPT_IMAGES},             \
    {"hypervisor", required_argument, NULL, MAIN_OPT_HYPERVISOR},     \
    {"backend", required_argument, NULL, MAIN_OPT_BACKEND},           \
    {"board", required_argument, NULL, MAIN_OPT_BOARD},               \
    {"timeout-ms", required_argument, NULL, MAIN_OPT_TIMEOUT},        \
    {"no-trace", no_argument, NULL, MAIN_OPT_NO_TRACE},                \
    {"seed", required_argument, NULL, MAIN_OPT_SEED},                 \
    {"trace-kib", required_argument, NULL, MAIN_OPT_TRACE_KIB}
/* clang-format on */

/* The options `run` and `compare` share (compare passes them to every run). Returns 0, or
 * -EINVAL for a bad value or an option that is none of them. */
static int main_per_run_option(const char *cmd, int opt, struct run_opts *o)
{
    switch (opt) {
    case MAIN_OPT_QEMU:
        o->qemu = optarg;
        return 0;
    case MAIN_OPT_IMAGES:
        o->images = optarg;
        return 0;
    case MAIN_OPT_HYPERVISOR:
        o->hypervisor = optarg;
        return 0;
    case MAIN_OPT_BACKEND:
        o->backend = optarg;
        return 0;
    case MAIN_OPT_TIMEOUT:
        return main_number(cmd, "--timeout-ms", optarg, &o->timeout_ms);
    case MAIN_OPT_BOARD:
        o->board = optarg;
        return 0;
    case MAIN_OPT_NO_TRACE:
        o->no_trace = true;
        return 0;
    case MAIN_OPT_TRACE_KIB:
        return main_number(cmd, "--trace-kib", optarg, &o->trace_kib);
    case MAIN_OPT_SEED:
        o->seed = optarg;
        return 0;
    default:
        return -EINVAL;
    }
}

/* Applies one option of `run`; returns 0, 1 for --help, or -EINVAL. */
static int main_run_option(int opt, void *opts)
{
    struct run_opts *o = opts;

    switch (opt) {
    case 'm':
        o->mode = optarg;
        return 0;
    case 'o':
        o->out = optarg;
        return 0;
    case 'q':
        o->quiet = true;
        return 0;
    case 'h':
        return 1;
    case MAIN_OPT_SMP:
        return main_number("run", "--smp", optarg, &o->smp);
    case MAIN_OPT_SKIP_CHECK:
        o->skip_check = true;
        return 0;
    case MAIN_OPT_RUN_TIMING:
        return main_timing("run", optarg, &o->realtime);
    case MAIN_OPT_INPUT_AFTER:
        o->next_after = optarg;
        return 0;
    case MAIN_OPT_INPUT:
        if (o->ninput == INPUT_MAX_STEPS) {
            fprintf(stderr, "tessera run: at most %d --input\n", INPUT_MAX_STEPS);
            return -EINVAL;
        }
        o->input_after[o->ninput] = o->next_after ? o->next_after : INPUT_DEFAULT_AFTER;
        o->input[o->ninput++] = optarg;
        return 0;
    default:
        return main_per_run_option("run", opt, o);
    }
}

/* Exactly one SCENARIO operand; prints what is wrong otherwise. */
static bool main_one_scenario(const char *cmd, int argc)
{
    if (optind + 1 == argc) {
        return true;
    }
    fprintf(stderr, "tessera %s: %s\ntry 'tessera %s --help'\n", cmd,
            optind >= argc ? "missing SCENARIO" : "exactly one SCENARIO, please", cmd);
    return false;
}

/* A subcommand's command line: getopt_long with option() applying each option to o (0, 1 for
 * --help, or -EINVAL), then exactly one SCENARIO operand. Returns -1 to go on, else the exit
 * status (help printed, or a usage error explained on stderr). */
static int main_parse(const char *cmd, int argc, char **argv, const char *shortopts,
                      const struct option *longopts, int (*option)(int opt, void *o), void *o,
                      void (*usage)(FILE *out))
{
    int opt, rc;

    while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if ((rc = option(opt, o)) > 0) {
            usage(stdout);
            return RUN_EXIT_PASS;
        }
        if (rc < 0) {
            fprintf(stderr, "try 'tessera %s --help'\n", cmd);
            return RUN_EXIT_USAGE;
        }
    }
    return main_one_scenario(cmd, argc) ? -1 : RUN_EXIT_USAGE;
}

static int main_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"mode", required_argument, NULL, 'm'},
        {"out", required_argument, NULL, 'o'},
        MAIN_PER_RUN_LONGOPTS,
        {"smp", required_argument, NULL, MAIN_OPT_SMP},
        {"skip-check", no_argument, NULL, MAIN_OPT_SKIP_CHECK},
        {"timing", required_argument, NULL, MAIN_OPT_RUN_TIMING},
        {"input", required_argument, NULL, MAIN_OPT_INPUT},
        {"input-after", required_argument, NULL, MAIN_OPT_INPUT_AFTER},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct run_opts o = {.command = main_command};
    int rc = main_parse("run", argc, argv, "m:o:qh", longopts, main_run_option, &o, main_run_usage);

    if (rc >= 0) {
        return rc;
    }
    if (!o.mode) {
        fprintf(stderr, "tessera run: missing --mode MODE\ntry 'tessera run --help'\n");
        return RUN_EXIT_USAGE;
    }
    if (o.no_trace && o.trace_kib) {
        fprintf(stderr, "tessera run: --trace-kib sizes the trace, which --no-trace turns off\n"
                        "try 'tessera run --help'\n");
        return RUN_EXIT_USAGE;
    }
    o.scenario = argv[optind];
    return run_command(&o);
}

/* Applies one option of `check`; returns 0, 1 for --help, or -EINVAL. */
static int main_check_option(int opt, void *opts)
{
    struct check_opts *o = opts;

    switch (opt) {
    case 'h':
        return 1;
    case MAIN_OPT_IMAGES:
        o->images = optarg;
        return 0;
    case MAIN_OPT_SMP:
        return main_number("check", "--smp", optarg, &o->smp);
    default:
        return -EINVAL;
    }
}

static int main_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"images", required_argument, NULL, MAIN_OPT_IMAGES},
        {"smp", required_argument, NULL, MAIN_OPT_SMP},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct check_opts o = {0};
    int rc =
        main_parse("check", argc, argv, "h", longopts, main_check_option, &o, main_check_usage);

    if (rc >= 0) {
        return rc;
    }
    o.scenario = argv[optind];
    return check_command(&o, stdout, stderr);
}

static void main_compare_usage(FILE *out)
{
    fprintf(out,
            "usage: tessera compare SCENARIO [OPTIONS]\n"
            "\n"
            "Runs SCENARIO in every launch mode of its /experiment/modes (or --modes), each run\n"
            "exactly as `tessera run`, into DIR/MODE/ (reruns into DIR/MODE/run-K/), prints the\n"
            "modes side by side (hypervisor init, every fleet domain's created / first\n"
            "instruction / first output / ready, all ready, the dom0/hyperlaunch and\n"
            "bootdomain/hyperlaunch ratios) and writes DIR/compare.json, DIR/compare.md and\n"
            "gnuplot plots (compare.png|svg, timeline-MODE.png|svg).\n"
            "\n"
            "options:\n"
            "  -o, --out DIR         results directory (default tessera-out/SCENARIO)\n"
            "      --modes M1,M2     launch modes to run (default /experiment/modes)\n"
            "  -r, --repeat N        runs per mode (default 1)\n"
            "      --timing T        icount (default: deterministic; reruns must be identical)\n"
            "                        or realtime (no -icount: wall-derived numbers, statistics\n"
            "                        over the repeats: min, median, p99, max)\n"
            "      --qemu PATH       QEMU program (default qemu-system-aarch64 from PATH)\n"
            "      --images DIR      image directory (default %s)\n"
            "      --backend B1,B2   tessera (default), xen, or tessera,xen: every mode on\n"
            "                        each, side by side, with xen/tessera ratios\n"
            "      --hypervisor FILE hypervisor image (default IMAGES/tessera.bin)\n"
            "      --board NAME      as in `tessera run` (through U-Boot every time includes\n"
            "                        its firmware_ns)\n"
            "      --timeout-ms N    wall-clock limit per run (default /experiment/timeout-ms)\n"
            "      --no-trace        no trace dump in the runs\n"
            "      --trace-kib N     KiB of trace buffer per pCPU in every run (default 128)\n"
            "      --seed N|random  every run's entropy seed (random: a new one per run)\n"
            "  -q, --quiet           no progress lines on stderr\n"
            "  -h, --help            this help\n"
            "\n"
            "exit status: 0 if every run passed; 1 if any failed (the results are still\n"
            "written); 2 on usage or setup errors\n",
            TESSERA_IMAGE_DIR);
}

enum { MAIN_OPT_MODES = 512, MAIN_OPT_TIMING };

/* Applies one option of `compare`; returns 0, 1 for --help, or -EINVAL. */
static int main_compare_option(int opt, void *opts)
{
    struct compare_opts *o = opts;

    switch (opt) {
    case 'o':
        o->out = optarg;
        return 0;
    case 'r':
        return main_number("compare", "--repeat", optarg, &o->repeat);
    case 'q':
        o->quiet = true;
        return 0;
    case 'h':
        return 1;
    case MAIN_OPT_MODES:
        o->modes = optarg;
        return 0;
    case MAIN_OPT_TIMING:
        return main_timing("compare", optarg, &o->realtime);
    default:
        return main_per_run_option("compare", opt, &o->run);
    }
}

static int main_compare(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},
        {"modes", required_argument, NULL, MAIN_OPT_MODES},
        {"repeat", required_argument, NULL, 'r'},
        {"timing", required_argument, NULL, MAIN_OPT_TIMING},
        MAIN_PER_RUN_LONGOPTS,
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct compare_opts o = {.run = {.command = main_command}};
    int rc = main_parse("compare", argc, argv, "o:r:qh", longopts, main_compare_option, &o,
                        main_compare_usage);

    if (rc >= 0) {
        return rc;
    }
    if (o.run.no_trace && o.run.trace_kib) {
        fprintf(stderr,
                "tessera compare: --trace-kib sizes the trace, which --no-trace turns off\n");
        return RUN_EXIT_USAGE;
    }
    o.scenario = argv[optind];
    return compare_command(&o);
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : NULL;

    main_keep_command(argc, argv);
    if (!cmd || strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        main_usage(cmd ? stdout : stderr);
        return cmd ? RUN_EXIT_PASS : RUN_EXIT_USAGE;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("tessera %s\n", tessera_commit);
        return RUN_EXIT_PASS;
    }
    if (strcmp(cmd, "run") == 0) {
        return main_run(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "check") == 0) {
        return main_check(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "trace") == 0) {
        return trace_cmd_main(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "compare") == 0) {
        return main_compare(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "board") == 0) {
        return board_cmd_main(argc - 1, argv + 1);
    }
    fprintf(stderr, "tessera: unknown command '%s'; try 'tessera --help'\n", cmd);
    return RUN_EXIT_USAGE;
}
