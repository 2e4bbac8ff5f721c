/* Freestanding C library subset: string functions and printf-style formatting.
 * Shared by the hypervisor, the bare-metal guests and the hosted unit tests; every name is
 * prefixed lib_ so the hosted build can link it beside the system C library. */
#ifndef TESSERA_LIB_H
#define TESSERA_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))

size_t lib_strlen(const char *s);
size_t lib_strnlen(const char *s, size_t max);
int lib_strcmp(const char *a, const char *b);
int lib_strncmp(const char *a, const char *b, size_t n);
char *lib_strchr(const char *s, int c);
char *lib_strrchr(const char *s, int c);
/* Copies at most size-1 bytes and always terminates (when size > 0); returns strlen(src),
 * so a result >= size means the copy was truncated. */
size_t lib_strlcpy(char *dst, const char *src, size_t size);
void *lib_memcpy(void *dst, const void *src, size_t n);
void *lib_memmove(void *dst, const void *src, size_t n);
void *lib_memset(void *dst, int c, size_t n);
int lib_memcmp(const void *a, const void *b, size_t n);
void *lib_memchr(const void *s, int c, size_t n);
/* strtoul with C semantics: base 0 accepts 0x/0 prefixes; *end (if non-NULL) points past the
 * digits consumed; saturates at ULONG_MAX on overflow. */
unsigned long lib_strtoul(const char *s, char **end, int base);

/* printf subset: flags '-' '0' ' ' '+' '#', width and precision (numbers or '*'), length
 * modifiers hh h l ll z, conversions d i u x X o c s p %. Returns the length the full output
 * would have had (C99), so a caller detects truncation by comparing with size. */
int lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
/* Words for a (negative) error number of tessera/errno.h, with its name: "out of memory
 * (ENOMEM)". */
const char *lib_errstr(int rc);

int lib_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Command lines of space-separated words: true if word occurs as a whole word; the value of
 * "key=value" (its length in *vlen), or NULL. */
bool lib_cmdline_flag(const char *cmdline, const char *word);
const char *lib_cmdline_value(const char *cmdline, const char *key, size_t *vlen);

#endif
