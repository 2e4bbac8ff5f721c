/* Shared helpers of the harness unit tests: files, temporary directories, compiled scenarios. */
#ifndef TESSERA_TEST_HARNESS_HELPERS_H
#define TESSERA_TEST_HARNESS_HELPERS_H

#include <jansson.h>
#include <stddef.h>

/* Reads HARNESS_TEST_DATA/name (a DTB made at build time); aborts the test if missing. */
void *th_data(const char *name, size_t *len);
/* A new empty directory under /tmp (caller frees the string; th_rmtree removes it). */
char *th_tmpdir(void);
void th_rmtree(const char *dir);
/* Writes text to dir/name (creating dir/name's parent directories); returns the path. */
char *th_write(const char *dir, const char *name, const char *text, size_t len);
/* Compiles dts source text with dtc (through scenario_compile) and returns the DTB;
 * NULL with err filled on failure. */
void *th_compile(const char *dts, char *err, size_t errlen);

/* Writes DIR/tessera.bin: a stand-in hypervisor image whose arm64 Image header says 2 MiB (all
 * that `tessera check`'s dry run reads of it). */
void th_write_hyp_image(const char *dir);
/* JSON lookups that fail on a missing key: jget, get_int, get_real, get_str. */
#include "json_expect.h"

#endif
