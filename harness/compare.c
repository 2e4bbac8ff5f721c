/* `tessera compare`: runs a scenario in every launch mode (each run exactly as `tessera run`,
 * in-process), checks that icount reruns reproduce every number, computes statistics over
 * realtime repeats, and writes the side-by-side table, compare.json, compare.md and the plots. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <tessera/harness/compare.h>
#include "compare_out.h"
#include <tessera/harness/fileio.h>
#include <tessera/harness/run.h>
#include <tessera/harness/scenario.h>
#include <tessera/harness/fleet.h>
#include <tessera/harness/xen.h>

static const char *const cmp_field_key[CMP_FIELDS] = {"created_ns", "first_instr_ns",
                                                      "first_output_ns", "ready_ns"};
static const char *const cmp_field_label[CMP_FIELDS] = {"created", "first instruction",
                                                        "first output", "ready"};

json_t *cmp_domain(json_t *s, const char *name)
{
    size_t i;
    json_t *d;

    json_array_foreach(json_object_get(s, "domains"), i, d)
    {
        if (json_is_string(json_object_get(d, "name")) &&
            strcmp(json_string_value(json_object_get(d, "name")), name) == 0) {
            return d;
        }
    }
    return NULL;
}

/* Rows whose field lives in summary.json's "hypervisor" object. */
static bool cmp_hyp_field(const char *field)
{
    return strcmp(field, "init_done_ns") == 0 || strcmp(field, "firmware_ns") == 0;
}

bool cmp_get(json_t *s, const struct cmp_row *r, int64_t *ns)
{
    json_t *obj, *v;

    if (!s) {
        return false;
    }
    if (r->dom[0]) {
        obj = cmp_domain(s, r->dom);
    } else {
        obj = cmp_hyp_field(r->field) ? json_object_get(s, "hypervisor") : s;
    }
    v = json_object_get(obj, r->field);
    if (!json_is_integer(v)) {
        return false;
    }
    *ns = json_integer_value(v);
    return true;
}

static int cmp_rows_push(struct cmp_rows *rows, const char *dom, const char *field,
                         const char *label)
{
    struct cmp_row *v = realloc(rows->v, (rows->n + 1) * sizeof(*v));

    if (!v) {
        return -ENOMEM;
    }
    rows->v = v;
    v = &rows->v[rows->n++];
    snprintf(v->dom, sizeof(v->dom), "%s", dom ? dom : "");
    v->field = field;
    if (dom) {
        snprintf(v->label, sizeof(v->label), "%s %s", dom, label);
        snprintf(v->key, sizeof(v->key), "%s.%s", dom, field);
    } else {
        snprintf(v->label, sizeof(v->label), "%s", label);
        snprintf(v->key, sizeof(v->key), "%s%s", cmp_hyp_field(field) ? "hypervisor." : "", field);
    }
    return 0;
}

int cmp_rows_build(json_t *s, bool fleet_only, struct cmp_rows *rows)
{
    size_t i;
    json_t *d;
    json_t *fw = json_object_get(json_object_get(s, "hypervisor"), "firmware_ns");
    int rc = 0;

    /* Booted through firmware (qemu-virt-uboot): its time comes first, and every later time
     * includes it. */
    if (json_is_integer(fw) && json_integer_value(fw) > 0) {
        rc = cmp_rows_push(rows, NULL, "firmware_ns", "firmware (U-Boot) done");
    }
    rc = rc ?: cmp_rows_push(rows, NULL, "init_done_ns", "hypervisor init done");

    json_array_foreach(json_object_get(s, "domains"), i, d)
    {
        const char *name = json_string_value(json_object_get(d, "name"));
        const char *role = json_string_value(json_object_get(d, "role"));
        if (!name || (fleet_only && role && strcmp(role, "fleet") != 0)) {
            continue;
        }
        for (unsigned f = 0; f < CMP_FIELDS && !rc; f++) {
            rc = cmp_rows_push(rows, name, cmp_field_key[f], cmp_field_label[f]);
        }
    }
    return rc ?: cmp_rows_push(rows, NULL, "all_ready_ns", "all ready");
}

