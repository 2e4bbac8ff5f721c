/* Board files and what `tessera board` writes: every shipped board file parses, bad ones are
 * refused naming file, line and key; the layout (2 MiB aligned, never below 12 MiB, refused past
 * the end of RAM); the U-Boot script and LAVA job against golden files; the LAVA job parsed
 * back with libyaml and its monitor pattern tried on a real console line; boot.scr's header. */
#include <criterion/criterion.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include <libfdt.h>

#include <tessera/harness/board.h>
#include <tessera/harness/board_bundle.h>
#include <tessera/harness/images.h>
#include <tessera/harness/fileio.h>

#include "helpers.h"

#define GOLDEN HARNESS_TEST_SRC "/golden"
#define BOARDS TESSERA_SOURCE_DIR "/harness/boards"

static struct board load(const char *name)
{
    struct board b;
    struct herr e;

    cr_assert_eq(board_load(BOARDS, name, &b, &e), 0, "%s", e.msg);
    return b;
}

Test(board, every_shipped_board_file_parses)
{
    struct board b = load("zcu102");

    cr_assert_eq(b.kind, BOARD_HARDWARE);
    cr_assert(b.uboot);
    cr_assert_eq(b.cpus, 4);
    cr_assert_eq(b.ram_base, 0);
    cr_assert_eq(b.ram_size, 0x80000000ull);
    cr_assert_eq(b.gic_version, 2);
    cr_assert_eq(b.gicd, 0xf9010000ull);
    cr_assert_str_eq(b.uart, "cdns,uart-r1p12");
    cr_assert_str_eq(b.dtb, "xilinx/zynqmp-zcu102-rev1.0.dtb");
    cr_assert_str_eq(b.lava_device_type, "zcu102");
    b = load("rpi4");
    cr_assert_eq(b.gicd, 0xff841000ull);
    cr_assert_str_eq(b.load, "fatload mmc 0:1");
    cr_assert_str_eq(b.lava_device_type, "bcm2711-rpi-4-b");
    b = load("qemu-virt");
    cr_assert_eq(b.kind, BOARD_QEMU);
    cr_assert_not(b.uboot);
    cr_assert_eq(b.gic_version, 3);
    b = load("qemu-virt-uboot");
    cr_assert(board_preloaded(&b));
    b = load("qemu-virt-uboot-tftp");
    cr_assert_str_eq(b.load, "tftpboot");
    cr_assert_not(board_preloaded(&b));
}

static void refused(const char *text, const char *msg)
{
    struct board b;
    struct herr e;

    cr_assert_eq(board_parse(text, "x.conf", &b, &e), -EINVAL, "accepted: %s", text);
    cr_assert_not_null(strstr(e.msg, msg), "'%s' not in '%s'", msg, e.msg);
}

#define BASE                                                                                       \
    "name = b\ndescription = d\nkind = qemu\nfirmware = none\nram-base = 0x40000000\n"             \
    "gicd = 0x8000000\nuart = arm,pl011\nuart-base = 0x9000000\n"

