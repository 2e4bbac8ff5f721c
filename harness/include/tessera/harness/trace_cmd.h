/* `tessera trace DUMP --ctf DIR | --perfetto FILE | --stats`: converts a trace dump (or a
 * console log holding a framed UART dump) with the trace library's outputs. */
#ifndef TESSERA_HARNESS_TRACE_CMD_H
#define TESSERA_HARNESS_TRACE_CMD_H

/* argv[0] is "trace"; returns one of the RUN_EXIT_* statuses. */
int trace_cmd_main(int argc, char **argv);

#endif
