/* printf-style formatting for the freestanding library: the integer, character, string and
 * pointer conversions of C99, byte-for-byte what glibc's snprintf prints for them. */
#include <tessera/lib.h>

#include <stdbool.h>

#define FMT_LEFT  0x01 /* '-' */
#define FMT_ZERO  0x02 /* '0' */
#define FMT_SPACE 0x04 /* ' ' */
#define FMT_PLUS  0x08 /* '+' */
#define FMT_ALT   0x10 /* '#' */

/* Widths and precisions beyond this are clamped, so parsing them cannot overflow an int. */
#define FMT_MAX_FIELD 0x100000

enum fmt_length { FMT_LEN_NONE, FMT_LEN_HH, FMT_LEN_H, FMT_LEN_L, FMT_LEN_LL, FMT_LEN_Z };

struct fmt_out {
    char *buf;
    size_t size;
    size_t len; /* bytes the full output has so far, written or not */
};

struct fmt_spec {
    unsigned flags;
    int width;
    int prec; /* -1 when absent */
    enum fmt_length length;
    char conv;
};

static void fmt_putc(struct fmt_out *o, char c)
{
    /* Keep the last byte for the terminator. */
    if (o->len + 1 < o->size) {
        o->buf[o->len] = c;
    }
    o->len++;
}

static void fmt_write(struct fmt_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fmt_putc(o, s[i]);
    }
}

static void fmt_fill(struct fmt_out *o, char c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fmt_putc(o, c);
    }
}

static bool fmt_isdigit(char c)
{
    return c >= '0' && c <= '9';
}

static int fmt_number(const char **p)
{
    int v = 0;

    for (; fmt_isdigit(**p); (*p)++) {
        v = MIN(v * 10 + (**p - '0'), FMT_MAX_FIELD);
    }
    return v;
}

static unsigned fmt_flag(char c)
{
    switch (c) {
    case '-':
        return FMT_LEFT;
    case '0':
        return FMT_ZERO;
    case ' ':
        return FMT_SPACE;
    case '+':
        return FMT_PLUS;
    case '#':
        return FMT_ALT;
    default:
        return 0;
    }
}

static enum fmt_length fmt_parse_length(const char **p)
{
    const char *s = *p;

    if (s[0] == 'h' && s[1] == 'h') {
        *p += 2;
        return FMT_LEN_HH;
    }
    if (s[0] == 'l' && s[1] == 'l') {
        *p += 2;
        return FMT_LEN_LL;
    }
    switch (s[0]) {
    case 'h':
        (*p)++;
        return FMT_LEN_H;
    case 'l':
        (*p)++;
        return FMT_LEN_L;
    case 'z':
        (*p)++;
        return FMT_LEN_Z;
    default:
        return FMT_LEN_NONE;
    }
}

/* Parses the conversion specification after '%', taking '*' arguments from ap; *p is left on
 * the conversion character. */
static void fmt_parse(const char **p, struct fmt_spec *spec, va_list *ap)
{
    unsigned f;

    spec->flags = 0;
    while ((f = fmt_flag(**p)) != 0) {
        spec->flags |= f;
        (*p)++;
    }
    if (**p == '*') {
        /* A negative '*' width means '-' with its absolute value. */
        int64_t w = va_arg(*ap, int);
        (*p)++;
        if (w < 0) {
            spec->flags |= FMT_LEFT;
            w = -w;
        }
        spec->width = (int)MIN(w, FMT_MAX_FIELD);
    } else {
        spec->width = fmt_number(p);
    }
    spec->prec = -1;
    if (**p == '.') {
        (*p)++;
        if (**p == '*') {
            /* A negative '*' precision counts as no precision. */
            int pr = va_arg(*ap, int);
            (*p)++;
            spec->prec = pr < 0 ? -1 : MIN(pr, FMT_MAX_FIELD);
        } else {
            spec->prec = fmt_number(p);
        }
    }
    spec->length = fmt_parse_length(p);
    spec->conv = **p;
}

