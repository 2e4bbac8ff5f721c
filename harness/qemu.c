/* QEMU command lines for the virt machine (see QEMU-FACTS.md): dumping the machine DTB, and the
 * boot under icount (deterministic time). Never with semihosting: a guest at EL1 can execute
 * the semihosting trap, and QEMU would carry it out on the host (docs/harness.md). The
 * hypervisor ends the run by PSCI SYSTEM_OFF; its verdict and trace come on its console. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/proc.h>
#include <tessera/harness/qemu.h>

#define QEMU_MACHINE "virt,virtualization=on,gic-version=3"
#define QEMU_CPU     "cortex-a57"

char *qemu_escape(const char *value)
{
    size_t commas = 0;
    char *out, *p;

    for (const char *s = value; *s; s++) {
        commas += *s == ',';
    }
    out = malloc(strlen(value) + commas + 1);
    if (!out) {
        return NULL;
    }
    p = out;
    for (const char *s = value; *s; s++) {
        *p++ = *s;
        if (*s == ',') {
            *p++ = ',';
        }
    }
    *p = '\0';
    return out;
}

/* -cpu, -smp and -m, shared by both command lines. */
static int qemu_cpu_mem(const struct qemu_machine *m, struct strvec *argv)
{
    int rc = 0;
    rc = rc ?: strvec_push(argv, "-cpu");
    rc = rc ?: strvec_push(argv, QEMU_CPU);
    rc = rc ?: strvec_push(argv, "-smp");
    rc = rc ?: strvec_pushf(argv, "%u", m->smp);
    rc = rc ?: strvec_push(argv, "-m");
    rc = rc ?: strvec_pushf(argv, "%uM", m->memory_mib);
    return rc;
}

int qemu_dumpdtb_argv(const struct qemu_machine *m, const char *out, struct strvec *argv)
{
    char *path = qemu_escape(out);
    int rc = path ? 0 : -ENOMEM;

    rc = rc ?: strvec_push(argv, m->qemu);
    rc = rc ?: strvec_push(argv, "-M");
    rc = rc ?: strvec_pushf(argv, QEMU_MACHINE ",dumpdtb=%s", path);
    rc = rc ?: qemu_cpu_mem(m, argv);
    rc = rc ?: strvec_push(argv, "-display");
    rc = rc ?: strvec_push(argv, "none");
    free(path);
    return rc;
}

static int qemu_loader(struct strvec *argv, const struct bootdtb_module *mod)
{
    char *file = qemu_escape(mod->path);
    int rc = file ? 0 : -ENOMEM;

    rc = rc ?: strvec_push(argv, "-device");
    rc =
        rc ?: strvec_pushf(argv, "loader,file=%s,addr=0x%" PRIx64 ",force-raw=on", file, mod->addr);
    free(file);
    return rc;
}

/* U-Boot as -bios, its environment in flash bank 1, and (with tftp_dir) a virtio NIC on QEMU's user
 * network, restricted to the guest (no route out), whose DHCP server hands out 10.0.2.15 and whose
 * TFTP server is tftp_dir: U-Boot fetches everything from there, as from a board's TFTP server. */
static int qemu_firmware(const struct qemu_machine *m, struct strvec *argv)
{
    char *env = m->env ? qemu_escape(m->env) : NULL,
         *tftp = qemu_escape(m->tftp_dir ? m->tftp_dir : ".");
    int rc = tftp && (env || !m->env) ? 0 : -ENOMEM;

    rc = rc ?: strvec_push(argv, "-bios");
    rc = rc ?: strvec_push(argv, m->firmware);
    if (env) {
        rc = rc ?: strvec_push(argv, "-drive");
        rc = rc ?: strvec_pushf(argv, "if=pflash,format=raw,unit=1,file=%s", env);
    }
    if (m->tftp_dir) {
        rc = rc ?: strvec_push(argv, "-netdev");
        rc = rc ?: strvec_pushf(argv, "user,id=net0,restrict=on,tftp=%s", tftp);
        rc = rc ?: strvec_push(argv, "-device");
        rc = rc ?: strvec_push(argv, "virtio-net-device,netdev=net0");
    }
    free(env);
    free(tftp);
    return rc;
}