Test(board, bad_board_files_are_refused_with_file_line_and_key)
{
    struct board b;
    struct herr e;

    cr_assert_eq(board_parse(BASE "gic-version = 3\ngicr = 0x80a0000\n", "x.conf", &b, &e), 0, "%s",
                 e.msg);
    refused(BASE "gic-version = 3\ngicr = 0x80a0000\ncolour = red\n",
            "x.conf:11: unknown key 'colour'");
    refused(BASE "gic-version = 3\ngicr = 0x80a0000\ngicr = 1\n", "x.conf:11: gicr: given twice");
    refused(BASE "gic-version = 3\ngicr = lots\n", "x.conf:10: gicr: 'lots' is not a number");
    refused(BASE "gic-version = 3\ngicr = -1\n", "gicr: '-1' is not a number");
    refused(BASE "gic-version = 3\n", "a GICv3 needs gicr");
    refused(BASE "gic-version = 4\ngicr = 1\n", "gic-version: 4, but only 2 and 3 exist");
    refused(BASE "gic-version = 3\ngicr = 1\nhello\n", "x.conf:11: 'hello' is not `key = value`");
    refused("name = b\n", "x.conf: description: missing");
    refused(BASE "gic-version = 3\ngicr = 1\nkind = hardware\n", "kind: given twice");
    refused("name = b\ndescription = d\nkind = hardware\nfirmware = u-boot\nram-base = 0\n"
            "gicd = 1\ngicc = 2\ngic-version = 2\nuart = u\nuart-base = 3\nload = tftpboot\n",
            "a hardware board needs ram-size, cpus, dtb and firmware = u-boot");
    refused("name = b\ndescription = d\nkind = hardware\nfirmware = u-boot\nram-base = 0\n"
            "ram-size = 0x1000000\ncpus = 1\ndtb = x.dtb\ngicd = 1\ngicc = 2\ngic-version = 2\n"
            "uart = u\nuart-base = 3\nload = loader\n",
            "load = loader: only QEMU has a loader device");
    refused(BASE "gic-version = 3\ngicr = 1\nfirmware = u-boot\n", "firmware: given twice");
    refused("name = b\ndescription = d\nkind = qemu\nfirmware = u-boot\nram-base = 0x40000000\n"
            "gicd = 1\ngicr = 2\ngic-version = 3\nuart = u\nuart-base = 3\n",
            "load: missing");
    refused("name = b\ndescription = d\nkind = qemu\nfirmware = none\nram-base = 0x40001000\n"
            "gicd = 1\ngicr = 2\ngic-version = 3\nuart = u\nuart-base = 3\n",
            "ram-base: 0x40001000 is not 2 MiB aligned");
}

Test(board, unknown_board_names_the_ones_there_are)
{
    struct board b;
    struct herr e;

    cr_assert_eq(board_load(BOARDS, "vax", &b, &e), -ENOENT);
    cr_assert_not_null(strstr(e.msg, "unknown board 'vax'"), "%s", e.msg);
    cr_assert_not_null(strstr(e.msg, "boards: qemu-virt, qemu-virt-uboot, qemu-virt-uboot-tftp, "
                                     "rpi4, zcu102"),
                       "%s", e.msg);
    cr_assert_eq(board_load(BOARDS, "../etc/passwd", &b, &e), -EINVAL);
}

Test(board, limits_name_what_the_hypervisor_cannot_drive)
{
    struct board b = load("zcu102");
    char buf[512];

    cr_assert(board_limits(&b, buf, sizeof(buf)));
    cr_assert_not_null(strstr(buf, "GICv2 and a cdns,uart-r1p12 UART"), "%s", buf);
    cr_assert_not_null(strstr(buf, "no console output and no interrupts"), "%s", buf);
    b = load("qemu-virt-uboot");
    cr_assert_not(board_limits(&b, buf, sizeof(buf)));
}

/* The pingpong layout on a ZCU102: two 20728-byte kernels, a 35257-byte boot DTB. */
static struct bootdtb_module mods[2];
static struct bootdtb bd = {.mods = mods, .nmods = 2};

static struct board_layout zcu102_layout(struct board *b)
{
    struct board_layout l;
    struct herr e;

    *b = load("zcu102");
    cr_assert_eq(board_layout_start(b, b->ram_base, b->ram_size, 123264, &l, &e), 0, "%s", e.msg);
    mods[0] = (struct bootdtb_module){.addr = l.module_base, .size = 20728};
    mods[1] = (struct bootdtb_module){.addr = l.module_base + (2 << 20), .size = 20728};
    cr_assert_eq(board_layout_finish(&l, &bd, 35257 + (64 << 10), 65536, &e), 0, "%s", e.msg);
    l.f[BOARD_F_DTB].size = 35257;
    return l;
}

