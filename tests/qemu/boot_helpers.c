/* What every integration-boot test file shares (see boot_helpers.h). */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <tessera/harness/fileio.h>

#include "boot_helpers.h"

/* Runs `tessera run PATH --mode MODE [extra...]` (extra: a NULL-terminated list) into a new
 * temporary directory and asserts that it exits with expect, printing its output otherwise. */
void boot_run_args(const char *path, const char *mode, const char *const *extra, int expect,
                   struct boot *b)
{
    char dir[] = "/tmp/tessera-qemu-XXXXXX";
    char *argv[32] = {TESSERA_EXE, "run", (char *)path, "--mode",          (char *)mode,
                      "--out",     dir,   "--images",   TESSERA_IMAGE_DIR, "--quiet"};
    struct proc_buf out = {0}, err = {0};
    struct herr e;
    json_error_t je;
    size_t len;
    int status;

    for (size_t i = 10, k = 0; extra && extra[k] && i < 31; i++, k++) {
        argv[i] = (char *)extra[k];
    }
    cr_assert_not_null(mkdtemp(dir));
    b->dir = strdup(dir);
    cr_assert_eq(proc_capture(argv, &out, &err, &status, &e), 0, "%s", e.msg);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == expect,
              "tessera run %s (results in %s): wait status 0x%x, expected exit %d:\n%s\n%s", path,
              dir, status, expect, out.data ? out.data : "", err.data ? err.data : "");
    char *summary = fileio_join(dir, "summary.json");
    char *console = fileio_join(dir, "console.log");
    b->summary = json_load_file(summary, 0, &je);
    cr_assert_not_null(b->summary, "%s: %s", summary, je.text);
    cr_assert_eq(fileio_read(console, (void **)&b->console, &len, &e), 0, "%s", e.msg);
    b->console = realloc(b->console, len + 1);
    b->console[len] = '\0';
    b->err = err.data ? strdup(err.data) : strdup("");
    b->out = out.data ? strdup(out.data) : strdup("");
    free(summary);
    free(console);
    proc_buf_free(&out);
    proc_buf_free(&err);
}

void boot_run_mode(const char *path, const char *mode, const char *extra, int expect,
                   struct boot *b)
{
    const char *const extra_list[] = {extra, NULL};
    boot_run_args(path, mode, extra_list, expect, b);
}

void boot_run_path(const char *path, const char *extra, int expect, struct boot *b)
{
    boot_run_mode(path, "hyperlaunch", extra, expect, b);
}

/* A shipped scenario that must pass. */
void boot_run(const char *scenario, struct boot *b)
{
    char *path = fileio_join(TESSERA_SCENARIOS, scenario);

    boot_run_path(path, NULL, 0, b);
    free(path);
}

int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void boot_free(struct boot *b, bool remove_dir)
{
    if (remove_dir && b->dir) {
        nftw(b->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    free(b->dir);
    json_decref(b->summary);
    free(b->console);
    free(b->err);
    free(b->out);
}

char *data_path(const char *name)
{
    return fileio_join(TESSERA_QEMU_DATA, name);
}

json_t *domain_named(json_t *s, const char *name)
{
    json_t *d;
    size_t i;

    json_array_foreach(json_object_get(s, "domains"), i, d)
    {
        if (strcmp(json_string_value(json_object_get(d, "name")), name) == 0) {
            return d;
        }
    }
    cr_assert_fail("no domain %s in summary.json", name);
    return NULL;
}

json_t *trace_of(struct boot *b)
{
    json_t *t = json_object_get(b->summary, "trace");

    cr_assert(json_is_object(t), "summary.json has a trace object");
    cr_assert(json_is_null(json_object_get(t, "error")), "trace error: %s",
              json_string_value(json_object_get(t, "error")));
    return t;
}

char *out_file(const struct boot *b, const char *name)
{
    return fileio_join(b->dir, name);
}

/* Runs argv; its stdout and stderr in out and err (caller frees), its exit status returned. */
int tool(char *const argv[], struct proc_buf *out, struct proc_buf *err)
{
    struct herr e;
    int status;

    cr_assert_eq(proc_capture(argv, out, err, &status, &e), 0, "%s", e.msg);
    cr_assert(WIFEXITED(status), "%s did not exit", argv[0]);
    return WEXITSTATUS(status);
}

void check_console_has(const struct boot *b, const char *text)
{
    cr_assert_not_null(strstr(b->console, text), "no '%s' in the console:\n%s", text, b->console);
}

/* The text after the first console line of `name` that contains text, or NULL. */
const char *console_line(const struct boot *b, const char *name, const char *text)
{
    char prefix[64];
    const char *p = b->console;

    snprintf(prefix, sizeof(prefix), "] %s: ", name);
    while ((p = strstr(p, prefix)) != NULL) {
        const char *eol = strchr(p, '\n');
        const char *hit = strstr(p, text);
        if (hit && (!eol || hit < eol)) {
            return hit;
        }
        p += strlen(prefix);
    }
    return NULL;
}

json_int_t per_event(const struct boot *b, const char *event)
{
    json_t *events = json_object_get(json_object_get(b->summary, "trace"), "per_event");
    return get_int(events, event);
}
