/* Shared helpers of the harness unit tests: files, temporary directories, compiled scenarios. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/scenario.h>

#include "helpers.h"

void *th_data(const char *name, size_t *len)
{
    char *path = fileio_join(HARNESS_TEST_DATA, name);
    struct herr e;
    void *buf = NULL;

    cr_assert_eq(fileio_read(path, &buf, len, &e), 0, "%s", e.msg);
    free(path);
    return buf;
}

char *th_tmpdir(void)
{
    char *dir = strdup("/tmp/tessera-test-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static int th_unlink(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void th_rmtree(const char *dir)
{
    nftw(dir, th_unlink, 16, FTW_DEPTH | FTW_PHYS);
}

char *th_write(const char *dir, const char *name, const char *text, size_t len)
{
    char *path = fileio_join(dir, name);
    char *parent = fileio_dirname(path);
    struct herr e;

    cr_assert_eq(fileio_mkdirs(parent, &e), 0, "%s", e.msg);
    cr_assert_eq(fileio_write(path, text, len, &e), 0, "%s", e.msg);
    free(parent);
    return path;
}

void *th_compile(const char *dts, char *err, size_t errlen)
{
    char *dir = th_tmpdir();
    char *src = th_write(dir, "s.dts", dts, strlen(dts));
    char *dtb = fileio_join(dir, "s.dtb");
    struct herr e;
    void *buf = NULL;
    size_t len;

    if (scenario_compile("dtc", src, dtb, &e) == 0) {
        cr_assert_eq(fileio_read(dtb, &buf, &len, &e), 0, "%s", e.msg);
    } else {
        snprintf(err, errlen, "%s", e.msg);
    }
    th_rmtree(dir);
    free(dir);
    free(src);
    free(dtb);
    return buf;
}

void th_write_hyp_image(const char *dir)
{
    char hdr[64] = {0};

    hdr[16 + 2] = 0x20; /* image_size 2 MiB */
    memcpy(hdr + 56, "ARM\x64", 4);
    free(th_write(dir, "tessera.bin", hdr, sizeof(hdr)));
}
