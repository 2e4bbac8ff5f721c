/* Inline forms of the two things the trace fast path needs on every record: the pCPU index
 * (from the percpu block in TPIDR_EL2) and the platform counter. */
#ifndef TESSERA_ARCH_INLINE_H
#define TESSERA_ARCH_INLINE_H

#include <tessera/arm64/percpu.h>

_Static_assert(ARM64_MAX_CPUS <= 32, "every pCPU has a trace ring (TRACE_MAX_CPUS)");

static inline unsigned arch_inline_cpu_id(void)
{
    return this_cpu()->id;
}

static inline uint64_t arch_inline_counter(void)
{
    /* No ISB: a record's time may be a few instructions early, never worth a pipeline flush
     * on the tracing fast path. */
    return sysreg_read(cntpct_el0);
}

#endif
