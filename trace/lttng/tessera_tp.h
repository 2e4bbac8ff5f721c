/* LTTng-UST tracepoint provider `tessera` of the hosted build: one tracepoint per events.def
 * entry (tessera:NAME, one u64 field per argument). Read several times by lttng-ust's
 * generator (LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ), hence no ordinary include guard. */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER tessera

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./tessera_tp.h"

#if !defined(TESSERA_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define TESSERA_TP_H

#include <lttng/tracepoint.h>
#include <stdint.h>
#include <tessera/trace_xmacro.h>

#define TESSERA_TP_ARG(a)   uint64_t, a
#define TESSERA_TP_FIELD(a) lttng_ust_field_integer(uint64_t, a, a)

#define TRACE_EVENT(id, cls, name, args, desc, argdesc)                                            \
    LTTNG_UST_TRACEPOINT_EVENT(                                                                    \
        tessera, name, LTTNG_UST_TP_ARGS(TRACE_XM_MAP(TESSERA_TP_ARG, TRACE_XM_COMMA, args)),      \
        LTTNG_UST_TP_FIELDS(TRACE_XM_MAP(TESSERA_TP_FIELD, TRACE_XM_NONE, args)))
#include "../events.def"

#endif

#include <lttng/tracepoint-event.h>