/* Writes body (n bytes) right- or left-justified in the field width, padding with spaces. */
static void fmt_field(struct fmt_out *o, const struct fmt_spec *spec, const char *body, size_t n)
{
    size_t pad = (size_t)spec->width > n ? (size_t)spec->width - n : 0;

    if (!(spec->flags & FMT_LEFT)) {
        fmt_fill(o, ' ', pad);
    }
    fmt_write(o, body, n);
    if (spec->flags & FMT_LEFT) {
        fmt_fill(o, ' ', pad);
    }
}

static void fmt_string(struct fmt_out *o, const struct fmt_spec *spec, const char *s)
{
    if (s == NULL) {
        /* glibc prints "(null)" only when the precision leaves room for all of it. */
        s = spec->prec < 0 || spec->prec >= 6 ? "(null)" : "";
    }
    /* strnlen: with a precision, s need not be terminated within it. */
    size_t n = spec->prec < 0 ? lib_strlen(s) : lib_strnlen(s, (size_t)spec->prec);
    fmt_field(o, spec, s, n);
}

/* Digits of v in base, most significant first, into buf (at least 22 bytes); returns the
 * count. A zero value with precision 0 has no digits at all. */
static size_t fmt_digits(char *buf, uint64_t v, unsigned base, bool upper, int prec)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    size_t n = 0;

    if (v == 0 && prec == 0) {
        return 0;
    }
    do {
        tmp[n++] = set[v % base];
        v /= base;
    } while (v != 0);
    for (size_t i = 0; i < n; i++) {
        buf[i] = tmp[n - 1 - i];
    }
    return n;
}

/* The sign and radix prefix ("-", "+", " ", "0x", "+0x"...) into pre; returns its length.
 * Signed conversions and %p honour '+' and ' '; '#' adds 0x/0X only to a nonzero value. */
static size_t fmt_prefix(char *pre, const struct fmt_spec *spec, bool is_signed, bool neg,
                         uint64_t v)
{
    size_t n = 0;

    if (is_signed) {
        if (neg) {
            pre[n++] = '-';
        } else if (spec->flags & FMT_PLUS) {
            pre[n++] = '+';
        } else if (spec->flags & FMT_SPACE) {
            pre[n++] = ' ';
        }
    }
    if ((spec->flags & FMT_ALT) && v != 0 && (spec->conv == 'x' || spec->conv == 'X')) {
        pre[n++] = '0';
        pre[n++] = spec->conv;
    }
    return n;
}

/* An integer conversion of magnitude v (neg: the value was negative). */
static void fmt_integer(struct fmt_out *o, const struct fmt_spec *spec, uint64_t v, bool neg,
                        bool is_signed)
{
    unsigned base = spec->conv == 'o' ? 8 : (spec->conv == 'x' || spec->conv == 'X') ? 16 : 10;
    char digits[24];
    char pre[4];
    size_t nd = fmt_digits(digits, v, base, spec->conv == 'X', spec->prec);
    size_t np = fmt_prefix(pre, spec, is_signed, neg, v);
    size_t zeros = spec->prec > 0 && (size_t)spec->prec > nd ? (size_t)spec->prec - nd : 0;

    /* '#' with 'o' makes the first digit a zero, adding one only when there is none. */
    if (spec->conv == 'o' && (spec->flags & FMT_ALT) && zeros == 0 &&
        (nd == 0 || digits[0] != '0')) {
        zeros = 1;
    }
    size_t body = np + zeros + nd;
    size_t pad = (size_t)spec->width > body ? (size_t)spec->width - body : 0;
    /* '0' pads with zeros between prefix and digits, unless '-' or a precision overrides. */
    bool zero_pad = (spec->flags & FMT_ZERO) && !(spec->flags & FMT_LEFT) && spec->prec < 0;

    if (!(spec->flags & FMT_LEFT) && !zero_pad) {
        fmt_fill(o, ' ', pad);
    }
    fmt_write(o, pre, np);
    fmt_fill(o, '0', zeros + (zero_pad ? pad : 0));
    fmt_write(o, digits, nd);
    if (spec->flags & FMT_LEFT) {
        fmt_fill(o, ' ', pad);
    }
}