void cmp_rows_free(struct cmp_rows *rows)
{
    free(rows->v);
    rows->v = NULL;
    rows->n = 0;
}

int compare_diff(json_t *a, json_t *b, struct strvec *diffs)
{
    struct cmp_rows rows = {0};
    int n = 0, rc = cmp_rows_build(a, false, &rows);
    size_t i;
    json_t *d;

    for (size_t r = 0; r < rows.n && !rc; r++) {
        int64_t va = 0, vb = 0;
        bool ha = cmp_get(a, &rows.v[r], &va), hb = cmp_get(b, &rows.v[r], &vb);
        if (ha != hb || va != vb) {
            rc = strvec_push(diffs, rows.v[r].key);
            n++;
        }
    }
    json_array_foreach(json_object_get(b, "domains"), i, d)
    {
        const char *name = json_string_value(json_object_get(d, "name"));
        if (!rc && name && !cmp_domain(a, name)) {
            rc = strvec_pushf(diffs, "%s (a domain of one run only)", name);
            n++;
        }
    }
    cmp_rows_free(&rows);
    return rc ? rc : n;
}

/* Splits --modes and checks every mode; prints what is wrong. */
static int cmp_parse_modes(const char *list, struct strvec *modes)
{
    char *copy = strdup(list), *save = NULL;
    int rc = copy ? 0 : -ENOMEM;

    for (char *m = copy ? strtok_r(copy, ",", &save) : NULL; m && !rc;
         m = strtok_r(NULL, ",", &save)) {
        for (size_t i = 0; i < modes->n; i++) {
            if (strcmp(modes->v[i], m) == 0) {
                fprintf(stderr, "tessera compare: --modes: '%s' is listed twice\n", m);
                rc = -EINVAL;
            }
        }
        rc = rc ?: (run_check_mode(m) ? -EINVAL : strvec_push(modes, m));
    }
    if (!rc && modes->n == 0) {
        fprintf(stderr, "tessera compare: --modes: no mode given\n");
        rc = -EINVAL;
    }
    free(copy);
    return rc;
}

/* The modes of /experiment/modes (hyperlaunch if it lists none). */
static int cmp_scenario_modes(struct cmp_ctx *c)
{
    struct scenario_experiment x = {0};
    struct herr e = {0};
    char *dtb = fileio_join(c->out, "scenario.dtb");
    void *fdt = NULL;
    size_t len;
    int rc = dtb ? 0 : herr_set(&e, -ENOMEM, "out of memory");

    rc = rc ?: scenario_compile("dtc", c->o->scenario, dtb, &e);
    rc = rc ?: fileio_read(dtb, &fdt, &len, &e);
    rc = rc ?: scenario_experiment(fdt, &x, &e);
    for (size_t i = 0; i < x.modes.n && !rc; i++) {
        rc = strvec_push(&c->modes, x.modes.v[i]);
    }
    if (!rc && c->modes.n == 0) {
        rc = strvec_push(&c->modes, "hyperlaunch");
    }
    if (rc) {
        fprintf(stderr, "tessera: %s: %s\n", c->o->scenario, e.msg[0] ? e.msg : "out of memory");
    }
    scenario_experiment_free(&x);
    free(fdt);
    free(dtb);
    return rc;
}

/* With repeats, run k goes to MODE/run-K, K padded to the digits of the repeat count: every run
 * of a mode then has a trace path of the same length, and so the same hypervisor command line
 * length (which the icount numbers depend on). */
void cmp_run_dir(const struct cmp_ctx *c, unsigned k, char *buf, size_t len)
{
    int width = snprintf(NULL, 0, "%u", c->repeat);

    snprintf(buf, len, "run-%0*u", width, k + 1);
}

