/* Finding image files on the host: a manifest's `image` is looked up next to the scenario
 * file first, then in the images directory of the build. */
#ifndef TESSERA_HARNESS_IMAGES_H
#define TESSERA_HARNESS_IMAGES_H

#include <stdint.h>

#include <tessera/harness/error.h>

struct images_ctx {
    const char *scenario_dir;
    const char *images_dir;
};

/* bootdtb_resolve_fn over the file system (ctx is a struct images_ctx). A missing file is
 * reported with every path tried and how to build the images. */
int images_resolve(void *ctx, const char *image, char **path, uint64_t *size, struct herr *e);

#endif
