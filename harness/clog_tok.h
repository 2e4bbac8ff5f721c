/* Tokens of the hypervisor's console lines, shared by the console parser's files (private to
 * the harness library). */
#ifndef TESSERA_HARNESS_CLOG_TOK_H
#define TESSERA_HARNESS_CLOG_TOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Matches the literal lit at *p and advances past it. */
bool clog_lit(const char **p, const char *lit);
/* An unsigned decimal: at least one digit, no sign or space, no overflow. */
bool clog_u64(const char **p, uint64_t *v);
/* "0x" and 1 to 16 hex digits. */
bool clog_hex(const char **p, uint64_t *v);
/* An optionally negative decimal that fits an int. */
bool clog_int(const char **p, int *v);
/* A word: up to the next space or the end, non-empty, copied into buf (fails if too long). */
bool clog_word(const char **p, char *buf, size_t len);
/* The end of a milestone's fields: the end of the line, or a space before extra fields that a
 * later hypervisor may add. */
bool clog_end(const char *p);

#endif
