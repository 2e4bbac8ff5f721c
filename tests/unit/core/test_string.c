/* lib_ string and memory functions against the C library: every alignment and length around
 * the word size for the copying functions, signs of comparisons, strtoul's corner cases. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/lib.h>

#define BUF   96
#define GUARD 0xa5

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void pattern(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = (unsigned char)(seed * 31u + i * 7u + 1u);
    }
}

Test(string, memcpy_every_alignment_and_length)
{
    unsigned char src[BUF];
    unsigned char got[BUF];
    unsigned char want[BUF];

    pattern(src, BUF, 1);
    for (size_t so = 0; so < 16; so++) {
        for (size_t d_off = 0; d_off < 16; d_off++) {
            for (size_t n = 0; n <= 64; n++) {
                memset(got, GUARD, BUF);
                memset(want, GUARD, BUF);
                memcpy(want + d_off, src + so, n);
                void *r = lib_memcpy(got + d_off, src + so, n);
                cr_assert_eq(r, got + d_off);
                cr_assert(memcmp(got, want, BUF) == 0, "src+%zu dst+%zu n=%zu", so, d_off, n);
            }
        }
    }
}

Test(string, memmove_overlapping_both_ways)
{
    unsigned char got[BUF];
    unsigned char want[BUF];

    for (size_t from = 0; from < 24; from++) {
        for (size_t to = 0; to < 24; to++) {
            for (size_t n = 0; n <= 64; n++) {
                pattern(got, BUF, 3);
                pattern(want, BUF, 3);
                memmove(want + to, want + from, n);
                void *r = lib_memmove(got + to, got + from, n);
                cr_assert_eq(r, got + to);
                cr_assert(memcmp(got, want, BUF) == 0, "from %zu to %zu n=%zu", from, to, n);
            }
        }
    }
}

Test(string, memset_every_alignment_and_length)
{
    unsigned char got[BUF];
    unsigned char want[BUF];
    const int values[] = {0, 0x5a, 0xff, 0x1ab, -1};

    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
        for (size_t off = 0; off < 16; off++) {
            for (size_t n = 0; n <= 64; n++) {
                memset(got, GUARD, BUF);
                memset(want, GUARD, BUF);
                memset(want + off, values[v], n);
                cr_assert_eq(lib_memset(got + off, values[v], n), got + off);
                cr_assert(memcmp(got, want, BUF) == 0, "c=%d off %zu n=%zu", values[v], off, n);
            }
        }
    }
}

Test(string, memcmp_orders_as_unsigned_bytes)
{
    cr_assert_eq(lib_memcmp("abc", "abc", 3), 0);
    cr_assert_eq(lib_memcmp("abc", "abd", 0), 0);
    cr_assert_lt(lib_memcmp("abc", "abd", 3), 0);
    cr_assert_gt(lib_memcmp("abd", "abc", 3), 0);
    cr_assert_gt(lib_memcmp("\x80", "\x7f", 1), 0);
    cr_assert_eq(lib_memcmp("ab\0x", "ab\0y", 3), 0);
    cr_assert_lt(lib_memcmp("ab\0x", "ab\0y", 4), 0);
}

Test(string, memchr_finds_first_within_n)
{
    const char s[] = "hello\0world";

    cr_assert_eq(lib_memchr(s, 'l', sizeof(s)), s + 2);
    cr_assert_eq(lib_memchr(s, 'w', sizeof(s)), s + 6);
    cr_assert_eq(lib_memchr(s, '\0', sizeof(s)), s + 5);
    cr_assert_null(lib_memchr(s, 'w', 6));
    cr_assert_null(lib_memchr(s, 'h', 0));
    cr_assert_eq(lib_memchr(s, 'h' + 256, 5), s); /* c is converted to unsigned char */
}

Test(string, strlen_and_strnlen)
{
    cr_assert_eq(lib_strlen(""), 0);
    cr_assert_eq(lib_strlen("tessera"), 7);
    cr_assert_eq(lib_strnlen("tessera", 3), 3);
    cr_assert_eq(lib_strnlen("tessera", 7), 7);
    cr_assert_eq(lib_strnlen("tessera", 100), 7);
    cr_assert_eq(lib_strnlen("tessera", 0), 0);
    const char unterminated[4] = {'a', 'b', 'c', 'd'};
    cr_assert_eq(lib_strnlen(unterminated, sizeof(unterminated)), 4);
}

