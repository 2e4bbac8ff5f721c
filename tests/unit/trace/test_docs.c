/* docs/tracing.md carries the event reference that `tessera trace --events` prints from
 * events.def; this test fails when the two drift apart. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_host.h>
#include "helpers.h"

Test(trace_docs, event_reference_matches_events_def)
{
    char *cmd, *doc, *err, *want = NULL, *begin, *end;
    size_t len = 0;
    FILE *f = open_memstream(&want, &len);

    trace_reference_markdown(f);
    fclose(f);
    cr_assert(asprintf(&cmd, "cat %s/docs/tracing.md", TESSERA_SOURCE_DIR) > 0);
    cr_assert_eq(tt_run(cmd, &doc, &err), 0, "%s", err);
    begin = strstr(doc, "<!-- events:begin -->\n");
    end = strstr(doc, "<!-- events:end -->");
    cr_assert(begin && end && end > begin, "docs/tracing.md lacks the events markers");
    begin += strlen("<!-- events:begin -->\n");
    *end = '\0';
    cr_assert_str_eq(begin, want,
                     "docs/tracing.md is out of date: replace the text between the events "
                     "markers with the output of `tessera trace --events`");
    free(cmd);
    free(doc);
    free(err);
    free(want);
}
