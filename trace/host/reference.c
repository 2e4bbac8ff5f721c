/* The event reference of docs/tracing.md, generated from events.def (`tessera trace --events`);
 * a unit test keeps the document in step with the list. */
#include <tessera/trace_host.h>

void trace_reference_markdown(FILE *out)
{
    fprintf(out, "| bit | class | what |\n|---|---|---|\n");
    for (size_t i = 0; i < trace_class_count(); i++) {
        const struct trace_class_info *c = trace_class_at(i);
        fprintf(out, "| %u | `%s` | %s |\n", c->bit, c->name, c->desc);
    }
    fprintf(out, "\n| id | class | event | arguments | meaning |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < trace_event_count(); i++) {
        const struct trace_event_info *ev = trace_event_at(i);
        fprintf(out, "| 0x%02x | %s | `%s` | ", ev->id, trace_class_name(ev->cls), ev->name);
        for (unsigned a = 0; a < ev->nargs; a++) {
            fprintf(out, "%s%s", a ? ", " : "", ev->args[a]);
        }
        fprintf(out, " | %s%s%s |\n", ev->desc, ev->argdesc[0] ? ". " : "", ev->argdesc);
    }
}
