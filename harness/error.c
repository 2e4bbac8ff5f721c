/* Error reports of the harness: formatting of the one message that explains a failure. A message
 * too long for the buffer ends in "..." rather than being cut silently. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <tessera/harness/error.h>

static void herr_mark_cut(struct herr *e)
{
    memcpy(e->msg + sizeof(e->msg) - 4, "...", 4);
}

int herr_set(struct herr *e, int rc, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (e) {
        va_start(ap, fmt);
        n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
        va_end(ap);
        if (n >= (int)sizeof(e->msg)) {
            herr_mark_cut(e);
        }
    }
    return rc;
}

/* Appends s at e->msg + used; returns the new length. */
static size_t herr_append(struct herr *e, size_t used, const char *s)
{
    size_t n = strlen(s);

    if (used + n >= sizeof(e->msg)) {
        memcpy(e->msg + used, s, sizeof(e->msg) - used - 1);
        e->msg[sizeof(e->msg) - 1] = '\0';
        herr_mark_cut(e);
        return sizeof(e->msg) - 1;
    }
    memcpy(e->msg + used, s, n + 1);
    return used + n;
}

int herr_prefix(struct herr *e, int rc, const char *fmt, ...)
{
    char prefix[HERR_MSG_MAX];
    char old[HERR_MSG_MAX];
    va_list ap;
    size_t used;

    if (!e) {
        return rc;
    }
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof(old));
    used = herr_append(e, 0, prefix);
    used = herr_append(e, used, ": ");
    herr_append(e, used, old);
    return rc;
}
