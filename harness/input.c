/* `tessera run --input TEXT`: the C escapes of TEXT decoded into the bytes written to QEMU's
 * stdin, the serial line of the machine (\x01 is Ctrl-A, the console focus switch). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/harness/input.h>

static int input_hex(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* The escape after a backslash at *p (advanced past it); -1 if it is not one. */
static int input_escape(const char **p)
{
    static const char from[] = "nrt\\\"'abefv";
    static const char to[] = "\n\r\t\\\"'\a\b\033\f\v";
    const char *hit = **p ? strchr(from, **p) : NULL;
    int v = 0, n;

    if (hit) {
        (*p)++;
        return (unsigned char)to[hit - from];
    }
    if (**p == 'x') {
        for (n = 0, (*p)++; n < 2 && input_hex(**p) >= 0; n++, (*p)++) {
            v = v * 16 + input_hex(**p);
        }
        return n > 0 ? v : -1;
    }
    for (n = 0; n < 3 && **p >= '0' && **p <= '7'; n++, (*p)++) {
        v = v * 8 + (**p - '0');
    }
    return n > 0 && v <= 0xff ? v : -1;
}

int input_unescape(const char *text, char **out, size_t *len, struct herr *e)
{
    char *buf = malloc(strlen(text) + 1);
    size_t n = 0;

    if (!buf) {
        return herr_set(e, -ENOMEM, "out of memory");
    }
    for (const char *p = text; *p;) {
        if (*p != '\\') {
            buf[n++] = *p++;
            continue;
        }
        const char *at = p++;
        int c = input_escape(&p);
        if (c < 0) {
            free(buf);
            return herr_set(e, -EINVAL,
                            "--input: '%.4s' is not an escape this knows (\\n \\r \\t "
                            "\\\\ \\xHH \\NNN ...)",
                            at);
        }
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}