Test(board, layout_is_2mib_aligned_and_never_below_12mib)
{
    struct board b;
    struct board_layout l = zcu102_layout(&b), q;
    struct herr e;

    cr_assert_eq(l.f[BOARD_F_HYP].addr, 0xc00000, "RAM base + 2 MiB is below 12 MiB");
    cr_assert_eq(l.module_base, 0xe00000);
    cr_assert_eq(l.f[BOARD_F_MODULES].addr, 0xe00000);
    cr_assert_eq(l.f[BOARD_F_MODULES].size, (2 << 20) + 20728, "up to the end of the last");
    cr_assert_eq(l.f[BOARD_F_DTB].addr, 0x1200000);
    cr_assert_eq(l.f[BOARD_F_SCRIPT].addr, 0x1400000);
    for (int i = 0; i < BOARD_FILES; i++) {
        cr_assert_eq(l.f[i].addr % BOARD_ALIGN, 0, "%s", l.f[i].name);
    }
    b = load("qemu-virt-uboot");
    cr_assert_eq(board_layout_start(&b, 0x40000000, 1 << 30, 123264, &q, &e), 0);
    cr_assert_eq(q.f[BOARD_F_HYP].addr, 0x40200000, "RAM base + 2 MiB");
}

Test(board, layout_refuses_what_passes_the_end_of_ram)
{
    struct board b = load("rpi4");
    struct board_layout l;
    struct herr e;

    cr_assert_eq(board_layout_start(&b, 0, 16 << 20, 8 << 20, &l, &e), -E2BIG);
    cr_assert_not_null(strstr(e.msg, "tessera.bin (hypervisor, 8388608 bytes) would be loaded at "
                                     "0xc00000 and end at 0x1400000, past the end of the "
                                     "board's RAM at 0x1000000"),
                       "%s", e.msg);
    cr_assert_eq(board_layout_start(&b, 0, 64 << 20, 1 << 20, &l, &e), 0);
    mods[0] = (struct bootdtb_module){.addr = l.module_base, .size = 60 << 20};
    bd.nmods = 1;
    cr_assert_eq(board_layout_finish(&l, &bd, 4096, 65536, &e), -E2BIG);
    cr_assert_not_null(strstr(e.msg, "modules.bin (guest modules"), "%s", e.msg);
    bd.nmods = 2;
}

static char *slurp(const char *path)
{
    void *buf;
    size_t len;
    struct herr e;

    cr_assert_eq(fileio_read(path, &buf, &len, &e), 0, "%s", e.msg);
    char *s = realloc(buf, len + 1);
    s[len] = '\0';
    return s;
}

/* text against GOLDEN/name; TESSERA_UPDATE_GOLDEN=1 rewrites the golden file instead. */
static void golden(const char *name, const char *text)
{
    char path[512];
    struct herr e;

    snprintf(path, sizeof(path), "%s/%s", GOLDEN, name);
    if (getenv("TESSERA_UPDATE_GOLDEN")) {
        cr_assert_eq(fileio_write(path, text, strlen(text), &e), 0, "%s", e.msg);
    }
    char *want = slurp(path);
    cr_assert_str_eq(text, want, "%s differs from the golden file", name);
    free(want);
}

static char *script_text(const struct board *b, const struct board_layout *l)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    board_uboot_script(b, l, "pingpong", "hyperlaunch", f);
    fclose(f);
    return text;
}

Test(board, uboot_script_matches_golden)
{
    struct board b;
    struct board_layout l = zcu102_layout(&b);
    char *text = script_text(&b, &l);

    golden("zcu102-pingpong.boot.cmd", text);
    free(text);
    b = load("qemu-virt-uboot");
    text = script_text(&b, &l);
    golden("qemu-virt-uboot-pingpong.boot.cmd", text);
    free(text);
}