static void fmt_pointer(struct fmt_out *o, const struct fmt_spec *spec, const void *p)
{
    if (p == NULL) {
        /* glibc prints "(nil)" as a string field: width only, no precision, no zeros. */
        struct fmt_spec s = *spec;
        s.prec = -1;
        fmt_string(o, &s, "(nil)");
        return;
    }
    /* Otherwise %p is %#lx that also honours '+' and ' '. */
    struct fmt_spec s = *spec;
    s.flags |= FMT_ALT;
    s.conv = 'x';
    fmt_integer(o, &s, (uintptr_t)p, false, true);
}

static int64_t fmt_arg_signed(enum fmt_length len, va_list *ap)
{
    switch (len) {
    case FMT_LEN_HH:
        return (signed char)va_arg(*ap, int);
    case FMT_LEN_H:
        return (short)va_arg(*ap, int);
    case FMT_LEN_L:
        return va_arg(*ap, long);
    case FMT_LEN_LL:
        return va_arg(*ap, long long);
    case FMT_LEN_Z:
        /* The signed type of size_t's width (ssize_t is not freestanding). */
        return (int64_t)va_arg(*ap, size_t);
    default:
        return va_arg(*ap, int);
    }
}

static uint64_t fmt_arg_unsigned(enum fmt_length len, va_list *ap)
{
    switch (len) {
    case FMT_LEN_HH:
        return (unsigned char)va_arg(*ap, unsigned int);
    case FMT_LEN_H:
        return (unsigned short)va_arg(*ap, unsigned int);
    case FMT_LEN_L:
        return va_arg(*ap, unsigned long);
    case FMT_LEN_LL:
        return va_arg(*ap, unsigned long long);
    case FMT_LEN_Z:
        return va_arg(*ap, size_t);
    default:
        return va_arg(*ap, unsigned int);
    }
}

static void fmt_signed(struct fmt_out *o, const struct fmt_spec *spec, va_list *ap)
{
    int64_t v = fmt_arg_signed(spec->length, ap);
    /* Negate in unsigned arithmetic: -INT64_MIN does not fit an int64_t. */
    uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    fmt_integer(o, spec, mag, v < 0, true);
}

/* One conversion; [start, end] is its text from the '%', for echoing unknown conversions. */
static void fmt_convert(struct fmt_out *o, const struct fmt_spec *spec, const char *start,
                        const char *end, va_list *ap)
{
    char c;

    switch (spec->conv) {
    case 'd':
    case 'i':
        fmt_signed(o, spec, ap);
        break;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        fmt_integer(o, spec, fmt_arg_unsigned(spec->length, ap), false, false);
        break;
    case 'c':
        c = (char)va_arg(*ap, int);
        fmt_field(o, spec, &c, 1);
        break;
    case 's':
        fmt_string(o, spec, va_arg(*ap, const char *));
        break;
    case 'p':
        fmt_pointer(o, spec, va_arg(*ap, const void *));
        break;
    case '%':
        fmt_putc(o, '%');
        break;
    default:
        /* Not a conversion we know: print the specification as written. */
        fmt_write(o, start, (size_t)(end - start) + 1);
        break;
    }
}

int lib_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct fmt_out o = {.buf = buf, .size = size, .len = 0};
    struct fmt_spec spec;
    va_list args;

    /* A copy, so helpers can take a va_list pointer whatever the ABI's va_list type is. */
    va_copy(args, ap);
    for (const char *p = fmt; *p != '\0'; p++) {
        if (*p != '%') {
            fmt_putc(&o, *p);
            continue;
        }
        const char *start = p++;
        fmt_parse(&p, &spec, &args);
        if (spec.conv == '\0') {
            break; /* a lone '%' at the end prints nothing, as in glibc */
        }
        fmt_convert(&o, &spec, start, p, &args);
    }
    va_end(args);
    if (size > 0) {
        buf[MIN(o.len, size - 1)] = '\0';
    }
    return (int)MIN(o.len, (size_t)__INT_MAX__);
}

int lib_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = lib_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
