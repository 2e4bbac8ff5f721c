/* A growable, NULL-terminated vector of owned strings. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/strvec.h>

static int strvec_take(struct strvec *sv, char *s)
{
    if (!s) {
        return -ENOMEM;
    }
    if (sv->n + 2 > sv->cap) {
        size_t cap = sv->cap ? 2 * sv->cap : 8;
        char **v = realloc(sv->v, cap * sizeof(*v));
        if (!v) {
            free(s);
            return -ENOMEM;
        }
        sv->v = v;
        sv->cap = cap;
    }
    sv->v[sv->n++] = s;
    sv->v[sv->n] = NULL;
    return 0;
}

int strvec_push(struct strvec *sv, const char *s)
{
    return strvec_take(sv, strdup(s));
}

int strvec_pushf(struct strvec *sv, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return strvec_take(sv, n < 0 ? NULL : s);
}

char *strvec_join(const struct strvec *sv, const char *sep)
{
    size_t len = 1;
    char *out, *p;

    for (size_t i = 0; i < sv->n; i++) {
        len += strlen(sv->v[i]) + strlen(sep);
    }
    out = malloc(len);
    if (!out) {
        return NULL;
    }
    p = out;
    *p = '\0';
    for (size_t i = 0; i < sv->n; i++) {
        p = stpcpy(p, sv->v[i]);
        if (i + 1 < sv->n) {
            p = stpcpy(p, sep);
        }
    }
    return out;
}

void strvec_free(struct strvec *sv)
{
    for (size_t i = 0; i < sv->n; i++) {
        free(sv->v[i]);
    }
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
    sv->cap = 0;
}
