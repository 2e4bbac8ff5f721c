/* The trace's way out of the arm64 build: framed lines on the hypervisor's console. */
#ifndef TESSERA_ARM64_TRACE_OUT_H
#define TESSERA_ARM64_TRACE_OUT_H

#include <stddef.h>

/* Remembers where the trace goes: the command line's trace=uart, else target
 * (/chosen/tessera,trace, which the harness sets to "uart"). */
void arm64_trace_out_init(const char *cmdline, const char *target, size_t target_size);
/* At the end of the run: the held snapshots, then the final dump; nothing without a target. */
void arm64_trace_out(void);

#endif
