/* QEMU command lines for the virt machine: dumping its DTB, and booting the hypervisor with
 * the boot DTB and the guest images under icount; never with semihosting. */
#ifndef TESSERA_HARNESS_QEMU_H
#define TESSERA_HARNESS_QEMU_H

#include <stdbool.h>
#include <stddef.h>

#include <tessera/harness/bootdtb.h>
#include <tessera/harness/error.h>
#include <tessera/harness/strvec.h>

#define QEMU_DEFAULT "qemu-system-aarch64"

struct qemu_machine {
    const char *qemu; /* program, searched in PATH */
    unsigned smp;
    unsigned memory_mib;
    bool realtime;        /* no -icount: QEMU's clock follows the host (multi-threaded TCG) */
    const char *firmware; /* -bios image (U-Boot) that boots the hypervisor; NULL: QEMU does */
    const char *env;      /* with firmware: its environment image (qemu_uboot_env), flash bank 1 */
    const char *tftp_dir; /* with firmware: served by QEMU's user network (DHCP and TFTP) */
};

/* argv that makes QEMU write the machine's DTB to out and exit. */
int qemu_dumpdtb_argv(const struct qemu_machine *m, const char *out, struct strvec *argv);
/* argv that boots hyp with dtb and loads every module at its address. With firmware: argv that
 * starts U-Boot with its environment, and either a network whose TFTP server is tftp_dir (U-Boot
 * fetches every file itself; hyp, dtb and mods are unused) or, without tftp_dir, mods (the
 * board's files) placed by QEMU's loader device. */
int qemu_boot_argv(const struct qemu_machine *m, const char *hyp, const char *dtb,
                   const struct bootdtb_module *mods, size_t nmods, struct strvec *argv);
/* Runs the dumpdtb command line; on failure e holds QEMU's stderr. */
int qemu_dumpdtb(const struct qemu_machine *m, const char *out, struct herr *e);
/* The first line of `qemu --version` (new string). */
int qemu_version(const char *qemu, char **line, struct herr *e);
/* U-Boot on QEMU virt: its environment lives in flash bank 1 (64 MiB; the environment is its
 * first 256 KiB). */
#define QEMU_UBOOT_ENV_SIZE   0x40000
#define QEMU_UBOOT_FLASH_SIZE (64u << 20)
/* Writes an environment that boots at once (bootdelay=0) with bootcmd, as text to txt and as a
 * flash image to bin (with mkenvimage from Debian's u-boot-tools). */
int qemu_uboot_env(const char *txt, const char *bin, const char *bootcmd, struct herr *e);
/* A value for a QEMU -device option: commas doubled, as QEMU's option parser requires. */
char *qemu_escape(const char *value);

#endif