int qemu_boot_argv(const struct qemu_machine *m, const char *hyp, const char *dtb,
                   const struct bootdtb_module *mods, size_t nmods, struct strvec *argv)
{
    static const char *const fixed[] = {"-nodefaults", "-display", "none",  "-monitor",
                                        "none",        "-serial",  "stdio", NULL};
    static const char *const tail[] = {"-no-reboot", NULL};
    int rc = 0;

    rc = rc ?: strvec_push(argv, m->qemu);
    rc = rc ?: strvec_push(argv, "-M");
    rc = rc ?: strvec_push(argv, QEMU_MACHINE);
    rc = rc ?: qemu_cpu_mem(m, argv);
    for (size_t i = 0; fixed[i] && !rc; i++) {
        rc = strvec_push(argv, fixed[i]);
    }
    if (m->firmware) {
        rc = rc ?: qemu_firmware(m, argv);
        for (size_t i = 0; !m->tftp_dir && i < nmods && !rc; i++) {
            rc = qemu_loader(argv, &mods[i]); /* the board files, at their addresses */
        }
    } else {
        rc = rc ?: strvec_push(argv, "-kernel");
        rc = rc ?: strvec_push(argv, hyp);
        rc = rc ?: strvec_push(argv, "-dtb");
        rc = rc ?: strvec_push(argv, dtb);
        for (size_t i = 0; i < nmods && !rc; i++) {
            rc = qemu_loader(argv, &mods[i]);
        }
    }
    if (!m->realtime) {
        rc = rc ?: strvec_push(argv, "-icount");
        rc = rc ?: strvec_push(argv, "shift=0,sleep=off");
    }
    /* A PL031 a domain owns (passthrough) counts virtual time from a fixed date, like every
     * other clock a guest can read: its alarms come at the same point of every run. */
    rc = rc ?: strvec_push(argv, "-rtc");
    rc = rc ?: strvec_push(argv, "base=2024-01-01T00:00:00,clock=vm");
    for (size_t i = 0; tail[i] && !rc; i++) {
        rc = strvec_push(argv, tail[i]);
    }
    return rc;
}

int qemu_dumpdtb(const struct qemu_machine *m, const char *out, struct herr *e)
{
    struct strvec argv = STRVEC_INIT;
    struct proc_buf so = {0}, se = {0};
    char how[128];
    int status, rc;

    if ((rc = qemu_dumpdtb_argv(m, out, &argv))) {
        return herr_set(e, rc, "out of memory");
    }
    rc = proc_capture(argv.v, &so, &se, &status, e);
    if (rc == 0 && status != 0) {
        proc_describe(status, how, sizeof(how));
        rc = herr_set(e, -EIO, "%s could not dump the machine DTB (it %s):\n%s", m->qemu, how,
                      se.data ? se.data : "(no message)");
    }
    strvec_free(&argv);
    proc_buf_free(&so);
    proc_buf_free(&se);
    return rc;
}

int qemu_version(const char *qemu, char **line, struct herr *e)
{
    char *argv[] = {(char *)qemu, "--version", NULL};
    struct proc_buf so = {0}, se = {0};
    int status, rc;

    rc = proc_capture(argv, &so, &se, &status, e);
    if (rc == 0 && (status != 0 || !so.data)) {
        char how[128];
        proc_describe(status, how, sizeof(how));
        rc = herr_set(e, -EIO, "`%s --version` %s%s%s", qemu, status ? how : "printed nothing",
                      se.data ? ": " : "", se.data ? se.data : "");
    }
    if (rc == 0) {
        *line = strndup(so.data, strcspn(so.data, "\n"));
        rc = *line ? 0 : herr_set(e, -ENOMEM, "out of memory");
    }
    proc_buf_free(&so);
    proc_buf_free(&se);
    return rc;
}

int qemu_uboot_env(const char *txt, const char *bin, const char *bootcmd, struct herr *e)
{
    char size[32], text[1024];
    char *argv[] = {"mkenvimage", "-s", size, "-o", (char *)bin, (char *)txt, NULL};
    struct proc_buf so = {0}, se = {0};
    char how[128];
    int status, rc;

    snprintf(size, sizeof(size), "0x%x", QEMU_UBOOT_ENV_SIZE);
    if ((size_t)snprintf(text, sizeof(text), "bootdelay=0\nbootcmd=%s\n", bootcmd) >=
        sizeof(text)) {
        return herr_set(e, -E2BIG, "U-Boot's bootcmd is longer than %zu bytes", sizeof(text) - 100);
    }
    if ((rc = fileio_write(txt, text, strlen(text), e))) {
        return rc;
    }
    rc = proc_capture(argv, &so, &se, &status, e);
    if (rc == -ENOENT) {
        rc = herr_set(e, rc,
                      "mkenvimage not found: qemu-virt-uboot needs Debian's u-boot-tools "
                      "(scripts/setup.sh installs it)");
    } else if (rc == 0 && status != 0) {
        proc_describe(status, how, sizeof(how));
        rc = herr_set(e, -EIO, "mkenvimage could not write %s (it %s):\n%s", bin, how,
                      se.data ? se.data : "(no message)");
    } else if (rc == 0 && truncate(bin, QEMU_UBOOT_FLASH_SIZE) != 0) {
        rc = herr_set(e, -errno, "%s: cannot grow it to the flash size: %s", bin, strerror(errno));
    }
    proc_buf_free(&so);
    proc_buf_free(&se);
    return rc;
}
