/* Finding image files on the host: next to the scenario file first, then in the images
 * directory (the nested bare-metal build, or --images). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/images.h>

/* Returns 0 with *size if path is a regular file, -ENOENT if it does not exist, else an error. */
static int images_stat(const char *path, uint64_t *size, struct herr *e)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            return -ENOENT;
        }
        return herr_set(e, -errno, "cannot read %s: %s", path, strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        return herr_set(e, -EINVAL, "%s is not a regular file", path);
    }
    *size = (uint64_t)st.st_size;
    return 0;
}

int images_resolve(void *ctx, const char *image, char **path, uint64_t *size, struct herr *e)
{
    const struct images_ctx *c = ctx;
    const char *dirs[2] = {c->scenario_dir, c->images_dir};
    char *tried[2] = {NULL, NULL};
    int rc = -ENOENT;

    for (int i = 0; i < 2 && rc == -ENOENT; i++) {
        if (!dirs[i] || (i == 1 && image[0] == '/')) {
            continue;
        }
        tried[i] = fileio_join(dirs[i], image);
        if (!tried[i]) {
            rc = herr_set(e, -ENOMEM, "out of memory");
            break;
        }
        rc = images_stat(tried[i], size, e);
        if (rc == 0) {
            *path = tried[i];
            tried[i] = NULL;
        }
    }
    if (rc == -ENOENT) {
        herr_set(e, rc,
                 "'%s' not found (tried %s%s%s); build the images with `cmake --build BUILD_DIR "
                 "--target image` (they land in BUILD_DIR/image), or pass --images DIR",
                 image, tried[0] ? tried[0] : "", tried[0] && tried[1] ? " and " : "",
                 tried[1] ? tried[1] : "");
    }
    free(tried[0]);
    free(tried[1]);
    return rc;
}
