/* Bare-metal only: the standard C names that libfdt and the compiler's own generated calls
 * (struct copies, zeroing) expect, forwarded to the lib_ functions, plus the stack-protector
 * symbols that Debian's libfdt.a, built with -fstack-protector-strong, refers to. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/lib.h>
#include <tessera_abort.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    return lib_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
    return lib_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
    return lib_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
    return lib_memcmp(a, b, n);
}

void *memchr(const void *s, int c, size_t n)
{
    return lib_memchr(s, c, n);
}

size_t strlen(const char *s)
{
    return lib_strlen(s);
}

size_t strnlen(const char *s, size_t max)
{
    return lib_strnlen(s, max);
}

char *strchr(const char *s, int c)
{
    return lib_strchr(s, c);
}

char *strrchr(const char *s, int c)
{
    return lib_strrchr(s, c);
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    return lib_strtoul(s, end, base);
}

/* The canary is fixed: there is no entropy source this early (before the MMU, with no RNG
 * driver), and the canary's job here is to catch accidental overflows, not attackers. Its low
 * byte is zero, so a runaway string copy stops at it instead of reproducing it. */
uintptr_t __stack_chk_guard = (uintptr_t)0x5e55e7a0c0ffee00ull;

void __stack_chk_fail(void) __attribute__((noreturn));

void __stack_chk_fail(void)
{
    lib_abort("stack protector: canary overwritten");
}
