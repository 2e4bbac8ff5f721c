/* Command-line words: "flag" and "key=value" separated by spaces (the hypervisor's
 * /chosen/bootargs, a guest's bootargs). */
#include <tessera/lib.h>

/* The next word of s (skipping spaces) and its length; NULL at the end. */
static const char *cmdline_word(const char *s, size_t *len)
{
    while (s && *s == ' ') {
        s++;
    }
    if (!s || !*s) {
        return NULL;
    }
    const char *end = lib_strchr(s, ' ');
    *len = end ? (size_t)(end - s) : lib_strlen(s);
    return s;
}

bool lib_cmdline_flag(const char *cmdline, const char *word)
{
    size_t n = lib_strlen(word), len;

    for (const char *w = cmdline_word(cmdline, &len); w; w = cmdline_word(w + len, &len)) {
        if (len == n && lib_strncmp(w, word, n) == 0) {
            return true;
        }
    }
    return false;
}

const char *lib_cmdline_value(const char *cmdline, const char *key, size_t *vlen)
{
    size_t n = lib_strlen(key), len;

    for (const char *w = cmdline_word(cmdline, &len); w; w = cmdline_word(w + len, &len)) {
        if (len > n && w[n] == '=' && lib_strncmp(w, key, n) == 0) {
            *vlen = len - n - 1;
            return w + n + 1;
        }
    }
    return NULL;
}
