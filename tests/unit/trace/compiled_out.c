/* Built with TESSERA_TRACE=0: every tracepoint of events.def, in each writer form, with
 * arguments that have side effects. test_mask.c runs it (nothing may be recorded or evaluated)
 * and compares its code size with an empty function (it must be the same). */
#include <tessera/trace.h>

#if TESSERA_TRACE
#error "compiled_out.c must be built with TESSERA_TRACE=0"
#endif

int tt_side_effects;

static uint64_t tt_side(void)
{
    return (uint64_t)tt_side_effects++;
}

#define TT_SIDE(a) tt_side()

void tt_compiled_out_macros(void)
{
#define TRACE_EVENT(id, cls, name, args, desc, argdesc)                                            \
    TRACE(name, TRACE_XM_MAP(TT_SIDE, TRACE_XM_COMMA, args));                                      \
    TRACE_AT(tt_side(), name, TRACE_XM_MAP(TT_SIDE, TRACE_XM_COMMA, args));
#include "../../../trace/events.def"
}

void tt_compiled_out_functions(void)
{
#define TT_ZERO(a) 0
#define TRACE_EVENT(id, cls, name, args, desc, argdesc)                                            \
    trace_##name(TRACE_XM_MAP(TT_ZERO, TRACE_XM_COMMA, args));                                     \
    trace_emit_##name(TRACE_XM_MAP(TT_ZERO, TRACE_XM_COMMA, args));                                \
    trace_emit_at_##name(0, TRACE_XM_MAP(TT_ZERO, TRACE_XM_COMMA, args));
#include "../../../trace/events.def"
}

void tt_compiled_out_empty(void)
{
}
