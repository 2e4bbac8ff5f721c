/* Hosted build with TESSERA_TRACE_LTTNG: every recorded event also fires its LTTng-UST
 * tracepoint tessera:NAME, so `lttng enable-event -u 'tessera:*'` sees the hosted core. */
#include <tessera/trace.h>
#include "../trace_internal.h"
#include "tessera_tp.h"

#define TESSERA_TP_PASS_1 a0
#define TESSERA_TP_PASS_2 a0, a1
#define TESSERA_TP_PASS_3 a0, a1, a2
#define TESSERA_TP_PASS_4 a0, a1, a2, a3

void trace_lttng_forward(unsigned id, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    (void)a0, (void)a1, (void)a2, (void)a3;
    switch (id) {
#define TRACE_EVENT(id, cls, name, args, desc, argdesc)                                            \
    case TRACE_EV_##name:                                                                          \
        lttng_ust_tracepoint(tessera, name, TRACE_XM_CAT(TESSERA_TP_PASS_, TRACE_XM_COUNT(args))); \
        break;
#include "../events.def"
    default:
        break;
    }
}
