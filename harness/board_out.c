/* What a board needs to boot a scenario (tessera/harness/board.h): the layout, the U-Boot
 * script and its boot.scr, and the LAVA job, written with libyaml so every string is quoted
 * the way YAML wants. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <yaml.h>

#include <tessera/harness/board.h>
#include <tessera/harness/proc.h>

/* A console line `[S.NNNNNNNNN] hyp: dom NAME ready` as a LAVA test case: the domain's name,
 * result pass, measurement the time in seconds (docs/console.md). Written with character
 * classes only, so that without its (?P<name>) labels it is also a POSIX extended regex (the
 * unit test checks it that way). LAVA matches anywhere in the serial stream and a guest's line
 * may hold any printable text, so both patterns begin with \n, the newline before the line: only
 * the hypervisor writes what follows a newline. */
const char board_lava_pattern[] = "\\n\\[(?P<measurement>[0-9]+\\.[0-9]+)\\] hyp: dom "
                                  "(?P<test_case_id>[A-Za-z0-9_-]+) (?P<result>ready)";
const char board_lava_end[] = "\\n\\[[0-9]+\\.[0-9]+\\] hyp: exit status=";

static uint64_t board_align(uint64_t v)
{
    return (v + BOARD_ALIGN - 1) & ~(BOARD_ALIGN - 1);
}

static int board_fits(const struct board_layout *l, const struct board_file *f, struct herr *e)
{
    if (f->addr >= l->ram_end || f->size > l->ram_end - f->addr) {
        return herr_set(e, -E2BIG,
                        "%s (%s, %" PRIu64 " bytes) would be loaded at 0x%" PRIx64
                        " and end at 0x%" PRIx64 ", past the end of the board's RAM at 0x%" PRIx64,
                        f->name, f->what, f->size, f->addr, f->addr + f->size, l->ram_end);
    }
    return 0;
}

int board_layout_start(const struct board *b, uint64_t ram_base, uint64_t ram_size,
                       uint64_t hyp_size, struct board_layout *l, struct herr *e)
{
    uint64_t hyp = ram_base + BOARD_ALIGN;

    (void)b;
    memset(l, 0, sizeof(*l));
    l->ram_end = ram_base + ram_size;
    hyp = board_align(hyp < BOARD_LOW_LIMIT ? BOARD_LOW_LIMIT : hyp);
    l->f[BOARD_F_HYP] = (struct board_file){"tessera.bin", "hypervisor", hyp, hyp_size};
    l->module_base = board_align(hyp + hyp_size);
    return board_fits(l, &l->f[BOARD_F_HYP], e);
}

int board_layout_finish(struct board_layout *l, const struct bootdtb *bd, uint64_t dtb_size,
                        uint64_t script_size, struct herr *e)
{
    uint64_t end = l->module_base;
    int rc = 0;

    for (size_t i = 0; i < bd->nmods; i++) {
        uint64_t m = bd->mods[i].addr + bd->mods[i].size;
        end = m > end ? m : end;
    }
    l->f[BOARD_F_MODULES] =
        (struct board_file){"modules.bin", "guest modules", l->module_base, end - l->module_base};
    l->f[BOARD_F_DTB] = (struct board_file){"boot.dtb", "boot DTB", board_align(end), dtb_size};
    l->f[BOARD_F_SCRIPT] = (struct board_file){
        "boot.scr", "U-Boot script", board_align(l->f[BOARD_F_DTB].addr + dtb_size), script_size};
    for (int i = 0; rc == 0 && i < BOARD_FILES; i++) {
        rc = board_fits(l, &l->f[i], e);
    }
    return rc;
}

/* The files the script loads: every one but the script itself (and no empty blob). */
static bool board_loaded(const struct board_layout *l, int i)
{
    return i != BOARD_F_SCRIPT && l->f[i].size > 0;
}

