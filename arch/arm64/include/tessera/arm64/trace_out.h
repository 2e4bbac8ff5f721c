/* The trace dump transports of the arm64 build. */
#ifndef TESSERA_ARM64_TRACE_OUT_H
#define TESSERA_ARM64_TRACE_OUT_H

#include <stdbool.h>

/* Remembers the command line (trace=PATH or trace=uart) and whether semihosting is there. */
void arm64_trace_out_init(const char *cmdline, bool semihosting);
/* The final dump at the end of the run; nothing without trace=. */
void arm64_trace_out(void);

#endif
