/* File helpers of the harness: whole-file read/write, directory creation, path joining. */
#ifndef TESSERA_HARNESS_FILEIO_H
#define TESSERA_HARNESS_FILEIO_H

#include <stdbool.h>
#include <stddef.h>

#include <tessera/harness/error.h>

/* Reads the whole file at path into a new buffer (caller frees). Returns 0 or a negative errno
 * with e naming the file. */
int fileio_read(const char *path, void **buf, size_t *len, struct herr *e);
/* Writes len bytes to path (created or truncated). Returns 0 or a negative errno. */
int fileio_write(const char *path, const void *buf, size_t len, struct herr *e);
/* Creates dir and its missing parents (like mkdir -p). Returns 0 or a negative errno. */
int fileio_mkdirs(const char *dir, struct herr *e);
/* dir + "/" + name as a new string; name alone if it is absolute or dir is empty/NULL. */
char *fileio_join(const char *dir, const char *name);
/* The directory part of path as a new string ("." if it has none). */
char *fileio_dirname(const char *path);
/* The last component of path without the extension ext (if it ends with it), as a new string. */
char *fileio_stem(const char *path, const char *ext);
/* Removes path: a file, or a directory and everything in it (like rm -rf); nothing if it does
 * not exist. Returns 0 or a negative errno. */
int fileio_remove_tree(const char *path, struct herr *e);
/* True if path names a regular file. */
bool fileio_is_file(const char *path);

#endif
