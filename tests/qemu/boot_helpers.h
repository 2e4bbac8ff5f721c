/* What every integration-boot test file shares: running `tessera run` into a fresh results
 * directory and reading back its summary.json and console.log, with lookups that fail the test
 * when what they look for is missing (a missing key never reads as 0 or as "found"). */
#ifndef TESSERA_TESTS_QEMU_BOOT_HELPERS_H
#define TESSERA_TESTS_QEMU_BOOT_HELPERS_H

#include <jansson.h>
#include <stdbool.h>

#include <tessera/harness/proc.h>

#include "json_expect.h"

struct boot {
    char *dir; /* the results directory (kept when a test fails, for a look) */
    json_t *summary;
    char *console;
    char *err; /* what tessera printed on stderr */
    char *out; /* ... and on stdout (the summary and its reasons) */
};

/* Runs `tessera run PATH --mode MODE [extra...]` (extra: NULL-terminated) into a new temporary
 * directory and asserts that it exits with expect, printing its output otherwise. */
void boot_run_args(const char *path, const char *mode, const char *const *extra, int expect,
                   struct boot *b);
void boot_run_mode(const char *path, const char *mode, const char *extra, int expect,
                   struct boot *b);
void boot_run_path(const char *path, const char *extra, int expect, struct boot *b);
/* A shipped scenario (scenarios/NAME) that must pass in hyperlaunch mode. */
void boot_run(const char *scenario, struct boot *b);
void boot_free(struct boot *b, bool remove_dir);

/* An nftw callback that removes what it visits (the whole tree with FTW_DEPTH). */
struct stat;
struct FTW;
int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw);

/* tests/qemu/data/NAME (caller frees). */
char *data_path(const char *name);
/* DIR/NAME of the run's results (caller frees). */
char *out_file(const struct boot *b, const char *name);

/* The summary's domain of that name, failing the test when there is none. */
json_t *domain_named(json_t *s, const char *name);
/* summary.json's trace object, failing the test when it is missing or reports an error. */
json_t *trace_of(struct boot *b);
/* trace.per_event[event], failing the test when it is missing. */
json_int_t per_event(const struct boot *b, const char *event);

/* Fails the test unless the console holds text. */
void check_console_has(const struct boot *b, const char *text);
/* The text after the first console line of `name` that contains text, or NULL. */
const char *console_line(const struct boot *b, const char *name, const char *text);
/* Runs argv; its stdout and stderr in out and err (caller frees), its exit status returned. */
int tool(char *const argv[], struct proc_buf *out, struct proc_buf *err);

#endif
