/* <string.h> for the bare-metal build: the standard names that libc_names.c defines on top of
 * the lib_ functions (libfdt and compiler-generated calls need them), and nothing else. */
#ifndef TESSERA_FREESTANDING_STRING_H
#define TESSERA_FREESTANDING_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

#endif
