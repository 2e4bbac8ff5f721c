/* A board boot's files (tessera/harness/board_bundle.h). */
#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tessera/harness/board_bundle.h>
#include <tessera/harness/fileio.h>

void board_bootcmd(const struct board *b, const struct board_layout *l, char *buf, size_t len)
{
    uint64_t a = l->f[BOARD_F_SCRIPT].addr;

    if (board_preloaded(b)) {
        snprintf(buf, len, "source 0x%" PRIx64, a);
        return;
    }
    snprintf(buf, len, "%s%s%s 0x%" PRIx64 " boot.scr && source 0x%" PRIx64, b->load_setup,
             b->load_setup[0] ? "; " : "", b->load, a, a);
}

/* A copy of the machine DTB whose only memory node says [base, base + size). */
static int board_set_memory(const void *machine, size_t len, uint64_t base, uint64_t size,
                            void **out, struct herr *e)
{
    int cap = (int)len + 1024, node, rc, ac, sc, n = 0;
    void *fdt = malloc((size_t)cap);
    fdt32_t reg[4];

    if (!fdt) {
        return herr_set(e, -ENOMEM, "out of memory");
    }
    if ((rc = fdt_open_into(machine, fdt, cap))) {
        free(fdt);
        return herr_set(e, -EINVAL, "the board's DTB is not a valid DTB: %s", fdt_strerror(rc));
    }
    ac = fdt_address_cells(fdt, 0);
    sc = fdt_size_cells(fdt, 0);
    if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || (ac == 1 && (base + size - 1) >> 32) ||
        (sc == 1 && size >> 32)) {
        free(fdt);
        return herr_set(e, -EINVAL,
                        "the board's RAM 0x%" PRIx64 "+0x%" PRIx64
                        " cannot be written in its DTB's "
                        "#address-cells %d / #size-cells %d",
                        base, size, ac, sc);
    }
    if (ac == 2) {
        reg[n++] = cpu_to_fdt32((uint32_t)(base >> 32));
    }
    reg[n++] = cpu_to_fdt32((uint32_t)base);
    if (sc == 2) {
        reg[n++] = cpu_to_fdt32((uint32_t)(size >> 32));
    }
    reg[n++] = cpu_to_fdt32((uint32_t)size);
    /* Every memory node goes; one with the board file's RAM takes their place. */
    while ((node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory",
                                                 sizeof("memory"))) >= 0) {
        fdt_del_node(fdt, node);
    }
    char name[32];
    snprintf(name, sizeof(name), "memory@%" PRIx64, base);
    node = fdt_add_subnode(fdt, 0, name);
    rc = node < 0 ? node : fdt_setprop_string(fdt, node, "device_type", "memory");
    rc = rc ?: fdt_setprop(fdt, node, "reg", reg, n * (int)sizeof(reg[0]));
    if (rc) {
        free(fdt);
        return herr_set(e, -EINVAL, "setting the board's memory in its DTB: %s", fdt_strerror(rc));
    }
    fdt_pack(fdt);
    *out = fdt;
    return 0;
}

/* modules.bin: every module's file at (its address - module base), zeros between. */
static int board_write_modules(const struct board_bundle *b, const char *path, struct herr *e)
{
    const struct board_file *f = &b->layout.f[BOARD_F_MODULES];
    FILE *out = fopen(path, "wb");
    int rc = out ? 0 : herr_set(e, -errno, "cannot create %s: %s", path, strerror(errno));

    for (size_t i = 0; rc == 0 && i < b->boot.nmods; i++) {
        const struct bootdtb_module *m = &b->boot.mods[i];
        void *data = NULL;
        size_t len = 0;
        if ((rc = fileio_read(m->path, &data, &len, e)) == 0 &&
            (fseeko(out, (off_t)(m->addr - f->addr), SEEK_SET) ||
             fwrite(data, 1, len, out) != len)) {
            rc = herr_set(e, -EIO, "cannot write %s", path);
        }
        free(data);
    }
    if (out && rc == 0 && ftruncate(fileno(out), (off_t)f->size)) {
        rc = herr_set(e, -EIO, "cannot size %s", path);
    }
    if (out && fclose(out) && rc == 0) {
        rc = herr_set(e, -EIO, "cannot write %s", path);
    }
    return rc;
}

static int board_copy(const char *from, const char *to, struct herr *e)
{
    void *data = NULL;
    size_t len = 0;
    int rc = fileio_read(from, &data, &len, e);

    rc = rc ?: fileio_write(to, data, len, e);
    free(data);
    return rc;
}

/* board.txt: what is where, and how to start it by hand. */
static int board_write_readme(const struct board_bundle_params *p, const struct board_bundle *b,
                              const char *path, struct herr *e)
{
    FILE *f = fopen(path, "w");
    char cmd[512], limits[512];

    if (!f) {
        return herr_set(e, -errno, "cannot create %s", path);
    }
    fprintf(f, "Tessera: scenario %s, mode %s, board %s (%s)\n\n", p->scenario_name, p->mode,
            p->board->name, p->board->description);
    for (int i = 0; i < BOARD_FILES; i++) {
        fprintf(f, "0x%016" PRIx64 " %10" PRIu64 " bytes  %-12s %s\n", b->layout.f[i].addr,
                b->layout.f[i].size, b->layout.f[i].name, b->layout.f[i].what);
    }
    board_bootcmd(p->board, &b->layout, cmd, sizeof(cmd));
    if (board_preloaded(p->board)) {
        fprintf(f,
                "\nQEMU puts each file at its address (-device loader,file=FILE,addr=ADDRESS,"
                "force-raw=on) and U-Boot's bootcmd is '%s'.\n",
                cmd);
    } else {
        fprintf(f,
                "\nPut these files where U-Boot's `%s` finds them, then at the U-Boot prompt:\n"
                "  setenv bootcmd '%s'\n  saveenv   (optional)\n  boot\n",
                p->board->load, cmd);
    }
    if (b->lava) {
        fprintf(f, "\nBoard farm: lavacli jobs submit lava-job.yaml (files from %s)\n",
                p->lava_url ? p->lava_url : p->out_dir);
    }
    if (board_limits(p->board, limits, sizeof(limits))) {
        fprintf(f, "\nNote: %s.\n", limits);
    }
    return fclose(f) ? herr_set(e, -EIO, "cannot write %s", path) : 0;
}