static double cmp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One run of one mode, exactly as `tessera run` with its results in dir. */
static void cmp_one(struct cmp_ctx *c, struct cmp_mode *m, unsigned k)
{
    struct run_opts ro = c->o->run;
    char sub[32], *dir, *path;
    json_error_t je;
    double t0 = cmp_now();
    int64_t all = 0;

    ro.scenario = c->o->scenario;
    ro.mode = m->mode;
    ro.backend = m->backend;
    ro.quiet = c->o->quiet; /* the run's milestones and progress while QEMU runs */
    ro.realtime = c->o->realtime;
    ro.no_summary = true;
    cmp_run_dir(c, k, sub, sizeof(sub));
    dir = c->repeat == 1 ? strdup(m->dir) : fileio_join(m->dir, sub);
    path = dir ? fileio_join(dir, "summary.json") : NULL;
    if (!path) {
        m->status[k] = RUN_EXIT_USAGE;
        free(dir);
        return;
    }
    if (!c->o->quiet) {
        fprintf(stderr, "compare: %s %s run %u/%u ...\n", c->name, m->name, k + 1, c->repeat);
    }
    unlink(path); /* never read a summary left by an earlier compare */
    ro.out = dir;
    m->status[k] = run_command(&ro);
    m->sum[k] = json_load_file(path, 0, &je);
    m->passed += m->status[k] == RUN_EXIT_PASS;
    if (!c->o->quiet) {
        struct cmp_row r = {.field = "all_ready_ns"};
        char ms[32] = "-";
        if (cmp_get(m->sum[k], &r, &all)) {
            cmp_fmt_ms((double)all, ms, sizeof(ms));
        }
        fprintf(stderr, "compare: %s %s run %u/%u: %s, all ready %s ms (%.1f s)\n", c->name,
                m->name, k + 1, c->repeat,
                m->status[k] == RUN_EXIT_PASS   ? "pass"
                : m->status[k] == RUN_EXIT_FAIL ? "FAIL"
                                                : "not run (setup error)",
                ms, cmp_now() - t0);
    }
    free(path);
    free(dir);
}

/* icount: every rerun must reproduce run 1's numbers. */
static int cmp_reruns(struct cmp_ctx *c, struct cmp_mode *m)
{
    int rc = 0;

    m->identical = !c->o->realtime && c->repeat > 1 ? 1 : -1;
    if (m->identical < 0) {
        return 0;
    }
    for (unsigned k = 1; k < c->repeat && rc >= 0; k++) {
        struct strvec d = STRVEC_INIT;
        if (!m->sum[0] || !m->sum[k]) {
            rc = strvec_pushf(&m->diffs, "run %u has no summary.json", m->sum[0] ? k + 1 : 1);
        } else {
            rc = compare_diff(m->sum[0], m->sum[k], &d);
        }
        for (size_t i = 0; i < d.n && rc >= 0; i++) {
            bool seen = false;
            for (size_t j = 0; j < m->diffs.n; j++) {
                seen = seen || strcmp(m->diffs.v[j], d.v[i]) == 0;
            }
            rc = seen ? 0 : strvec_push(&m->diffs, d.v[i]);
        }
        strvec_free(&d);
    }
    m->identical = m->diffs.n == 0;
    return rc < 0 ? rc : 0;
}

/* A new string from a format (NULL when out of memory). */
static char *cmp_strf(const char *fmt, const char *a, const char *b)
{
    char *s;
    return asprintf(&s, fmt, a, b) < 0 ? NULL : s;
}

/* --backend B1,B2: each "tessera" or "xen", once; "tessera" when not given. */
static int cmp_parse_backends(struct cmp_ctx *c)
{
    const char *list = c->o->run.backend ? c->o->run.backend : "tessera";
    char *copy = strdup(list), *save = NULL;
    int rc = copy ? 0 : -ENOMEM;

    for (char *b = copy ? strtok_r(copy, ",", &save) : NULL; b && !rc;
         b = strtok_r(NULL, ",", &save)) {
        if (strcmp(b, "tessera") != 0 && strcmp(b, "xen") != 0) {
            fprintf(stderr, "tessera compare: --backend: '%s' is neither tessera nor xen\n", b);
            rc = -EINVAL;
        }
        for (size_t i = 0; !rc && i < c->backends.n; i++) {
            if (strcmp(c->backends.v[i], b) == 0) {
                fprintf(stderr, "tessera compare: --backend: '%s' is listed twice\n", b);
                rc = -EINVAL;
            }
        }
        rc = rc ?: strvec_push(&c->backends, b);
    }
    if (!rc && c->backends.n == 0) {
        fprintf(stderr, "tessera compare: --backend: no backend given\n");
        rc = -EINVAL;
    }
    free(copy);
    return rc;
}