void board_uboot_script(const struct board *b, const struct board_layout *l, const char *scenario,
                        const char *mode, FILE *out)
{
    const struct board_file *hyp = &l->f[BOARD_F_HYP], *dtb = &l->f[BOARD_F_DTB];

    fprintf(out,
            "# boot.cmd: Tessera, scenario %s, mode %s, board %s (written by `tessera "
            "board`)\n# address            bytes  file         what\n",
            scenario, mode, b->name);
    for (int i = 0; i < BOARD_FILES; i++) {
        if (i == BOARD_F_SCRIPT) { /* its size is not known while it is written */
            fprintf(out, "# 0x%016" PRIx64 " %9s  %-12s %s\n", l->f[i].addr, "-", l->f[i].name,
                    l->f[i].what);
            continue;
        }
        fprintf(out, "# 0x%016" PRIx64 " %9" PRIu64 "  %-12s %s\n", l->f[i].addr, l->f[i].size,
                l->f[i].name, l->f[i].what);
    }
    fprintf(out, "echo \"tessera: scenario %s (%s) on %s\"\n", scenario, mode, b->name);
    if (board_preloaded(b)) {
        fprintf(out,
                "# QEMU's loader device put every file in RAM before U-Boot started\n"
                "setenv fdt_high 0xffffffffffffffff\nbooti 0x%" PRIx64 " - 0x%" PRIx64 "\n",
                hyp->addr, dtb->addr);
        return;
    }
    if (b->load_setup[0]) {
        fprintf(out, "%s\n", b->load_setup);
    }
    /* `exit` does not leave a script from inside an if (U-Boot 2023.01): a flag does. */
    fprintf(out, "setenv tessera_loaded yes\n");
    for (int i = 0; i < BOARD_FILES; i++) {
        if (board_loaded(l, i)) {
            fprintf(out,
                    "if %s 0x%" PRIx64 " %s; then; else echo \"tessera: cannot load %s\"; "
                    "setenv tessera_loaded no; fi\n",
                    b->load, l->f[i].addr, l->f[i].name, l->f[i].name);
        }
    }
    fprintf(out,
            "if test \"${tessera_loaded}\" = yes; then\n"
            "    setenv fdt_high 0xffffffffffffffff\n"
            "    booti 0x%" PRIx64 " - 0x%" PRIx64 "\n"
            "else\n"
            "    echo \"tessera: not booting: a file did not load\"\n"
            "fi\n",
            hyp->addr, dtb->addr);
}

int board_mkimage(const char *cmd, const char *scr, const char *name, struct herr *e)
{
    char *argv[] = {"mkimage", "-A", "arm64",      "-O", "linux",     "-T",        "script", "-C",
                    "none",    "-n", (char *)name, "-d", (char *)cmd, (char *)scr, NULL};
    struct proc_buf out = {0}, err = {0};
    int status = 0, rc = proc_capture(argv, &out, &err, &status, e);

    if (rc == 0 && status != 0) {
        rc = herr_set(e, -EIO, "mkimage (Debian's u-boot-tools) failed on %s: %s", cmd,
                      err.data ? err.data : "no message");
    } else if (rc) {
        rc = herr_set(e, rc, "cannot run mkimage (install Debian's u-boot-tools): %s", e->msg);
    }
    proc_buf_free(&out);
    proc_buf_free(&err);
    return rc;
}

/* ---- the LAVA job ---- */

struct board_yaml {
    yaml_emitter_t em;
    bool ok;
};

static void by_event(struct board_yaml *y, yaml_event_t *ev, int made)
{
    y->ok = y->ok && made && yaml_emitter_emit(&y->em, ev);
}

static void by_str(struct board_yaml *y, const char *s)
{
    yaml_event_t ev;
    by_event(y, &ev,
             yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
                                          YAML_ANY_SCALAR_STYLE));
}

/* A scalar YAML reads as a number (minutes: 5). */
static void by_num(struct board_yaml *y, unsigned long v)
{
    char buf[24];
    yaml_event_t ev;

    snprintf(buf, sizeof(buf), "%lu", v);
    by_event(y, &ev,
             yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)buf, (int)strlen(buf), 1,
                                          0, YAML_PLAIN_SCALAR_STYLE));
}

static void by_map(struct board_yaml *y, bool start)
{
    yaml_event_t ev;
    by_event(y, &ev,
             start
                 ? yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE)
                 : yaml_mapping_end_event_initialize(&ev));
}

static void by_seq(struct board_yaml *y, bool start)
{
    yaml_event_t ev;
    by_event(
        y, &ev,
        start ? yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE)
              : yaml_sequence_end_event_initialize(&ev));
}

static void by_kv(struct board_yaml *y, const char *k, const char *v)
{
    by_str(y, k);
    by_str(y, v);
}

/* key: {minutes: N} */
static void by_minutes(struct board_yaml *y, const char *key, unsigned long n)
{
    by_str(y, key);
    by_map(y, true);
    by_str(y, "minutes");
    by_num(y, n);
    by_map(y, false);
}

static int by_write(void *data, unsigned char *buf, size_t size)
{
    return fwrite(buf, 1, size, (FILE *)data) == size;
}

static void board_lava_deploy(struct board_yaml *y, const struct board_layout *l,
                              const char *url_base)
{
    static const char *const key[BOARD_FILES] = {"kernel", "ramdisk", "dtb", NULL};
    char url[1024];

    by_map(y, true);
    by_str(y, "deploy");
    by_map(y, true);
    by_kv(y, "to", "tftp");
    by_minutes(y, "timeout", 5);
    for (int i = 0; i < BOARD_FILES; i++) {
        if (!key[i] || !board_loaded(l, i)) {
            continue;
        }
        snprintf(url, sizeof(url), "%s/%s", url_base, l->f[i].name);
        by_str(y, key[i]);
        by_map(y, true);
        by_kv(y, "url", url);
        if (i == BOARD_F_HYP) {
            by_kv(y, "type", "image"); /* an arm64 Image header: booti */
        } else if (i == BOARD_F_MODULES) {
            by_kv(y, "compression", "none"); /* loaded as it is, no U-Boot header */
        }
        by_map(y, false);
    }
    by_map(y, false);
    by_map(y, false);
}

