/* Tokens of the hypervisor's console lines (docs/console.md): literals, decimals, hex numbers
 * and words, each matched strictly (no sign, no overflow) and advancing the cursor only on a
 * match. */
#include <string.h>

#include "clog_tok.h"

/* Matches the literal lit at *p and advances past it. */
bool clog_lit(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n) != 0) {
        return false;
    }
    *p += n;
    return true;
}

static bool clog_is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* An unsigned decimal: at least one digit, no sign or space, no overflow. */
bool clog_u64(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;

    if (!clog_is_digit(*s)) {
        return false;
    }
    for (; clog_is_digit(*s); s++) {
        unsigned d = (unsigned)(*s - '0');
        if (x > (UINT64_MAX - d) / 10) {
            return false;
        }
        x = x * 10 + d;
    }
    *p = s;
    *v = x;
    return true;
}

static int clog_hex_digit(char ch)
{
    if (clog_is_digit(ch)) {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

/* "0x" and 1 to 16 hex digits. */
bool clog_hex(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    int n = 0, d;

    if (!clog_lit(&s, "0x")) {
        return false;
    }
    for (; (d = clog_hex_digit(*s)) >= 0; s++, n++) {
        x = (x << 4) | (uint64_t)d;
    }
    if (n == 0 || n > 16) {
        return false;
    }
    *p = s;
    *v = x;
    return true;
}

/* An optionally negative decimal that fits an int. */
bool clog_int(const char **p, int *v)
{
    const char *s = *p;
    bool neg = clog_lit(&s, "-");
    uint64_t x;

    if (!clog_u64(&s, &x) || x > (neg ? 2147483648ull : 2147483647ull)) {
        return false;
    }
    *p = s;
    *v = neg ? (int)(-(int64_t)x) : (int)x;
    return true;
}

/* A word: up to the next space or the end, non-empty, copied into buf (fails if too long). */
bool clog_word(const char **p, char *buf, size_t len)
{
    size_t n = strcspn(*p, " ");

    if (n == 0 || n >= len) {
        return false;
    }
    memcpy(buf, *p, n);
    buf[n] = '\0';
    *p += n;
    return true;
}

/* The end of a milestone's fields: the end of the line, or a space before extra fields that a
 * later hypervisor may add. */
bool clog_end(const char *p)
{
    return *p == '\0' || *p == ' ';
}