Test(board, mkimage_makes_a_uboot_script_image)
{
    char dir[] = "/tmp/tessera-board-XXXXXX", cmd[64], scr[64];
    struct herr e;
    unsigned char *img;
    size_t len;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof(cmd), "%s/boot.cmd", dir);
    snprintf(scr, sizeof(scr), "%s/boot.scr", dir);
    cr_assert_eq(fileio_write(cmd, "echo hi\n", 8, &e), 0);
    cr_assert_eq(board_mkimage(cmd, scr, "tessera test", &e), 0, "%s", e.msg);
    cr_assert_eq(fileio_read(scr, (void **)&img, &len, &e), 0);
    /* legacy U-Boot image header (64 bytes, big-endian): magic, ..., os, arch, type, comp, name;
     * a script's payload starts with a table of part lengths ending in 0. */
    cr_assert_eq(len, 64 + 8 + 8);
    cr_assert_eq(img[0] << 24 | img[1] << 16 | img[2] << 8 | img[3], 0x27051956, "magic");
    cr_assert_eq(img[29], 22, "arch arm64");
    cr_assert_eq(img[30], 6, "type script");
    cr_assert_eq(img[31], 0, "no compression");
    cr_assert_str_eq((char *)img + 32, "tessera test");
    cr_assert_eq(img[64 + 3], 8, "one part of 8 bytes");
    cr_assert_eq(memcmp(img + 72, "echo hi\n", 8), 0);
    free(img);
    cr_assert_eq(board_mkimage("/nonexistent/boot.cmd", scr, "x", &e), -EIO);
    cr_assert_not_null(strstr(e.msg, "mkimage (Debian's u-boot-tools) failed"), "%s", e.msg);
    remove(cmd);
    remove(scr);
    remove(dir);
}

/* ---- the LAVA job, parsed back ---- */

static char *lava_text(void)
{
    struct board b;
    struct board_layout l = zcu102_layout(&b);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct herr e;

    cr_assert_eq(
        board_lava_job(&b, &l, "pingpong", "hyperlaunch", "https://files.example/t", 1, f, &e), 0,
        "%s", e.msg);
    fclose(f);
    return text;
}

Test(board, lava_job_matches_golden)
{
    char *text = lava_text();
    golden("zcu102-pingpong.lava-job.yaml", text);
    free(text);
}

/* A node of doc found by a path of mapping keys and sequence indexes ("actions", "1", ...). */
static yaml_node_t *ynode(yaml_document_t *doc, yaml_node_t *n, const char *const *path)
{
    for (; *path && n; path++) {
        yaml_node_t *next = NULL;
        if (n->type == YAML_MAPPING_NODE) {
            for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
                 p < n->data.mapping.pairs.top && !next; p++) {
                yaml_node_t *k = yaml_document_get_node(doc, p->key);
                if (k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, *path)) {
                    next = yaml_document_get_node(doc, p->value);
                }
            }
        } else if (n->type == YAML_SEQUENCE_NODE) {
            long i = strtol(*path, NULL, 10);
            yaml_node_item_t *it = n->data.sequence.items.start + i;
            next = it < n->data.sequence.items.top ? yaml_document_get_node(doc, *it) : NULL;
        }
        n = next;
    }
    return n;
}

static const char *yscalar(yaml_document_t *doc, const char *const *path)
{
    yaml_node_t *n = ynode(doc, yaml_document_get_root_node(doc), path);
    cr_assert(n && n->type == YAML_SCALAR_NODE, "no scalar at %s...", path[0]);
    return (const char *)n->data.scalar.value;
}

#define Y(...) ((const char *const[]){__VA_ARGS__, NULL})