static bool cmp_has_backend(const struct cmp_ctx *c, const char *b)
{
    for (size_t i = 0; i < c->backends.n; i++) {
        if (strcmp(c->backends.v[i], b) == 0) {
            return true;
        }
    }
    return false;
}

/* Appends to c->work, truncating at its size. */
static void cmp_work_add(struct cmp_ctx *c, const char *fmt, ...)
{
    size_t used = strlen(c->work);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->work + used, sizeof(c->work) - used, fmt, ap);
    va_end(ap);
}

/* One fleet domain: "linux1 (1 vCPU, 256 MiB, linux/Image + linux/initramfs.cpio, "args")". */
static void cmp_work_domain(struct cmp_ctx *c, const struct mf_domain *d, bool first)
{
    cmp_work_add(c, "%s%s (%u vCPU%s, %llu MiB, %s", first ? "" : "; ", d->name, d->cpus,
                 d->cpus == 1 ? "" : "s", (unsigned long long)(d->memory_kib >> 10),
                 d->kernel.image ? d->kernel.image : "?");
    if (d->ramdisk.present && d->ramdisk.image) {
        cmp_work_add(c, " + %s", d->ramdisk.image);
    }
    cmp_work_add(c, d->kernel.bootargs ? ", \"%s\")" : ")", d->kernel.bootargs);
}

/* The one line naming the work compared: the fleet every mode builds (domains, vCPUs, memory,
 * images, command lines), the machine (pCPUs, RAM) and the time mode. */
static int cmp_work(struct cmp_ctx *c)
{
    struct scenario_experiment x = {0};
    struct mf_fleet *f = malloc(sizeof(*f));
    char *dtb = fileio_join(c->out, "scenario.dtb");
    struct herr e = {0};
    void *fdt = NULL;
    size_t len;
    unsigned n = 0;
    int rc = f && dtb ? 0 : herr_set(&e, -ENOMEM, "out of memory");

    rc = rc ?: scenario_compile("dtc", c->o->scenario, dtb, &e);
    rc = rc ?: fileio_read(dtb, &fdt, &len, &e);
    rc = rc ?: scenario_experiment(fdt, &x, &e);
    rc = rc ?: fleet_load(fdt, MF_SCENARIO, c->o->run.smp ? c->o->run.smp : x.cpus, f, &e);
    if (!rc) {
        for (unsigned i = 0; i < f->count; i++) {
            n += xen_in_fleet(&f->dom[i]);
        }
        cmp_work_add(c, "work: %u-domain fleet: ", n);
        for (unsigned i = 0, k = 0; i < f->count; i++) {
            if (xen_in_fleet(&f->dom[i])) {
                cmp_work_domain(c, &f->dom[i], k++ == 0);
            }
        }
        cmp_work_add(c, "; machine QEMU virt cortex-a57 GICv3, %u pCPU%s, %u MiB; %s; scheduler %s",
                     c->o->run.smp ? c->o->run.smp : x.cpus,
                     (c->o->run.smp ? c->o->run.smp : x.cpus) == 1 ? "" : "s", x.memory_mib,
                     c->o->realtime ? "realtime (no icount)" : "icount shift=0,sleep=off",
                     f->scheduler);
        if (cmp_has_backend(c, "xen")) {
            cmp_work_add(c, " (Xen: %s)", XEN_SCHEDULER);
        }
    } else {
        fprintf(stderr, "tessera: %s: %s\n", c->o->scenario, e.msg);
    }
    scenario_experiment_free(&x);
    free(fdt);
    free(dtb);
    free(f);
    return rc;
}

