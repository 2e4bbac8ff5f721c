/* String and memory functions of the freestanding library: byte-exact C semantics, with
 * memcpy/memmove/memset moving 8 bytes at a time when the pointers allow an aligned access. */
#include <tessera/lib.h>

#include <stdbool.h>

/* The loops below look like memcpy/memset to GCC, which would turn them back into calls to
 * memcpy/memset: infinite recursion once libc_names.c defines those names as these. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-tree-loop-distribute-patterns")
#endif

/* A word that may alias any object, so word-wise copies of char buffers stay defined. */
typedef uint64_t __attribute__((may_alias)) lib_word_t;

#define LIB_WORD      sizeof(lib_word_t)
#define LIB_ULONG_MAX (~0ul)

static bool lib_word_aligned(const void *p)
{
    return IS_ALIGNED((uintptr_t)p, LIB_WORD);
}

/* Forward copy; safe for overlap when dst is below src. */
static void lib_copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
    /* Only pointers with the same offset in a word can both become aligned; others go
     * byte-wise, since -mstrict-align forbids unaligned wide accesses. */
    if (n >= 2 * LIB_WORD && IS_ALIGNED((uintptr_t)d ^ (uintptr_t)s, LIB_WORD)) {
        while (!lib_word_aligned(d)) {
            *d++ = *s++;
            n--;
        }
        /* Four words per iteration for page-sized copies (paired loads and stores). */
        for (; n >= 4 * LIB_WORD; n -= 4 * LIB_WORD) {
            lib_word_t *dw = (lib_word_t *)(void *)d;
            const lib_word_t *sw = (const lib_word_t *)(const void *)s;
            lib_word_t a = sw[0], b = sw[1], c = sw[2], e = sw[3];
            dw[0] = a;
            dw[1] = b;
            dw[2] = c;
            dw[3] = e;
            d += 4 * LIB_WORD;
            s += 4 * LIB_WORD;
        }
        for (; n >= LIB_WORD; n -= LIB_WORD) {
            *(lib_word_t *)(void *)d = *(const lib_word_t *)(const void *)s;
            d += LIB_WORD;
            s += LIB_WORD;
        }
    }
    while (n--) {
        *d++ = *s++;
    }
}

/* Backward copy from the ends; safe for overlap when dst is above src. */
static void lib_copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
    d += n;
    s += n;
    if (n >= 2 * LIB_WORD && IS_ALIGNED((uintptr_t)d ^ (uintptr_t)s, LIB_WORD)) {
        while (!lib_word_aligned(d)) {
            *--d = *--s;
            n--;
        }
        for (; n >= LIB_WORD; n -= LIB_WORD) {
            d -= LIB_WORD;
            s -= LIB_WORD;
            *(lib_word_t *)(void *)d = *(const lib_word_t *)(const void *)s;
        }
    }
    while (n--) {
        *--d = *--s;
    }
}

void *lib_memcpy(void *dst, const void *src, size_t n)
{
    lib_copy_forward(dst, src, n);
    return dst;
}

void *lib_memmove(void *dst, const void *src, size_t n)
{
    /* Compare as integers: relational operators on pointers to different objects are UB. */
    if ((uintptr_t)dst <= (uintptr_t)src || (uintptr_t)dst >= (uintptr_t)src + n) {
        lib_copy_forward(dst, src, n);
    } else {
        lib_copy_backward(dst, src, n);
    }
    return dst;
}

void *lib_memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char byte = (unsigned char)c;

    if (n >= 2 * LIB_WORD) {
        lib_word_t word = (lib_word_t)byte * 0x0101010101010101ull;
        while (!lib_word_aligned(d)) {
            *d++ = byte;
            n--;
        }
        /* Four words per iteration: scrubbing freed pages runs through here. */
        for (; n >= 4 * LIB_WORD; n -= 4 * LIB_WORD) {
            lib_word_t *dw = (lib_word_t *)(void *)d;
            dw[0] = word;
            dw[1] = word;
            dw[2] = word;
            dw[3] = word;
            d += 4 * LIB_WORD;
        }
        for (; n >= LIB_WORD; n -= LIB_WORD) {
            *(lib_word_t *)(void *)d = word;
            d += LIB_WORD;
        }
    }
    while (n--) {
        *d++ = byte;
    }
    return dst;
}

int lib_memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *p = a;
    const unsigned char *q = b;

    for (size_t i = 0; i < n; i++) {
        if (p[i] != q[i]) {
            return p[i] - q[i];
        }
    }
    return 0;
}

void *lib_memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (size_t i = 0; i < n; i++) {
        if (p[i] == (unsigned char)c) {
            return (void *)(p + i);
        }
    }
    return NULL;
}

size_t lib_strlen(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0') {
        n++;
    }
    return n;
}

size_t lib_strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

int lib_strcmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    while (*p != '\0' && *p == *q) {
        p++;
        q++;
    }
    return *p - *q;
}

int lib_strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *p = (const unsigned char *)a;
    const unsigned char *q = (const unsigned char *)b;

    for (size_t i = 0; i < n; i++) {
        if (p[i] != q[i] || p[i] == '\0') {
            return p[i] - q[i];
        }
    }
    return 0;
}

char *lib_strchr(const char *s, int c)
{
    /* The terminator is part of the string: strchr(s, 0) finds it. */
    for (;; s++) {
        if (*s == (char)c) {
            return (char *)s;
        }
        if (*s == '\0') {
            return NULL;
        }
    }
}

char *lib_strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c) {
            last = s;
        }
        if (*s == '\0') {
            return (char *)last;
        }
    }
}

size_t lib_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = lib_strlen(src);

    if (size > 0) {
        size_t n = MIN(len, size - 1);
        lib_memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

static bool lib_isspace(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The value of c as a digit in base, or -1. */
static int lib_digit(char c, int base)
{
    int v;

    if (c >= '0' && c <= '9') {
        v = c - '0';
    } else if (c >= 'a' && c <= 'z') {
        v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'Z') {
        v = c - 'A' + 10;
    } else {
        return -1;
    }
    return v < base ? v : -1;
}

/* A 0x/0X prefix counts only when a hex digit follows; otherwise "0x" parses as "0". */
static bool lib_hex_prefix(const char *p)
{
    return p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && lib_digit(p[2], 16) >= 0;
}

unsigned long lib_strtoul(const char *s, char **end, int base)
{
    const char *p = s;
    bool neg = false;
    bool overflow = false;
    bool any = false;
    unsigned long v = 0;

    if (base < 0 || base == 1 || base > 36) {
        if (end) {
            *end = (char *)s;
        }
        return 0;
    }
    while (lib_isspace(*p)) {
        p++;
    }
    if (*p == '+' || *p == '-') {
        neg = *p++ == '-';
    }
    if ((base == 0 || base == 16) && lib_hex_prefix(p)) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = *p == '0' ? 8 : 10;
    }
    for (int d; (d = lib_digit(*p, base)) >= 0; p++) {
        any = true;
        if (v > (LIB_ULONG_MAX - (unsigned long)d) / (unsigned long)base) {
            overflow = true;
        }
        v = v * (unsigned long)base + (unsigned long)d;
    }
    if (end) {
        *end = (char *)(any ? p : s);
    }
    if (!any) {
        return 0;
    }
    if (overflow) {
        return LIB_ULONG_MAX;
    }
    return neg ? -v : v;
}
