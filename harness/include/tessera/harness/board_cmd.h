/* `tessera board SCENARIO --board B [--out DIR]`: the files a real board (or a board farm)
 * needs to boot a scenario (board_bundle.h, docs/boards.md). */
#ifndef TESSERA_HARNESS_BOARD_CMD_H
#define TESSERA_HARNESS_BOARD_CMD_H

/* argv[0] is "board". Returns the exit status (0, or RUN_EXIT_USAGE / RUN_EXIT_SETUP). */
int board_cmd_main(int argc, char **argv);

#endif