static void board_lava_boot(struct board_yaml *y, const struct board_layout *l)
{
    static const char *const ph[BOARD_FILES] = {"{KERNEL}", "{RAMDISK}", "{DTB}", NULL};
    char cmd[256];

    by_map(y, true);
    by_str(y, "boot");
    by_map(y, true);
    by_kv(y, "method", "u-boot");
    by_minutes(y, "timeout", 5);
    by_str(y, "commands");
    by_seq(y, true);
    by_str(y, "setenv autoload no");
    by_str(y, "dhcp");
    by_str(y, "setenv serverip {SERVER_IP}");
    for (int i = 0; i < BOARD_FILES; i++) {
        if (ph[i] && board_loaded(l, i)) {
            snprintf(cmd, sizeof(cmd), "tftpboot 0x%" PRIx64 " %s", l->f[i].addr, ph[i]);
            by_str(y, cmd);
        }
    }
    by_str(y, "setenv fdt_high 0xffffffffffffffff");
    snprintf(cmd, sizeof(cmd), "booti 0x%" PRIx64 " - 0x%" PRIx64, l->f[BOARD_F_HYP].addr,
             l->f[BOARD_F_DTB].addr);
    by_str(y, cmd);
    by_seq(y, false);
    by_map(y, false);
    by_map(y, false);
}

static void board_lava_test(struct board_yaml *y, unsigned timeout_min)
{
    by_map(y, true);
    by_str(y, "test");
    by_map(y, true);
    by_minutes(y, "timeout", timeout_min);
    by_str(y, "monitors");
    by_seq(y, true);
    by_map(y, true);
    by_kv(y, "name", "tessera-boot");
    by_kv(y, "start", "hyp: entry el=2");
    by_kv(y, "end", board_lava_end);
    by_kv(y, "pattern", board_lava_pattern);
    by_str(y, "fixupdict");
    by_map(y, true);
    by_kv(y, "ready", "pass");
    by_map(y, false);
    by_map(y, false);
    by_seq(y, false);
    by_map(y, false);
    by_map(y, false);
}

int board_lava_job(const struct board *b, const struct board_layout *l, const char *scenario,
                   const char *mode, const char *url_base, unsigned timeout_min, FILE *out,
                   struct herr *e)
{
    struct board_yaml y = {.ok = true};
    yaml_event_t ev;
    char name[256];

    if (!yaml_emitter_initialize(&y.em)) {
        return herr_set(e, -ENOMEM, "out of memory for the YAML emitter");
    }
    yaml_emitter_set_output(&y.em, by_write, out);
    yaml_emitter_set_unicode(&y.em, 1);
    yaml_emitter_set_width(&y.em, -1); /* no folded lines: the pattern stays readable */
    by_event(&y, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
    by_event(&y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
    by_map(&y, true);
    by_kv(&y, "device_type", b->lava_device_type);
    snprintf(name, sizeof(name), "tessera %s %s on %s", scenario, mode, b->name);
    by_kv(&y, "job_name", name);
    by_str(&y, "timeouts");
    by_map(&y, true);
    by_minutes(&y, "job", timeout_min + 15);
    by_minutes(&y, "action", 5);
    by_minutes(&y, "connection", 2);
    by_map(&y, false);
    by_kv(&y, "priority", "medium");
    by_kv(&y, "visibility", "public");
    by_str(&y, "metadata");
    by_map(&y, true);
    by_kv(&y, "scenario", scenario);
    by_kv(&y, "mode", mode);
    by_kv(&y, "board", b->name);
    by_kv(&y, "measurement-unit", "s (platform counter since reset)");
    by_map(&y, false);
    by_str(&y, "actions");
    by_seq(&y, true);
    board_lava_deploy(&y, l, url_base);
    board_lava_boot(&y, l);
    board_lava_test(&y, timeout_min);
    by_seq(&y, false);
    by_map(&y, false);
    by_event(&y, &ev, yaml_document_end_event_initialize(&ev, 1));
    by_event(&y, &ev, yaml_stream_end_event_initialize(&ev));
    if (!y.ok) {
        herr_set(e, -EIO, "writing the LAVA job failed: %s",
                 y.em.problem ? y.em.problem : "cannot write");
    }
    yaml_emitter_delete(&y.em);
    return y.ok ? 0 : -EIO;
}
