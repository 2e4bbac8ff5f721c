/* lib_snprintf against glibc's snprintf: every flag set, width, precision and length modifier
 * of every conversion over edge values, plus '*' arguments, truncation and return values. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <tessera/lib.h>

#define OUT 512

static const char flag_chars[] = "-0 +#";
static const int widths[] = {-1, 1, 6, 23};
static const int precs[] = {-1, -2, 0, 2, 21}; /* -1: none, -2: '.' alone */

/* Formats with both implementations; the output bytes and return values must be equal. The
 * formats are generated, so this takes no format attribute (some combinations are ones gcc
 * would warn about, yet glibc defines their output). */
static void check(const char *fmt, ...)
{
    char got[OUT];
    char want[OUT];
    va_list a;
    va_list b;

    va_start(a, fmt);
    va_copy(b, a);
    int rw = vsnprintf(want, sizeof(want), fmt, a);
    int rg = lib_vsnprintf(got, sizeof(got), fmt, b);
    va_end(b);
    va_end(a);
    cr_assert_eq(rg, rw, "\"%s\": returned %d, want %d (\"%s\" vs \"%s\")", fmt, rg, rw, got, want);
    cr_assert(memcmp(got, want, (size_t)rw + 1) == 0, "\"%s\": \"%s\", want \"%s\"", fmt, got,
              want);
}

/* "%<flags><width><precision><length><conv>" from the test axes. */
static void make_fmt(char *out, unsigned flags, int width, int prec, const char *len, char conv)
{
    char *p = out;

    *p++ = '%';
    for (unsigned i = 0; i < 5; i++) {
        if (flags & (1u << i)) {
            *p++ = flag_chars[i];
        }
    }
    if (width >= 0) {
        p += sprintf(p, "%d", width);
    }
    if (prec == -2) {
        *p++ = '.';
    } else if (prec >= 0) {
        p += sprintf(p, ".%d", prec);
    }
    sprintf(p, "%s%c", len, conv);
}

/* Passes v as the type the length modifier makes the conversion read. */
static void check_int(const char *fmt, const char *len, bool is_signed, long long v)
{
    if (strcmp(len, "l") == 0) {
        check(fmt, (long)v);
    } else if (strcmp(len, "ll") == 0) {
        check(fmt, v);
    } else if (strcmp(len, "z") == 0) {
        check(fmt, (size_t)v);
    } else if (is_signed) {
        check(fmt, (int)v);
    } else {
        check(fmt, (unsigned)v);
    }
}

static void check_int_axes(char conv, const long long *values, size_t nvalues)
{
    static const char *const lens[] = {"hh", "h", "", "l", "ll", "z"};
    char fmt[32];

    for (unsigned f = 0; f < 32; f++) {
        for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
            for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++) {
                for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
                    make_fmt(fmt, f, widths[w], precs[p], lens[l], conv);
                    for (size_t v = 0; v < nvalues; v++) {
                        check_int(fmt, lens[l], conv == 'd' || conv == 'i', values[v]);
                    }
                }
            }
        }
    }
}

static const long long int_values[] = {0,
                                       1,
                                       -1,
                                       7,
                                       8,
                                       42,
                                       -42,
                                       127,
                                       -128,
                                       255,
                                       300,
                                       32767,
                                       -32768,
                                       65535,
                                       INT_MAX,
                                       INT_MIN,
                                       (long long)UINT_MAX,
                                       0x1234abcdll,
                                       LLONG_MAX,
                                       LLONG_MIN,
                                       (long long)0xfedcba9876543210ull};

Test(format, signed_d_all_axes)
{
    check_int_axes('d', int_values, sizeof(int_values) / sizeof(int_values[0]));
}

Test(format, signed_i_all_axes)
{
    check_int_axes('i', int_values, sizeof(int_values) / sizeof(int_values[0]));
}

Test(format, unsigned_u_all_axes)
{
    check_int_axes('u', int_values, sizeof(int_values) / sizeof(int_values[0]));
}

Test(format, hex_x_all_axes)
{
    check_int_axes('x', int_values, sizeof(int_values) / sizeof(int_values[0]));
}

Test(format, hex_X_all_axes)
{
    check_int_axes('X', int_values, sizeof(int_values) / sizeof(int_values[0]));
}

Test(format, octal_o_all_axes)
{
    check_int_axes('o', int_values, sizeof(int_values) / sizeof(int_values[0]));
}

Test(format, char_c_all_axes)
{
    const int chars[] = {'a', ' ', '%', 0xff, 0};
    char fmt[32];

    for (unsigned f = 0; f < 32; f++) {
        for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
            make_fmt(fmt, f, widths[w], -1, "", 'c');
            for (size_t c = 0; c < sizeof(chars) / sizeof(chars[0]); c++) {
                check(fmt, chars[c]);
            }
        }
    }
}

Test(format, string_s_all_axes)
{
    const char *strings[] = {"", "a", "hello", "(null)", "a string longer than the widths", NULL};
    char fmt[32];

    for (unsigned f = 0; f < 32; f++) {
        for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
            for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++) {
                make_fmt(fmt, f, widths[w], precs[p], "", 's');
                for (size_t s = 0; s < sizeof(strings) / sizeof(strings[0]); s++) {
                    check(fmt, strings[s]);
                }
            }
        }
    }
}