static int cmp_setup(struct cmp_ctx *c)
{
    struct herr e = {0};
    int rc;

    c->name = fileio_stem(c->o->scenario, ".dts");
    if (c->o->out) {
        c->out = strdup(c->o->out);
    } else if (c->name && asprintf(&c->out, "tessera-out/%s", c->name) < 0) {
        c->out = NULL;
    }
    if (!c->name || !c->out) {
        return -ENOMEM;
    }
    if (!fileio_is_file(c->o->scenario)) {
        fprintf(stderr, "tessera: scenario %s: no such file\n", c->o->scenario);
        return -ENOENT;
    }
    if ((rc = fileio_mkdirs(c->out, &e))) {
        fprintf(stderr, "tessera: %s\n", e.msg);
        return rc;
    }
    rc = c->o->modes ? cmp_parse_modes(c->o->modes, &c->modes) : cmp_scenario_modes(c);
    if (rc) {
        return rc;
    }
    if ((rc = cmp_parse_backends(c)) || (rc = cmp_work(c))) {
        return rc;
    }
    c->nm = c->modes.n * c->backends.n;
    c->m = calloc(c->nm, sizeof(*c->m));
    for (size_t i = 0; c->m && i < c->nm; i++) {
        bool one = c->backends.n == 1;
        c->m[i].mode = c->modes.v[i / c->backends.n];
        c->m[i].backend = c->backends.v[i % c->backends.n];
        c->m[i].name =
            one ? strdup(c->m[i].mode) : cmp_strf("%s-%s", c->m[i].backend, c->m[i].mode);
        c->m[i].rel = one ? strdup(c->m[i].mode) : cmp_strf("%s/%s", c->m[i].backend, c->m[i].mode);
        c->m[i].dir = c->m[i].rel ? fileio_join(c->out, c->m[i].rel) : NULL;
        if (!c->m[i].name) {
            return -ENOMEM;
        }
        c->m[i].sum = calloc(c->repeat, sizeof(json_t *));
        c->m[i].status = calloc(c->repeat, sizeof(int));
        if (!c->m[i].dir || !c->m[i].sum || !c->m[i].status) {
            return -ENOMEM;
        }
    }
    return c->m ? 0 : -ENOMEM;
}

static void cmp_free(struct cmp_ctx *c)
{
    for (size_t i = 0; c->m && i < c->nm; i++) {
        for (unsigned k = 0; c->m[i].sum && k < c->repeat; k++) {
            json_decref(c->m[i].sum[k]);
        }
        free(c->m[i].sum);
        free(c->m[i].status);
        free(c->m[i].dir);
        free(c->m[i].name);
        free(c->m[i].rel);
        strvec_free(&c->m[i].diffs);
    }
    free(c->m);
    cmp_rows_free(&c->rows);
    strvec_free(&c->modes);
    strvec_free(&c->backends);
    free(c->name);
    free(c->out);
}

/* Exit status: 0 if every run passed; 2 if no run could even start; 1 otherwise. */
static int cmp_status(const struct cmp_ctx *c)
{
    bool all_usage = true, all_pass = true;

    for (size_t i = 0; i < c->nm; i++) {
        for (unsigned k = 0; k < c->repeat; k++) {
            all_usage = all_usage && c->m[i].status[k] == RUN_EXIT_USAGE;
            all_pass = all_pass && c->m[i].status[k] == RUN_EXIT_PASS;
        }
    }
    return all_pass ? RUN_EXIT_PASS : all_usage ? RUN_EXIT_USAGE : RUN_EXIT_FAIL;
}

int compare_command(const struct compare_opts *o)
{
    struct cmp_ctx c = {
        .o = o, .repeat = o->repeat ? o->repeat : 1, .modes = STRVEC_INIT, .backends = STRVEC_INIT};
    int rc = cmp_setup(&c), status = RUN_EXIT_USAGE;

    if (rc == -ENOMEM) {
        fprintf(stderr, "tessera: out of memory\n");
    }
    for (size_t i = 0; !rc && i < c.nm; i++) {
        for (unsigned k = 0; k < c.repeat; k++) {
            cmp_one(&c, &c.m[i], k);
        }
        rc = cmp_reruns(&c, &c.m[i]);
    }
    for (size_t i = 0; !rc && i < c.nm && !c.ref; i++) {
        c.ref = c.m[i].sum[0];
    }
    if (!rc && c.ref) {
        rc = cmp_rows_build(c.ref, true, &c.rows);
    }
    if (!rc) {
        status = cmp_status(&c);
        rc = cmp_output(&c, stdout);
        status = rc ? RUN_EXIT_USAGE : status;
    }
    cmp_free(&c);
    return status;
}
