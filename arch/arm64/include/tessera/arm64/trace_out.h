/* The trace dump transports of the arm64 build. */
#ifndef TESSERA_ARM64_TRACE_OUT_H
#define TESSERA_ARM64_TRACE_OUT_H

#include <stdbool.h>

/* Writes the trace where the command line's trace= says (a host file over semihosting, or
 * uart); nothing without trace=. */
void arm64_trace_out(const char *cmdline, bool semihosting);

#endif