Test(board, lava_job_parses_back)
{
    char *text = lava_text();
    yaml_parser_t p;
    yaml_document_t doc;
    yaml_node_t *cmds;

    cr_assert(yaml_parser_initialize(&p));
    yaml_parser_set_input_string(&p, (unsigned char *)text, strlen(text));
    cr_assert(yaml_parser_load(&p, &doc), "not YAML: %s", p.problem);
    cr_assert_str_eq(yscalar(&doc, Y("device_type")), "zcu102");
    cr_assert_str_eq(yscalar(&doc, Y("job_name")), "tessera pingpong hyperlaunch on zcu102");
    cr_assert_str_eq(yscalar(&doc, Y("timeouts", "job", "minutes")), "16");
    cr_assert_str_eq(yscalar(&doc, Y("actions", "0", "deploy", "to")), "tftp");
    cr_assert_str_eq(yscalar(&doc, Y("actions", "0", "deploy", "kernel", "url")),
                     "https://files.example/t/tessera.bin");
    cr_assert_str_eq(yscalar(&doc, Y("actions", "0", "deploy", "kernel", "type")), "image");
    cr_assert_str_eq(yscalar(&doc, Y("actions", "0", "deploy", "ramdisk", "url")),
                     "https://files.example/t/modules.bin");
    cr_assert_str_eq(yscalar(&doc, Y("actions", "0", "deploy", "dtb", "url")),
                     "https://files.example/t/boot.dtb");
    cr_assert_str_eq(yscalar(&doc, Y("actions", "1", "boot", "method")), "u-boot");
    cmds = ynode(&doc, yaml_document_get_root_node(&doc), Y("actions", "1", "boot", "commands"));
    cr_assert(cmds && cmds->type == YAML_SEQUENCE_NODE);
    cr_assert_eq(cmds->data.sequence.items.top - cmds->data.sequence.items.start, 8);
    cr_assert_str_eq(yscalar(&doc, Y("actions", "1", "boot", "commands", "3")),
                     "tftpboot 0xc00000 {KERNEL}");
    cr_assert_str_eq(yscalar(&doc, Y("actions", "1", "boot", "commands", "4")),
                     "tftpboot 0xe00000 {RAMDISK}");
    cr_assert_str_eq(yscalar(&doc, Y("actions", "1", "boot", "commands", "5")),
                     "tftpboot 0x1200000 {DTB}");
    cr_assert_str_eq(yscalar(&doc, Y("actions", "1", "boot", "commands", "7")),
                     "booti 0xc00000 - 0x1200000");
    cr_assert_str_eq(yscalar(&doc, Y("actions", "2", "test", "monitors", "0", "start")),
                     "hyp: entry el=2");
    cr_assert_str_eq(yscalar(&doc, Y("actions", "2", "test", "monitors", "0", "end")),
                     board_lava_end);
    cr_assert_str_eq(yscalar(&doc, Y("actions", "2", "test", "monitors", "0", "pattern")),
                     board_lava_pattern);
    cr_assert_str_eq(
        yscalar(&doc, Y("actions", "2", "test", "monitors", "0", "fixupdict", "ready")), "pass");
    yaml_document_delete(&doc);
    yaml_parser_delete(&p);
    free(text);
}

/* A LAVA pattern (Python re) as POSIX ERE: without its (?P<name>) labels, so the groups are
 * numbered in their order, and with its \n escapes as newlines. */
