/* The schema hash written in every dump: FNV-1a over a text form of events.def (ids, classes,
 * names, arguments; not descriptions), so a tool built from another list refuses the dump. */
#include <tessera/trace_dump.h>

static const char trace_schema[] =
#define TRACE_CLASS(bit, name, desc)                    "C" #bit ":" #name ";"
#define TRACE_EVENT(id, cls, name, args, desc, argdesc) "E" #id ":" #cls ":" #name #args ";"
#include "events.def"
    ;

uint64_t trace_schema_hash(void)
{
    uint64_t h = 0xcbf29ce484222325ull;

    for (size_t i = 0; i + 1 < sizeof(trace_schema); i++) {
        h ^= (uint8_t)trace_schema[i];
        h *= 0x100000001b3ull;
    }
    return h;
}
