/* mkinitramfs writes a newc archive the kernel can unpack: every entry read back here with its
 * type, permissions, owner 0, device numbers and data; a bad spec line is refused by number. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct member {
    char name[64];
    unsigned mode, uid, rmaj, rmin;
    char data[64];
    size_t size;
};

static unsigned long hex8(const unsigned char *p)
{
    char b[9];
    memcpy(b, p, 8);
    b[8] = '\0';
    return strtoul(b, NULL, 16);
}

/* Reads the archive at path into m (at most max members, the trailer included). */
static size_t unpack(const char *path, struct member *m, size_t max)
{
    FILE *f = fopen(path, "rb");
    static unsigned char buf[1 << 16];
    size_t len, off = 0, n = 0;

    cr_assert_not_null(f);
    len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    while (off + 110 <= len && n < max) {
        const unsigned char *h = buf + off;
        cr_assert_eq(memcmp(h, "070701", 6), 0, "bad magic at %zu", off);
        size_t nlen = hex8(h + 94), fsize = hex8(h + 54);
        m[n] = (struct member){.mode = (unsigned)hex8(h + 14),
                               .uid = (unsigned)hex8(h + 22),
                               .rmaj = (unsigned)hex8(h + 78),
                               .rmin = (unsigned)hex8(h + 86),
                               .size = fsize};
        snprintf(m[n].name, sizeof(m[n].name), "%s", (const char *)h + 110);
        off = (off + 110 + nlen + 3) & ~(size_t)3;
        memcpy(m[n].data, buf + off, fsize < sizeof(m[n].data) ? fsize : sizeof(m[n].data) - 1);
        off = (off + fsize + 3) & ~(size_t)3;
        if (!strcmp(m[n++].name, "TRAILER!!!")) {
            cr_assert_eq(off, len, "nothing after the trailer");
            break;
        }
    }
    return n;
}

static int run(const char *spec, const char *out)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "%s %s %s 2>/dev/null", MKINITRAMFS, spec, out);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(mkinitramfs, writes_every_kind_of_entry)
{
    char dir[] = "/tmp/tessera-cpio-XXXXXX", spec[64], data[64], out[64];
    struct member m[8];
    FILE *f;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(spec, sizeof(spec), "%s/spec", dir);
    snprintf(data, sizeof(data), "%s/data", dir);
    snprintf(out, sizeof(out), "%s/out.cpio", dir);
    f = fopen(data, "w");
    fputs("#!/bin/sh\n", f);
    fclose(f);
    f = fopen(spec, "w");
    fprintf(f,
            "# comment\ndir /dev 0755\nnod /dev/console 0600 c 5 1\nfile /init %s 0755\n"
            "slink /bin/sh busybox\n",
            data);
    fclose(f);
    cr_assert_eq(run(spec, out), 0);
    cr_assert_eq(unpack(out, m, 8), 5);
    cr_assert_str_eq(m[0].name, "dev");
    cr_assert_eq(m[0].mode, S_IFDIR | 0755);
    cr_assert_str_eq(m[1].name, "dev/console");
    cr_assert_eq(m[1].mode, S_IFCHR | 0600);
    cr_assert_eq(m[1].rmaj, 5);
    cr_assert_eq(m[1].rmin, 1);
    cr_assert_str_eq(m[2].name, "init");
    cr_assert_eq(m[2].mode, S_IFREG | 0755);
    cr_assert_eq(m[2].size, 10);
    cr_assert_str_eq(m[2].data, "#!/bin/sh\n");
    cr_assert_eq(m[2].uid, 0);
    cr_assert_str_eq(m[3].name, "bin/sh");
    cr_assert_eq(m[3].mode, S_IFLNK | 0777);
    cr_assert_str_eq(m[3].data, "busybox");
    cr_assert_str_eq(m[4].name, "TRAILER!!!");

    f = fopen(spec, "w");
    fprintf(f, "dir /dev 0755\nfifo /x 0644\n");
    fclose(f);
    cr_assert_eq(run(spec, out), 1, "an unknown entry kind is refused");
    cr_assert_neq(access(out, F_OK), 0, "and no half-written archive is left");
    f = fopen(spec, "w");
    fprintf(f, "file /init %s/missing 0755\n", dir);
    fclose(f);
    cr_assert_eq(run(spec, out), 1, "a missing host file is refused");
    remove(data);
    remove(spec);
    remove(dir);
}
