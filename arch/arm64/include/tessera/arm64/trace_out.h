/* The trace dump transports of the arm64 build. */
#ifndef TESSERA_ARM64_TRACE_OUT_H
#define TESSERA_ARM64_TRACE_OUT_H

#include <stdbool.h>
#include <stddef.h>

/* Remembers where the trace goes: the command line's trace=PATH or trace=uart, else target
 * (/chosen/tessera,trace, which the harness sets), and whether semihosting is there. */
void arm64_trace_out_init(const char *cmdline, const char *target, size_t target_size,
                          bool semihosting);
/* The final dump at the end of the run; nothing without trace=. */
void arm64_trace_out(void);

#endif
