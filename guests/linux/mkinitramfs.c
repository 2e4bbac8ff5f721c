/* mkinitramfs SPEC OUT: writes an uncompressed initramfs (cpio "newc" archive, the format the
 * Linux kernel unpacks at boot) from a list of entries, so that device nodes and root-owned
 * files need no root and no cpio program. SPEC has one entry per line ('#' comments):
 *
 *   dir   PATH MODE
 *   file  PATH HOSTFILE MODE
 *   slink PATH TARGET
 *   nod   PATH MODE c|b MAJOR MINOR
 *
 * MODE is octal permissions; every entry belongs to uid 0, gid 0, mtime 0 (so the archive is
 * the same bytes on every build). Errors name the SPEC line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NEWC_MAGIC "070701"

struct out {
    FILE *f;
    unsigned long ino;
    unsigned long long written;
};

static int pad4(struct out *o)
{
    static const char zero[4];
    size_t n = (4 - o->written % 4) % 4;

    o->written += n;
    return fwrite(zero, 1, n, o->f) == n ? 0 : -EIO;
}

/* One archive member: the 110-byte header, the name with its NUL, data, each padded to 4. */
static int put(struct out *o, const char *name, unsigned mode, unsigned rmaj, unsigned rmin,
               const void *data, size_t len)
{
    char hdr[160];
    size_t nlen = strlen(name) + 1;

    snprintf(hdr, sizeof(hdr), NEWC_MAGIC "%08lX%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
             ++o->ino, mode, 0, 0, (mode & S_IFMT) == S_IFDIR ? 2 : 1, 0, len, 0, 0, rmaj, rmin,
             nlen, 0);
    if (strlen(hdr) != 110) {
        return -EOVERFLOW; /* a field past 8 hex digits: more than 4 GiB, or too many inodes */
    }
    if (fwrite(hdr, 1, 110, o->f) != 110 || fwrite(name, 1, nlen, o->f) != nlen) {
        return -EIO;
    }
    o->written += 110 + nlen;
    if (pad4(o) || (len && fwrite(data, 1, len, o->f) != len)) {
        return -EIO;
    }
    o->written += len;
    return pad4(o);
}

static void *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    void *buf = NULL;
    long n;

    if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
        !(buf = malloc(n ? (size_t)n : 1)) || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    } else {
        *len = (size_t)n;
    }
    if (f) {
        fclose(f);
    }
    return buf;
}

/* The archive names members without the leading '/'. */
static const char *rel(const char *path)
{
    while (*path == '/') {
        path++;
    }
    return *path ? path : ".";
}

static int entry(struct out *o, char *line, const char *spec, unsigned lineno)
{
    char *w[7] = {0};
    int n = 0;
    unsigned long mode;

    for (char *s = strtok(line, " \t"); s && n < 7; s = strtok(NULL, " \t")) {
        w[n++] = s;
    }
    if (n == 0 || w[0][0] == '#') {
        return 0;
    }
#define BAD(...)                                                                                   \
    (fprintf(stderr, "mkinitramfs: %s:%u: ", spec, lineno), fprintf(stderr, __VA_ARGS__),          \
     fputc('\n', stderr), -EINVAL)
    if (!strcmp(w[0], "dir") && n == 3) {
        mode = strtoul(w[2], NULL, 8);
        return put(o, rel(w[1]), S_IFDIR | (unsigned)(mode & 07777), 0, 0, NULL, 0);
    }
    if (!strcmp(w[0], "slink") && n == 3) {
        return put(o, rel(w[1]), S_IFLNK | 0777, 0, 0, w[2], strlen(w[2]));
    }
    if (!strcmp(w[0], "nod") && n == 6 && (!strcmp(w[3], "c") || !strcmp(w[3], "b"))) {
        mode = strtoul(w[2], NULL, 8);
        return put(o, rel(w[1]), (w[3][0] == 'c' ? S_IFCHR : S_IFBLK) | (unsigned)(mode & 07777),
                   (unsigned)strtoul(w[4], NULL, 10), (unsigned)strtoul(w[5], NULL, 10), NULL, 0);
    }
    if (!strcmp(w[0], "file") && n == 4) {
        size_t len = 0;
        void *data = slurp(w[2], &len);
        int rc;
        if (!data) {
            return BAD("file %s: cannot read %s: %s", w[1], w[2], strerror(errno ? errno : EIO));
        }
        mode = strtoul(w[3], NULL, 8);
        rc = put(o, rel(w[1]), S_IFREG | (unsigned)(mode & 07777), 0, 0, data, len);
        free(data);
        return rc;
    }
    return BAD("'%s' is none of: dir PATH MODE, file PATH HOSTFILE MODE, slink PATH TARGET, "
               "nod PATH MODE c|b MAJOR MINOR",
               w[0]);
#undef BAD
}

int main(int argc, char **argv)
{
    struct out o = {0};
    char line[4096];
    unsigned lineno = 0;
    int rc = 0;
    FILE *spec;

    if (argc != 3) {
        fprintf(stderr, "usage: mkinitramfs SPEC OUT\n");
        return 2;
    }
    if (!(spec = fopen(argv[1], "r"))) {
        fprintf(stderr, "mkinitramfs: cannot read %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    if (!(o.f = fopen(argv[2], "wb"))) {
        fprintf(stderr, "mkinitramfs: cannot create %s: %s\n", argv[2], strerror(errno));
        fclose(spec);
        return 2;
    }
    while (rc == 0 && fgets(line, sizeof(line), spec)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        rc = entry(&o, line, argv[1], lineno);
    }
    rc = rc ?: put(&o, "TRAILER!!!", 0, 0, 0, NULL, 0);
    fclose(spec);
    if (fclose(o.f) || rc) {
        if (rc == -EIO || rc == 0) {
            fprintf(stderr, "mkinitramfs: cannot write %s\n", argv[2]);
        }
        remove(argv[2]);
        return 1;
    }
    return 0;
}
