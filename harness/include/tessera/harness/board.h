/* Board descriptions (harness/boards/NAME.conf) and what a board needs to boot a scenario:
 * the memory layout (hypervisor, guest modules, boot DTB and U-Boot script, each 2 MiB
 * aligned), the U-Boot script, its compiled boot.scr and a LAVA job (docs/boards.md). */
#ifndef TESSERA_HARNESS_BOARD_H
#define TESSERA_HARNESS_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <tessera/harness/bootdtb.h>
#include <tessera/harness/error.h>

#define BOARD_NAME_MAX  32
#define BOARD_TEXT_MAX  160
#define BOARD_ALIGN     (2ull << 20) /* every file at a 2 MiB boundary */
#define BOARD_LOW_LIMIT 0xc00000ull  /* and never below 12 MiB (U-Boot, TF-A, spin tables) */

enum board_kind { BOARD_QEMU, BOARD_HARDWARE };

struct board {
    char name[BOARD_NAME_MAX];
    char description[BOARD_TEXT_MAX];
    enum board_kind kind;
    bool uboot; /* firmware = u-boot (else none: QEMU starts the hypervisor) */
    char uboot_image[BOARD_TEXT_MAX]; /* u-boot = the -bios image, qemu boards only */
    unsigned cpus;                    /* hardware: its CPU count; 0 for qemu (the scenario's) */
    uint64_t ram_base, ram_size;      /* ram_size 0 for qemu (the scenario's memory-mib) */
    unsigned gic_version;
    uint64_t gicd, gicr, gicc; /* gicr for v3, gicc for v2; 0 when not applicable */
    char uart[64];             /* compatible string of the console UART */
    uint64_t uart_base;
    char dtb[BOARD_TEXT_MAX]; /* hardware: its DTB, relative to Debian's linux-image-VERSION dir */
    char load[64];            /* U-Boot command that loads a file: `LOAD ADDR FILE` */
    char load_setup[BOARD_TEXT_MAX]; /* run once before the first load (network set-up) */
    char lava_device_type[64];       /* "" : no LAVA job */
};

/* Parses a board file's text (file names it in errors: "FILE:LINE: ..."). */
int board_parse(const char *text, const char *file, struct board *b, struct herr *e);
/* Reads DIR/NAME.conf; an unknown NAME is refused with the boards DIR has. */
int board_load(const char *dir, const char *name, struct board *b, struct herr *e);
/* The directory of the shipped board files (the source tree's harness/boards). */
const char *board_dir(void);
/* load = loader: QEMU's loader device puts every file in RAM before U-Boot starts, so the
 * script loads nothing (qemu-virt-uboot). */
bool board_preloaded(const struct board *b);
/* What this hypervisor build cannot drive on the board (GIC version, console UART), as one
 * sentence in buf; false when nothing. */
bool board_limits(const struct board *b, char *buf, size_t len);

/* One file of a board boot, at its load address. */
struct board_file {
    char name[96];    /* its name in the output folder and on the TFTP server */
    const char *what; /* "hypervisor", "modules", "boot DTB", "U-Boot script" */
    uint64_t addr, size;
};

#define BOARD_FILES 4
enum { BOARD_F_HYP, BOARD_F_MODULES, BOARD_F_DTB, BOARD_F_SCRIPT };

/* Where everything goes: the hypervisor at max(RAM base + 2 MiB, 12 MiB), the guest modules
 * from the next 2 MiB boundary after it (module_base, for bootdtb_params), then the boot DTB
 * and the U-Boot script, each at the next boundary. Sizes of the DTB and the script are upper
 * bounds until known. */
struct board_layout {
    struct board_file f[BOARD_FILES];
    uint64_t module_base, ram_end;
};

/* The hypervisor's address and the guest modules' base for a hypervisor of hyp_size bytes in
 * RAM [ram_base, ram_base + ram_size). */
int board_layout_start(const struct board *b, uint64_t ram_base, uint64_t ram_size,
                       uint64_t hyp_size, struct board_layout *l, struct herr *e);
/* Places the modules blob (from module_base to the end of the last module; 0 bytes if none),
 * the DTB (dtb_size) and the script (script_size) after them; refuses what passes RAM's end,
 * naming the file, its address and the end of RAM. */
int board_layout_finish(struct board_layout *l, const struct bootdtb *bd, uint64_t dtb_size,
                        uint64_t script_size, struct herr *e);

/* The U-Boot script (boot.cmd) for the layout: a header naming scenario, mode and board,
 * the file table, the board's load-setup, one load per file, fdt_high so U-Boot leaves the DTB
 * where it is, and booti. */
void board_uboot_script(const struct board *b, const struct board_layout *l, const char *scenario,
                        const char *mode, FILE *out);
/* mkimage -A arm64 -T script -C none -n NAME -d cmd scr (Debian's u-boot-tools). */
int board_mkimage(const char *cmd, const char *scr, const char *name, struct herr *e);

/* The LAVA job (YAML): deploy to tftp (kernel = hypervisor, ramdisk = modules, dtb), boot with
 * u-boot and the same commands as the script with LAVA's {SERVER_IP}, {KERNEL}, {RAMDISK} and
 * {DTB} placeholders, and a test action with a monitor that turns every `hyp: dom NAME ready`
 * line into a test case whose measurement is the line's counter time in seconds. url_base
 * prefixes the file names in the deploy action. Returns 0 or -EIO/-ENOMEM. */
int board_lava_job(const struct board *b, const struct board_layout *l, const char *scenario,
                   const char *mode, const char *url_base, unsigned timeout_min, FILE *out,
                   struct herr *e);
/* The monitor's regular expressions (Python re syntax, which LAVA uses): a domain's ready
 * line as a measurement, and the hypervisor's exit line that ends the monitor. Each begins at
 * a newline, so no guest's text can match it. */
extern const char board_lava_pattern[];
extern const char board_lava_end[];

#endif
