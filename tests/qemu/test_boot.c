/* Integration boots: the built `tessera run` on the shipped scenarios under QEMU, checked
 * through its exit status, summary.json (jansson) and console.log. One fresh boot per run. */
#include <criterion/criterion.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <tessera/harness/fileio.h>
#include <tessera/harness/proc.h>

struct boot {
    char *dir; /* the results directory (kept when a test fails, for a look) */
    json_t *summary;
    char *console;
};

static void boot_free(struct boot *b, bool remove_dir);

/* Runs `tessera run SCENARIO --mode hyperlaunch` into a new temporary directory and asserts
 * that it exits 0, printing its output otherwise. */
static void boot_run(const char *scenario, struct boot *b)
{
    char dir[] = "/tmp/tessera-qemu-XXXXXX";
    char *path = fileio_join(TESSERA_SCENARIOS, scenario);
    char *argv[] = {TESSERA_EXE,       "run",     path, "--mode",
                    "hyperlaunch",     "--out",   dir,  "--images",
                    TESSERA_IMAGE_DIR, "--quiet", NULL};
    struct proc_buf out = {0}, err = {0};
    struct herr e;
    json_error_t je;
    size_t len;
    int status;

    cr_assert_not_null(mkdtemp(dir));
    b->dir = strdup(dir);
    cr_assert_eq(proc_capture(argv, &out, &err, &status, &e), 0, "%s", e.msg);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "tessera run %s (results in %s) failed with wait status 0x%x:\n%s\n%s", scenario, dir,
              status, out.data ? out.data : "", err.data ? err.data : "");
    char *summary = fileio_join(dir, "summary.json");
    char *console = fileio_join(dir, "console.log");
    b->summary = json_load_file(summary, 0, &je);
    cr_assert_not_null(b->summary, "%s: %s", summary, je.text);
    cr_assert_eq(fileio_read(console, (void **)&b->console, &len, &e), 0, "%s", e.msg);
    b->console = realloc(b->console, len + 1);
    b->console[len] = '\0';
    free(summary);
    free(console);
    free(path);
    proc_buf_free(&out);
    proc_buf_free(&err);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void boot_free(struct boot *b, bool remove_dir)
{
    if (remove_dir && b->dir) {
        nftw(b->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    free(b->dir);
    json_decref(b->summary);
    free(b->console);
}

static json_int_t get_int(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    cr_assert(json_is_integer(v), "%s is not an integer", key);
    return json_integer_value(v);
}

/* The checks every passing boot satisfies: verdict, exit statuses, and per domain ordered times
 * and a clean shutdown. */
static void check_summary(json_t *s, const char *domain)
{
    json_t *hyp = json_object_get(s, "hypervisor"), *doms = json_object_get(s, "domains"), *d;

    cr_assert_str_eq(json_string_value(json_object_get(s, "verdict")), "pass");
    cr_assert_eq(get_int(s, "exit_status"), 0, "QEMU's exit status");
    cr_assert_eq(get_int(hyp, "exit_status"), 0, "the hypervisor's exit status line");
    cr_assert_gt(get_int(s, "counter_hz"), 0);
    cr_assert_geq(get_int(hyp, "init_done_ns"), get_int(hyp, "entry_ns"));
    cr_assert_eq(json_array_size(doms), 1);
    d = json_array_get(doms, 0);
    cr_assert_str_eq(json_string_value(json_object_get(d, "name")), domain);
    cr_assert_gt(get_int(d, "ready_ns"), 0);
    cr_assert_leq(get_int(d, "created_ns"), get_int(d, "first_instr_ns"));
    cr_assert_leq(get_int(d, "first_instr_ns"), get_int(d, "first_output_ns"));
    cr_assert_leq(get_int(d, "first_output_ns"), get_int(d, "ready_ns"));
    cr_assert_str_eq(json_string_value(json_object_get(d, "state")), "shutdown");
    cr_assert_str_eq(json_string_value(json_object_get(d, "shutdown_reason")), "poweroff");
    cr_assert_eq(get_int(s, "all_ready_ns"), get_int(d, "ready_ns"));
}

Test(boot, minimal, .timeout = 110)
{
    struct boot b = {0};

    boot_run("minimal.dts", &b);
    check_summary(b.summary, "hello");
    cr_assert_not_null(strstr(b.console, "] hello: "), "hello printed nothing:\n%s", b.console);
    boot_free(&b, true);
}

/* The measured numbers of a summary, flattened in a fixed order. */
static void numbers(json_t *s, json_int_t *out, size_t *n)
{
    static const char *const dom_keys[] = {"created_ns", "first_instr_ns", "first_output_ns",
                                           "ready_ns"};
    json_t *hyp = json_object_get(s, "hypervisor"), *d;
    size_t i;

    *n = 0;
    out[(*n)++] = get_int(s, "counter_hz");
    out[(*n)++] = get_int(hyp, "entry_ns");
    out[(*n)++] = get_int(hyp, "init_done_ns");
    out[(*n)++] = get_int(s, "all_ready_ns");
    json_array_foreach(json_object_get(s, "domains"), i, d)
    {
        for (size_t k = 0; k < 4 && *n < 64; k++) {
            out[(*n)++] = get_int(d, dom_keys[k]);
        }
    }
}

Test(boot, minimal_deterministic, .timeout = 110)
{
    struct boot a = {0}, b = {0};
    json_int_t na[64], nb[64];
    size_t ca, cb;

    boot_run("minimal.dts", &a);
    boot_run("minimal.dts", &b);
    numbers(a.summary, na, &ca);
    numbers(b.summary, nb, &cb);
    cr_assert_eq(ca, cb);
    for (size_t i = 0; i < ca; i++) {
        cr_assert_eq(na[i], nb[i], "number %zu differs between two runs: %lld vs %lld", i,
                     (long long)na[i], (long long)nb[i]);
    }
    boot_free(&a, true);
    boot_free(&b, true);
}

Test(boot, faults, .timeout = 110)
{
    struct boot b = {0};
    unsigned pass = 0;

    boot_run("faults.dts", &b);
    check_summary(b.summary, "faults");
    for (char *line = strtok(b.console, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strstr(line, "] faults: ")) {
            continue; /* only the guest's own lines carry its verdicts */
        }
        cr_assert_null(strstr(line, "FAIL"), "the faults guest reports: %s", line);
        pass += strstr(line, "PASS") != NULL;
    }
    cr_assert_gt(pass, 0, "the faults guest printed no PASS line");
    boot_free(&b, true);
}