static int board_write_script(const struct board_bundle_params *p, struct board_bundle *b,
                              struct herr *e)
{
    char *cmd = fileio_join(p->out_dir, "boot.cmd"), *scr = fileio_join(p->out_dir, "boot.scr");
    char name[64];
    FILE *f = cmd ? fopen(cmd, "w") : NULL;
    struct stat st;
    int rc = f ? 0 : herr_set(e, -EIO, "cannot create %s/boot.cmd", p->out_dir);

    if (rc == 0) {
        board_uboot_script(p->board, &b->layout, p->scenario_name, p->mode, f);
        rc = fclose(f) ? herr_set(e, -EIO, "cannot write %s", cmd) : 0;
    }
    snprintf(name, sizeof(name), "tessera %s", p->scenario_name);
    rc = rc ?: board_mkimage(cmd, scr, name, e);
    if (rc == 0 && stat(scr, &st) == 0) {
        b->layout.f[BOARD_F_SCRIPT].size = (uint64_t)st.st_size;
        if ((uint64_t)st.st_size > BOARD_SCRIPT_MAX) {
            rc = herr_set(e, -E2BIG, "%s is %lld bytes, more than the %u the layout left for it",
                          scr, (long long)st.st_size, BOARD_SCRIPT_MAX);
        }
    }
    free(cmd);
    free(scr);
    return rc;
}

static int board_write_lava(const struct board_bundle_params *p, struct board_bundle *b,
                            struct herr *e)
{
    char *path = fileio_join(p->out_dir, "lava-job.yaml"), url[1200];
    FILE *f = path ? fopen(path, "w") : NULL;
    int rc = f ? 0 : herr_set(e, -EIO, "cannot create %s/lava-job.yaml", p->out_dir);

    snprintf(url, sizeof(url), "%s%s", p->lava_url ? "" : "file://",
             p->lava_url ? p->lava_url : p->out_dir);
    if (rc == 0) {
        rc = board_lava_job(p->board, &b->layout, p->scenario_name, p->mode, url,
                            (p->timeout_ms + 59999) / 60000, f, e);
        rc = fclose(f) && rc == 0 ? herr_set(e, -EIO, "cannot write %s", path) : rc;
        b->lava = rc == 0;
    }
    free(path);
    return rc;
}

/* The files, in the order a reader meets them in board.txt. */
static int board_write_files(const struct board_bundle_params *p, struct board_bundle *b,
                             struct herr *e)
{
    char *hyp = fileio_join(p->out_dir, "tessera.bin"),
         *mods = fileio_join(p->out_dir, "modules.bin"), *dtb = fileio_join(p->out_dir, "boot.dtb"),
         *txt = fileio_join(p->out_dir, "board.txt");
    int rc = hyp && mods && dtb && txt ? 0 : herr_set(e, -ENOMEM, "out of memory");

    rc = rc ?: board_copy(p->hyp_path, hyp, e);
    rc = rc ?: board_write_modules(b, mods, e);
    rc = rc ?: fileio_write(dtb, b->boot.fdt, b->boot.size, e);
    rc = rc ?: board_write_script(p, b, e);
    rc = rc ?: p->board->lava_device_type[0] ? board_write_lava(p, b, e) : 0;
    rc = rc ?: board_write_readme(p, b, txt, e);
    free(hyp);
    free(mods);
    free(dtb);
    free(txt);
    return rc;
}

int board_bundle_write(const struct board_bundle_params *p, struct board_bundle *out,
                       struct herr *e)
{
    void *machine = NULL;
    uint64_t base, size;
    struct stat st;
    int rc;

    memset(out, 0, sizeof(*out));
    if (stat(p->hyp_path, &st) != 0) {
        return herr_set(e, -ENOENT, "hypervisor image %s not found", p->hyp_path);
    }
    if (p->board->kind == BOARD_HARDWARE) {
        if ((rc = board_set_memory(p->dtb.machine, p->dtb.machine_len, p->board->ram_base,
                                   p->board->ram_size, &machine, e))) {
            return rc;
        }
    }
    struct bootdtb_params bp = p->dtb;
    if (machine) {
        bp.machine = machine;
        bp.machine_len = fdt_totalsize(machine);
    }
    rc = bootdtb_ram(bp.machine, &base, &size, e);
    rc = rc ?: board_layout_start(p->board, base, size, (uint64_t)st.st_size, &out->layout, e);
    bp.module_base = out->layout.module_base;
    rc = rc ?: bootdtb_build(&bp, &out->boot, e);
    rc = rc
             ?: board_layout_finish(&out->layout, &out->boot, out->boot.size + BOARD_DTB_PAD,
                                    BOARD_SCRIPT_MAX, e);
    if (rc == 0) {
        out->layout.f[BOARD_F_DTB].size = out->boot.size;
        rc = fileio_mkdirs(p->out_dir, e) ?: board_write_files(p, out, e);
    }
    free(machine);
    return rc;
}

void board_bundle_free(struct board_bundle *b)
{
    bootdtb_free(&b->boot);
    memset(b, 0, sizeof(*b));
}