static void to_ere(const char *python, char ere[256])
{
    char *o = ere;

    for (const char *s = python; *s && o < ere + 255;) {
        if (!strncmp(s, "(?P<", 4)) {
            *o++ = '(';
            s = strchr(s, '>') + 1;
        } else if (!strncmp(s, "\\n", 2)) {
            *o++ = '\n';
            s += 2;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
}

/* LAVA's pattern is a Python regex; without its (?P<name>) labels it is POSIX ERE, so the group
 * numbers are the labels in order: measurement, test_case_id, result. */
Test(board, lava_pattern_turns_a_ready_line_into_a_measurement)
{
    char ere[256];
    regex_t re;
    regmatch_t m[4];
    const char *line = "\n[0.001300000] hyp: dom cluster ready";

    to_ere(board_lava_pattern, ere);
    cr_assert_eq(regcomp(&re, ere, REG_EXTENDED), 0, "%s", ere);
    cr_assert_eq(regexec(&re, line, 4, m, 0), 0, "%s does not match %s", ere, line);
    cr_assert_eq(m[1].rm_eo - m[1].rm_so, 11);
    cr_assert_eq(strncmp(line + m[1].rm_so, "0.001300000", 11), 0);
    cr_assert_eq(strncmp(line + m[2].rm_so, "cluster", 7), 0);
    cr_assert_eq(strncmp(line + m[3].rm_so, "ready", 5), 0);
    cr_assert_neq(regexec(&re, "\n[0.001300000] hyp: dom cluster created id=1", 4, m, 0), 0);
    cr_assert_neq(regexec(&re, "\n[0.001300000] cluster: dom x ready", 4, m, 0), 0);
    regfree(&re);
}

/* A guest line can hold any printable text, a whole forged milestone included; LAVA matches its
 * patterns anywhere in the serial stream, so they start at a newline, which only the hypervisor
 * writes before a line's prefix (docs/console.md). */
Test(board, lava_patterns_match_only_the_hypervisors_lines)
{
    char ere[256];
    regex_t re;
    regmatch_t m[4];
    static const char *const forged[] = {
        "\n[0.000200000] evil: [0.001300000] hyp: dom cluster ready",
        "[0.001300000] hyp: dom cluster ready", /* not after a newline: the stream's first line */
        "\n[0.000200000] evil: hyp: dom cluster ready",
    };

    to_ere(board_lava_pattern, ere);
    cr_assert_eq(regcomp(&re, ere, REG_EXTENDED), 0, "%s", ere);
    cr_assert_eq(regexec(&re,
                         "U-Boot\n[0.000100000] hyp: init done\n[0.001300000] hyp: dom "
                         "cluster ready\n",
                         4, m, 0),
                 0);
    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        cr_assert_neq(regexec(&re, forged[i], 4, m, 0), 0, "the pattern matches %s", forged[i]);
    }
    regfree(&re);
    to_ere(board_lava_end, ere);
    cr_assert_eq(regcomp(&re, ere, REG_EXTENDED), 0, "%s", ere);
    cr_assert_eq(regexec(&re, "x\n[0.002000000] hyp: exit status=0\n", 0, NULL, 0), 0);
    cr_assert_neq(
        regexec(&re, "\n[0.000200000] evil: [0.002000000] hyp: exit status=0", 0, NULL, 0), 0,
        "the end pattern matches a guest's line");
    regfree(&re);
}

/* ---- a whole bundle for a hardware board, from a vendor-like DTB ---- */

/* Like a vendor DTB: 2 address and 1 size cells, phandles from 1, memory left for firmware. */
static const char vendor_dts[] =
    "/dts-v1/; / { #address-cells = <2>; #size-cells = <1>;"
    " intc: interrupt-controller@ff841000 { reg = <0 0xff841000 0x1000>; phandle = <1>; };"
    " memory@0 { device_type = \"memory\"; reg = <0 0 0>; };"
    " chosen { }; };";

static const char scenario_dts[] =
    "/dts-v1/; / { experiment { cpus = <2>; };"
    " hypervisor { compatible = \"tessera,hypervisor\";"
    "  a: a { compatible = \"tessera,domain\"; domid = <1>; kernel { image = \"a.bin\"; }; };"
    "  b { compatible = \"tessera,domain\"; domid = <2>; start-after = <&a>;"
    "      kernel { image = \"b.bin\"; }; }; }; };";

Test(board, bundle_for_a_hardware_board)
{
    char err[512] = "", *dir = th_tmpdir(), *out, *p;
    void *machine = th_compile(vendor_dts, err, sizeof(err)), *scn, *buf;
    struct board b = load("rpi4");
    struct board_bundle bb;
    struct herr e;
    size_t len;

    cr_assert_not_null(machine, "%s", err);
    scn = th_compile(scenario_dts, err, sizeof(err));
    cr_assert_not_null(scn, "%s", err);
    free(th_write(dir, "a.bin", "AAAA", 4));
    free(th_write(dir, "b.bin", "BBBBBB", 6));
    p = th_write(dir, "tessera.bin", "hypervisor", 10);
    out = fileio_join(dir, "out");
    struct images_ctx ic = {dir, dir};
    struct board_bundle_params bp = {
        .board = &b,
        .scenario_name = "two",
        .mode = "hyperlaunch",
        .dtb = {.machine = machine,
                .machine_len = fdt_totalsize(machine),
                .scenario = scn,
                .scenario_len = fdt_totalsize(scn),
                .bootargs = "mode=hyperlaunch",
                .resolve = images_resolve,
                .resolve_ctx = &ic},
        .hyp_path = p,
        .out_dir = out,
        .lava_url = "https://x/two",
        .timeout_ms = 30000,
    };
    cr_assert_eq(board_bundle_write(&bp, &bb, &e), 0, "%s", e.msg);
    cr_assert(bb.lava);
    /* modules.bin: a.bin at 0, b.bin at the next 2 MiB boundary, zeros between */
    cr_assert_eq(bb.boot.nmods, 2);
    cr_assert_eq(bb.boot.mods[0].addr, 0xe00000, "after the hypervisor at 12 MiB");
    cr_assert_eq(bb.boot.mods[1].addr, 0x1000000);
    char *mods = fileio_join(out, "modules.bin");
    cr_assert_eq(fileio_read(mods, &buf, &len, &e), 0, "%s", e.msg);
    cr_assert_eq(len, (2 << 20) + 6);
    cr_assert_eq(memcmp(buf, "AAAA", 4), 0);
    cr_assert_eq(((char *)buf)[4], 0);
    cr_assert_eq(memcmp((char *)buf + (2 << 20), "BBBBBB", 6), 0);
    free(buf);
    /* boot.dtb: the board file's RAM in the DTB's own cells, the manifest's phandles moved */
    const void *fdt = bb.boot.fdt;
    int mem = fdt_path_offset(fdt, "/memory@0"), rlen;
    const fdt32_t *reg = fdt_getprop(fdt, mem, "reg", &rlen);
    cr_assert(reg && rlen == 12, "2 + 1 cells");
    cr_assert_eq(fdt32_to_cpu(reg[2]), 0x40000000, "rpi4: the first GiB");
    int a = fdt_path_offset(fdt, "/chosen/hypervisor/a"),
        bn = fdt_path_offset(fdt, "/chosen/hypervisor/b");
    const fdt32_t *after = fdt_getprop(fdt, bn, "start-after", NULL);
    cr_assert_gt(fdt_get_phandle(fdt, a), 1, "phandle 1 is the interrupt controller's");
    cr_assert_eq(fdt32_to_cpu(after[0]), fdt_get_phandle(fdt, a));
    cr_assert_str_eq(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", NULL),
                     "mode=hyperlaunch");
    /* every file there, the script sized */
    static const char *const files[] = {"tessera.bin", "boot.dtb",  "boot.cmd",
                                        "boot.scr",    "board.txt", "lava-job.yaml"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *f = fileio_join(out, files[i]);
        cr_assert(fileio_is_file(f), "%s missing", files[i]);
        free(f);
    }
    cr_assert_gt(bb.layout.f[BOARD_F_SCRIPT].size, 64);
    char *txt = fileio_join(out, "board.txt");
    cr_assert_eq(fileio_read(txt, &buf, &len, &e), 0);
    static const char want[] =
        "setenv bootcmd 'fatload mmc 0:1 0x1400000 boot.scr && source 0x1400000'";
    cr_assert_not_null(memmem(buf, len, want, sizeof(want) - 1), "%.*s", (int)len, (char *)buf);
    free(buf);
    board_bundle_free(&bb);
    free(txt);
    free(mods);
    free(p);
    free(out);
    free(machine);
    free(scn);
    th_rmtree(dir);
    free(dir);
}