Test(format, null_string_with_small_precisions)
{
    for (int p = 0; p < 8; p++) {
        check("[%.*s]", p, (char *)NULL);
        check("[%8.*s]", p, (char *)NULL);
    }
}

Test(format, string_precision_reads_no_further)
{
    /* Not terminated: only the precision's bytes may be read (ASan checks that). */
    const char word[4] = {'a', 'b', 'c', 'd'};
    char got[16];

    cr_assert_eq(lib_snprintf(got, sizeof(got), "%.4s|%.2s", word, word), 7);
    cr_assert_str_eq(got, "abcd|ab");
}

Test(format, pointer_p_all_axes)
{
    void *ptrs[] = {NULL, (void *)1, (void *)0x1234, (void *)0xffff800000001000ull,
                    (void *)UINTPTR_MAX};
    char fmt[32];

    for (unsigned f = 0; f < 32; f++) {
        for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
            for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++) {
                make_fmt(fmt, f, widths[w], precs[p], "", 'p');
                for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
                    check(fmt, ptrs[i]);
                }
            }
        }
    }
}

Test(format, star_width_and_precision)
{
    const int stars[] = {-30, -5, -1, 0, 1, 5, 30};

    for (size_t i = 0; i < sizeof(stars) / sizeof(stars[0]); i++) {
        for (size_t j = 0; j < sizeof(stars) / sizeof(stars[0]); j++) {
            check("[%*.*d]", stars[i], stars[j], -1234);
            check("[%0*.*x]", stars[i], stars[j], 0xbeef);
            check("[%-*.*s]", stars[i], stars[j], "tessera");
            check("[%*.*s]", stars[i], stars[j], (char *)NULL);
            check("[%*.*p]", stars[i], stars[j], (void *)0x40000000);
            check("[%0*d]", stars[i], 77);
            check("[%#*o]", stars[i], 8);
        }
    }
}

Test(format, percent_and_plain_text)
{
    check("");
    check("plain text, no conversions");
    check("100%%");
    check("%%%d%%", 5);
    check("[%5%]");
    check("[%-5%]");
}

Test(format, lone_trailing_percent_prints_nothing)
{
    /* glibc prints the same text but returns -1; lib_ keeps its contract (the length). */
    const char *fmt = "trailing %";
    char buf[16];

    cr_assert_eq(lib_snprintf(buf, sizeof(buf), fmt), 9);
    cr_assert_str_eq(buf, "trailing ");
}

Test(format, mixed_conversions)
{
    check("dom %s (id %d) at %#llx, %zu KiB, vcpus %u, flags 0x%02hhx, pc %p, %c%c", "rt", 3,
          0x40000000ull, (size_t)16384, 2u, 0x1ff, (void *)0xffff000010080000ull, 'o', 'k');
    check("%-10s|%10s|%.3s|%c", "left", "right", "truncate", '!');
    check("%lld %llu %llx %lli", LLONG_MIN, ULLONG_MAX, ULLONG_MAX, LLONG_MAX);
    check("%hd %hu %hhd %hhu %hx %hhx", 70000, 70000, 200, 511, -1, -1);
    check("%ld %lu %lx %lo", LONG_MIN, ULONG_MAX, ULONG_MAX, ULONG_MAX);
    check("%zd %zu %zx", (size_t)-5, SIZE_MAX, SIZE_MAX);
}

Test(format, truncation_keeps_prefix_and_terminates)
{
    const char *fmt = "abc%5d|%s|%#x";
    char want[64];
    char buf[64];
    int full = snprintf(want, sizeof(want), fmt, -42, "str", 0xabc);

    for (size_t size = 0; size <= (size_t)full + 3; size++) {
        memset(buf, 'Z', sizeof(buf));
        int r = lib_snprintf(buf, size, fmt, -42, "str", 0xabc);
        cr_assert_eq(r, full, "size %zu", size);
        if (size > 0) {
            size_t n = size - 1 < (size_t)full ? size - 1 : (size_t)full;
            cr_assert(memcmp(buf, want, n) == 0, "size %zu", size);
            cr_assert_eq(buf[n], '\0', "size %zu", size);
        }
        for (size_t i = size; i < sizeof(buf); i++) {
            cr_assert_eq(buf[i], 'Z', "size %zu wrote byte %zu", size, i);
        }
    }
}

Test(format, size_zero_with_null_buffer_counts)
{
    cr_assert_eq(lib_snprintf(NULL, 0, "%s=%d", "answer", 42), 9);
    const char *empty = ""; /* a variable: gcc refuses a literal empty format */
    cr_assert_eq(lib_snprintf(NULL, 0, empty), 0);
}

static int call_v(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    int r = lib_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return r;
}

Test(format, vsnprintf_leaves_caller_list_usable)
{
    char buf[32];

    cr_assert_eq(call_v(buf, sizeof(buf), "%d-%s-%c", 1, "two", '3'), 7);
    cr_assert_str_eq(buf, "1-two-3");
}