Test(string, strcmp_signs_match_libc)
{
    const char *s[] = {"", "a", "ab", "abc", "abd", "b", "\x80", "\x7f", "a\xff", "A"};
    const size_t n = sizeof(s) / sizeof(s[0]);

    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            cr_assert_eq(sign(lib_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])), "%zu %zu", i, j);
            for (size_t k = 0; k < 5; k++) {
                cr_assert_eq(sign(lib_strncmp(s[i], s[j], k)), sign(strncmp(s[i], s[j], k)),
                             "%zu %zu %zu", i, j, k);
            }
        }
    }
}

Test(string, strchr_and_strrchr)
{
    const char *s = "a/b/c";

    cr_assert_eq(lib_strchr(s, '/'), s + 1);
    cr_assert_eq(lib_strrchr(s, '/'), s + 3);
    cr_assert_eq(lib_strchr(s, 'a'), s);
    cr_assert_eq(lib_strrchr(s, 'a'), s);
    cr_assert_null(lib_strchr(s, 'x'));
    cr_assert_null(lib_strrchr(s, 'x'));
    cr_assert_eq(lib_strchr(s, '\0'), s + 5);
    cr_assert_eq(lib_strrchr(s, '\0'), s + 5);
    const char *e = "\xe9t\xe9"; /* c is converted to char, matching bytes above 0x7f */
    cr_assert_eq(lib_strchr(e, 0xe9), e);
    cr_assert_eq(lib_strrchr(e, 0xe9), e + 2);
}

Test(string, strlcpy_truncates_and_terminates)
{
    char buf[8];

    memset(buf, 'x', sizeof(buf));
    cr_assert_eq(lib_strlcpy(buf, "abc", sizeof(buf)), 3);
    cr_assert_str_eq(buf, "abc");
    cr_assert_eq(lib_strlcpy(buf, "abcdefghij", sizeof(buf)), 10);
    cr_assert_str_eq(buf, "abcdefg");
    cr_assert_eq(lib_strlcpy(buf, "abcdefg", sizeof(buf)), 7);
    cr_assert_str_eq(buf, "abcdefg");
    memset(buf, 'x', sizeof(buf));
    cr_assert_eq(lib_strlcpy(buf, "abc", 1), 3);
    cr_assert_eq(buf[0], '\0');
    cr_assert_eq(buf[1], 'x');
    cr_assert_eq(lib_strlcpy(buf, "abc", 0), 3);
    cr_assert_eq(buf[0], '\0');
    cr_assert_eq(lib_strlcpy(NULL, "", 0), 0);
}

/* Checks value and end pointer of lib_strtoul against strtoul. */
static void check_strtoul(const char *s, int base)
{
    char *end_want;
    char *end_got;
    unsigned long want = strtoul(s, &end_want, base);
    unsigned long got = lib_strtoul(s, &end_got, base);

    cr_assert_eq(got, want, "\"%s\" base %d: %lu, want %lu", s, base, got, want);
    cr_assert_eq(end_got - s, end_want - s, "\"%s\" base %d: end at %td, want %td", s, base,
                 end_got - s, end_want - s);
}

Test(string, strtoul_matches_libc)
{
    const char *inputs[] = {"0",
                            "42",
                            "  \t\n+42x",
                            "-1",
                            "-0x10",
                            "0x",
                            "0X1f",
                            "0xg",
                            "0x1G",
                            "017",
                            "019",
                            "08",
                            "",
                            "   ",
                            "+",
                            "-",
                            "zz",
                            "Zz",
                            "101102",
                            "18446744073709551615",
                            "18446744073709551616",
                            "99999999999999999999999",
                            "-18446744073709551615",
                            "-18446744073709551616",
                            "0xffffffffffffffff",
                            "0x10000000000000000",
                            "1777777777777777777777",
                            "2000000000000000000000",
                            "123abc",
                            "\v\f\r7"};
    const int bases[] = {0, 2, 8, 10, 16, 36};

    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
            check_strtoul(inputs[i], bases[b]);
        }
    }
}

Test(string, strtoul_edges)
{
    char *end;
    const char *s = "  123";

    cr_assert_eq(lib_strtoul("0x1000", NULL, 0), 0x1000);
    cr_assert_eq(lib_strtoul("ff", NULL, 16), 255);
    cr_assert_eq(lib_strtoul("18446744073709551616", &end, 10), ULONG_MAX);
    cr_assert_eq(*end, '\0');
    /* An invalid base converts nothing. */
    cr_assert_eq(lib_strtoul(s, &end, 1), 0);
    cr_assert_eq(end, s);
    cr_assert_eq(lib_strtoul(s, &end, 37), 0);
    cr_assert_eq(end, s);
    cr_assert_eq(lib_strtoul(s, &end, -2), 0);
    cr_assert_eq(end, s);
}
