/* File helpers of the harness: whole-file read/write, directory creation and removal, path
 * joining. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tessera/harness/fileio.h>

int fileio_read(const char *path, void **buf, size_t *len, struct herr *e)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t used = 0, cap = 0;

    if (!f) {
        return herr_set(e, -errno, "cannot open %s: %s", path, strerror(errno));
    }
    for (;;) {
        if (used == cap) {
            char *bigger = realloc(data, cap = cap ? 2 * cap : 65536);
            if (!bigger) {
                free(data);
                fclose(f);
                return herr_set(e, -ENOMEM, "out of memory reading %s", path);
            }
            data = bigger;
        }
        size_t n = fread(data + used, 1, cap - used, f);
        used += n;
        if (n == 0) {
            break;
        }
    }
    if (ferror(f)) {
        int rc = -EIO;
        free(data);
        fclose(f);
        return herr_set(e, rc, "error reading %s", path);
    }
    fclose(f);
    *buf = data;
    *len = used;
    return 0;
}

int fileio_write(const char *path, const void *buf, size_t len, struct herr *e)
{
    FILE *f = fopen(path, "wb");

    if (!f) {
        return herr_set(e, -errno, "cannot create %s: %s", path, strerror(errno));
    }
    if (fwrite(buf, 1, len, f) != len || fflush(f) != 0) {
        int rc = errno ? -errno : -EIO;
        fclose(f);
        return herr_set(e, rc, "cannot write %s: %s", path, strerror(-rc));
    }
    if (fclose(f) != 0) {
        return herr_set(e, -errno, "cannot write %s: %s", path, strerror(errno));
    }
    return 0;
}

static int fileio_mkdir_one(const char *dir, struct herr *e)
{
    struct stat st;

    if (mkdir(dir, 0777) == 0) {
        return 0;
    }
    if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
        return 0;
    }
    if (errno == EEXIST) {
        return herr_set(e, -ENOTDIR, "cannot create directory %s: a file of that name exists", dir);
    }
    return herr_set(e, -errno, "cannot create directory %s: %s", dir, strerror(errno));
}

int fileio_mkdirs(const char *dir, struct herr *e)
{
    char *path = strdup(dir);
    int rc = 0;

    if (!path) {
        return herr_set(e, -ENOMEM, "out of memory");
    }
    for (char *p = path + 1; *p && rc == 0; p++) {
        if (*p == '/') {
            *p = '\0';
            rc = fileio_mkdir_one(path, e);
            *p = '/';
        }
    }
    if (rc == 0) {
        rc = fileio_mkdir_one(path, e);
    }
    free(path);
    return rc;
}

char *fileio_join(const char *dir, const char *name)
{
    char *out;

    if (!dir || !*dir || name[0] == '/') {
        return strdup(name);
    }
    if (asprintf(&out, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name) < 0) {
        return NULL;
    }
    return out;
}

char *fileio_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash) {
        return strdup(".");
    }
    if (slash == path) {
        return strdup("/");
    }
    return strndup(path, (size_t)(slash - path));
}

char *fileio_stem(const char *path, const char *ext)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t len = strlen(base), elen = strlen(ext);

    if (len > elen && strcmp(base + len - elen, ext) == 0) {
        len -= elen;
    }
    return strndup(base, len);
}

bool fileio_is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int fileio_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) == 0 ? 0 : -errno;
}

int fileio_remove_tree(const char *path, struct herr *e)
{
    struct stat st;
    int rc;

    if (lstat(path, &st) != 0) {
        return errno == ENOENT ? 0
                               : herr_set(e, -errno, "cannot remove %s: %s", path, strerror(errno));
    }
    rc = nftw(path, fileio_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc != 0) {
        rc = rc < 0 ? rc : -EIO;
        return herr_set(e, rc, "cannot remove %s: %s", path, strerror(-rc));
    }
    return 0;
}
