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
    char *err; /* what tessera printed on stderr */
    char *out; /* ... and on stdout (the summary and its reasons) */
};

static void boot_free(struct boot *b, bool remove_dir);

/* Runs `tessera run PATH --mode MODE [extra]` into a new temporary directory and asserts that
 * it exits with expect, printing its output otherwise. */
static void boot_run_mode(const char *path, const char *mode, const char *extra, int expect,
                          struct boot *b)
{
    char dir[] = "/tmp/tessera-qemu-XXXXXX";
    char *argv[] = {TESSERA_EXE, "run",      (char *)path,      "--mode",  (char *)mode,  "--out",
                    dir,         "--images", TESSERA_IMAGE_DIR, "--quiet", (char *)extra, NULL};
    struct proc_buf out = {0}, err = {0};
    struct herr e;
    json_error_t je;
    size_t len;
    int status;

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

static void boot_run_path(const char *path, const char *extra, int expect, struct boot *b)
{
    boot_run_mode(path, "hyperlaunch", extra, expect, b);
}

/* A shipped scenario that must pass. */
static void boot_run(const char *scenario, struct boot *b)
{
    char *path = fileio_join(TESSERA_SCENARIOS, scenario);

    boot_run_path(path, NULL, 0, b);
    free(path);
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
    free(b->err);
    free(b->out);
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

/* ---- fleets, Xen dom0less, and runs that must fail in a particular way ---- */

static char *data_path(const char *name)
{
    return fileio_join(TESSERA_QEMU_DATA, name);
}

static json_t *domain_named(json_t *s, const char *name)
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

/* Every domain ready, ordered times, its kernel reported (when the hypervisor built it: in
 * dom0 mode the toolstack does); and each starts after the domains it waits for are ready. */
static void check_fleet(json_t *s, bool kernels)
{
    json_t *d, *after;
    size_t i, k;

    cr_assert_str_eq(json_string_value(json_object_get(s, "verdict")), "pass");
    json_array_foreach(json_object_get(s, "domains"), i, d)
    {
        json_t *kernel = json_object_get(d, "kernel");
        cr_assert_leq(get_int(d, "created_ns"), get_int(d, "first_instr_ns"));
        cr_assert_leq(get_int(d, "first_instr_ns"), get_int(d, "ready_ns"));
        cr_assert_leq(get_int(d, "ready_ns"), get_int(s, "all_ready_ns"));
        if (kernels) {
            cr_assert(json_is_object(kernel), "kernel placement is reported");
            cr_assert(json_is_string(json_object_get(kernel, "format")));
            cr_assert_gt(get_int(kernel, "bytes"), 0);
        }
        json_array_foreach(json_object_get(d, "start_after"), k, after)
        {
            json_t *pred = domain_named(s, json_string_value(after));
            cr_assert_gt(get_int(d, "first_instr_ns"), get_int(pred, "ready_ns"),
                         "a start-after domain ran before its predecessor was ready");
        }
    }
}

Test(boot, fleet4, .timeout = 110)
{
    struct boot b = {0};

    boot_run("fleet4.dts", &b);
    check_fleet(b.summary, true);
    cr_assert_str_eq(json_string_value(json_object_get(b.summary, "manifest")), "tessera");
    boot_free(&b, true);
}

Test(boot, dom0less, .timeout = 110)
{
    static const char *const names[] = {"cluster", "rt", "infotainment", "telemetry"};
    struct boot b = {0};
    char *path = data_path("fleet4-dom0less.dts");
    json_t *doms;

    boot_run_path(path, NULL, 0, &b);
    check_fleet(b.summary, true);
    cr_assert_str_eq(json_string_value(json_object_get(b.summary, "manifest")), "xen-dom0less");
    cr_assert_eq(get_int(json_object_get(b.summary, "hypervisor"), "dom0less_domains"), 4);
    doms = json_object_get(b.summary, "domains");
    cr_assert_eq(json_array_size(doms), 4);
    for (size_t i = 0; i < 4; i++) {
        json_t *d = json_array_get(doms, i);
        cr_assert_str_eq(json_string_value(json_object_get(d, "name")), names[i]);
        cr_assert_eq(get_int(d, "id"), (json_int_t)i + 1, "ids 1..N in node order");
    }
    cr_assert_null(strstr(b.console, "FAIL"), "an envcheck guest failed:\n%s", b.console);
    free(path);
    boot_free(&b, true);
}

Test(boot, fatal_manifest, .timeout = 110)
{
    static const char *const fatal = "FATAL manifest: /chosen/hypervisor/hello: memory-kib: 1001 "
                                     "is not a positive multiple of 4";
    struct boot b = {0};
    char *path = data_path("bad-memory.dts");
    json_t *reasons;

    boot_run_path(path, "--skip-check", 1, &b);
    reasons = json_object_get(b.summary, "reasons");
    cr_assert_eq(json_array_size(reasons), 1, "the FATAL line is the one reason");
    cr_assert_not_null(strstr(json_string_value(json_array_get(reasons, 0)), fatal), "%s",
                       json_string_value(json_array_get(reasons, 0)));
    cr_assert_str_eq(
        json_string_value(json_object_get(json_object_get(b.summary, "hypervisor"), "fatal")),
        fatal + strlen("FATAL "));
    cr_assert_not_null(strstr(b.err, fatal), "tessera says why on stderr: %s", b.err);
    cr_assert_not_null(strstr(b.console, "hyp: exit status=2"), "%s", b.console);
    free(path);
    boot_free(&b, true);
}

Test(boot, waits_forever_is_explained, .timeout = 110)
{
    struct boot b = {0};
    char *path = data_path("waits-forever.dts");
    json_t *second;

    boot_run_path(path, NULL, 1, &b);
    second = domain_named(b.summary, "second");
    cr_assert_str_eq(json_string_value(json_object_get(second, "state")), "paused");
    cr_assert(json_is_null(json_object_get(second, "first_instr_ns")));
    cr_assert_not_null(strstr(b.console, "hyp: dom second will never start: a domain it waits for "
                                         "(start-after) ended without becoming ready"),
                       "the hypervisor says so and ends the run: %s", b.console);
    cr_assert_not_null(strstr(b.console, "hyp: exit status=1"), "%s", b.console);
    cr_assert_not_null(strstr(b.out, "domain 'second' never became ready: it was built but never "
                                     "started, waiting (start-after) for 'first', which never "
                                     "became ready"),
                       "%s", b.out);
    cr_assert_null(strstr(b.err, "timeout"), "no need to wait for the time limit: %s", b.err);
    free(path);
    boot_free(&b, true);
}

/* The dom0 mode: the control domain is built and its toolstack creates the fleet. */
Test(boot, fleet4_dom0, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "fleet4.dts");
    json_t *ctl;

    boot_run_mode(path, "dom0", NULL, 0, &b);
    check_fleet(b.summary, false);
    cr_assert_str_eq(json_string_value(json_object_get(b.summary, "mode")), "dom0");
    ctl = domain_named(b.summary, "ctl");
    cr_assert_lt(get_int(ctl, "first_instr_ns"),
                 get_int(domain_named(b.summary, "cluster"), "created_ns"),
                 "the control domain runs before it creates the fleet");
    json_t *nim = json_object_get(b.summary, "not_in_mode");
    cr_assert_eq(json_array_size(nim), 1);
    cr_assert_str_eq(json_string_value(json_array_get(nim, 0)), "boot");
    free(path);
    boot_free(&b, true);
}

/* The bootdomain mode: the fleet is built held, the boot domain orders and unpauses it and is
 * reclaimed. */
Test(boot, fleet4_bootdomain, .timeout = 110)
{
    struct boot b = {0};
    char *path = fileio_join(TESSERA_SCENARIOS, "fleet4.dts");
    json_t *boot, *nim;

    boot_run_mode(path, "bootdomain", NULL, 0, &b);
    check_fleet(b.summary, false);
    boot = domain_named(b.summary, "boot");
    cr_assert_lt(get_int(boot, "first_instr_ns"),
                 get_int(domain_named(b.summary, "cluster"), "first_instr_ns"),
                 "the boot domain runs before the fleet starts");
    cr_assert_not_null(strstr(b.console, "hyp: dom boot destroyed"),
                       "the boot domain is reclaimed");
    nim = json_object_get(b.summary, "not_in_mode");
    cr_assert_eq(json_array_size(nim), 1);
    cr_assert_str_eq(json_string_value(json_array_get(nim, 0)), "ctl");
    free(path);
    boot_free(&b, true);
}
