/* A growable, NULL-terminated vector of owned strings: command lines (argv) and message lists. */
#ifndef TESSERA_HARNESS_STRVEC_H
#define TESSERA_HARNESS_STRVEC_H

#include <stddef.h>

struct strvec {
    char **v; /* v[n] is always NULL once anything was pushed */
    size_t n;
    size_t cap;
};

#define STRVEC_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Appends a copy of s. Returns 0 or -ENOMEM. */
int strvec_push(struct strvec *sv, const char *s);
/* Appends a formatted string. Returns 0 or -ENOMEM. */
int strvec_pushf(struct strvec *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Joins the strings with sep into a new string (caller frees); NULL on allocation failure. */
char *strvec_join(const struct strvec *sv, const char *sep);
void strvec_free(struct strvec *sv);

#endif
