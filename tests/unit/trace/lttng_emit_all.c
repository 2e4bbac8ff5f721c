/* A hosted program that records every event of events.def once through the trace writer built
 * with the LTTng-UST provider (ttrace_lttng); with --list it prints the event names instead.
 * lttng_check.sh records it in an LTTng session and looks for every name. */
#include <stdio.h>
#include <string.h>
#include <tessera/trace.h>

static uint64_t lttng_emit_mem[2 * 256 * 6];

#define LTTNG_EMIT_ARG(a) 7

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--list") == 0) {
#define TRACE_EVENT(id, cls, name, args, desc, argdesc) puts(#name);
#include "../../../trace/events.def"
        return 0;
    }
    if (trace_init(2, lttng_emit_mem, sizeof(lttng_emit_mem)) != 0) {
        fprintf(stderr, "lttng_emit_all: trace_init failed\n");
        return 1;
    }
#define TRACE_EVENT(id, cls, name, args, desc, argdesc)                                            \
    TRACE(name, TRACE_XM_MAP(LTTNG_EMIT_ARG, TRACE_XM_COMMA, args));
#include "../../../trace/events.def"
    return 0;
}
