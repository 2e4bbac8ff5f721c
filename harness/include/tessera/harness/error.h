/* Error reports of the harness: a negative errno plus one human-readable message that names
 * what is wrong (file, node, property, value), printed once by the command. */
#ifndef TESSERA_HARNESS_ERROR_H
#define TESSERA_HARNESS_ERROR_H

#define HERR_MSG_MAX 4096

struct herr {
    char msg[HERR_MSG_MAX];
};

/* Formats the message into e (if e is not NULL) and returns rc, which must be a negative errno. */
int herr_set(struct herr *e, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prepends "PREFIX: " to the message already in e and returns rc. */
int herr_prefix(struct herr *e, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
