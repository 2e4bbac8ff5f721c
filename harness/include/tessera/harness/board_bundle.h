/* Everything one board boot needs, written into a folder: tessera.bin, modules.bin (every guest
 * module at its offset from the module base), boot.dtb, boot.cmd and boot.scr, board.txt and,
 * for a board farm, lava-job.yaml. Used by `tessera board` and by `tessera run` on
 * qemu-virt-uboot, whose U-Boot fetches these very files over TFTP. */
#ifndef TESSERA_HARNESS_BOARD_BUNDLE_H
#define TESSERA_HARNESS_BOARD_BUNDLE_H

#include <tessera/harness/board.h>
#include <tessera/harness/bootdtb.h>

#define BOARD_DTB_PAD    (64u << 10) /* room for U-Boot's own /chosen edits of boot.dtb */
#define BOARD_SCRIPT_MAX (64u << 10)

struct board_bundle_params {
    const struct board *board;
    const char *scenario_name, *mode;
    /* The boot DTB's inputs: the machine DTB (QEMU's dump, or the board's own), the scenario,
     * bootargs, trace target and image resolver; the bundle sets module_base itself. */
    struct bootdtb_params dtb;
    const char *hyp_path;
    const char *out_dir;  /* created if missing */
    const char *lava_url; /* prefix of the files in the LAVA job; NULL: file://OUT_DIR */
    unsigned timeout_ms;  /* the scenario's, for the LAVA test action */
};

struct board_bundle {
    struct board_layout layout;
    struct bootdtb boot;
    bool lava; /* lava-job.yaml written */
};

/* On a hardware board, the machine DTB's memory is replaced by the board file's RAM (one bank)
 * first: a vendor DTB may leave it for the firmware to fill in. */
int board_bundle_write(const struct board_bundle_params *p, struct board_bundle *out,
                       struct herr *e);
void board_bundle_free(struct board_bundle *b);
/* The U-Boot command that fetches and runs boot.scr: "SETUP; LOAD 0xADDR boot.scr && source
 * 0xADDR", for a bootcmd. */
void board_bootcmd(const struct board *b, const struct board_layout *l, char *buf, size_t len);

#endif
