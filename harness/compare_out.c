/* The results of `tessera compare`: the side-by-side table on stdout, compare.md, compare.json
 * and the gnuplot plots (all-ready per mode, and one boot timeline per mode). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tessera/harness/commit.h>
#include <tessera/harness/fileio.h>
#include <tessera/harness/proc.h>
#include <tessera/harness/stats.h>

#include "compare_out.h"

#define CMP_LABEL_W 36
#define CMP_COL_W   13

const char *cmp_fmt_ms(double ns, char *buf, size_t len)
{
    snprintf(buf, len, "%.3f", ns / 1e6);
    return buf;
}

/* The samples of row r over the runs of mode m. */
static size_t cmp_samples(const struct cmp_ctx *c, const struct cmp_mode *m,
                          const struct cmp_row *r, double *v)
{
    size_t n = 0;
    int64_t ns;

    for (unsigned k = 0; k < c->repeat; k++) {
        if (cmp_get(m->sum[k], r, &ns)) {
            v[n++] = (double)ns;
        }
    }
    return n;
}

/* The number a table cell shows: run 1's under icount, the median of the runs under realtime. */
static bool cmp_cell(const struct cmp_ctx *c, const struct cmp_mode *m, const struct cmp_row *r,
                     double *ns)
{
    double v[c->repeat];
    struct stats st;
    int64_t x;
    size_t n;

    if (!c->o->realtime) {
        if (!cmp_get(m->sum[0], r, &x)) {
            return false;
        }
        *ns = (double)x;
        return true;
    }
    n = cmp_samples(c, m, r, v);
    if (n == 0 || stats_compute(v, n, &st)) {
        return false;
    }
    *ns = st.median;
    return true;
}

static const struct cmp_mode *cmp_mode_named(const struct cmp_ctx *c, const char *backend,
                                             const char *mode)
{
    for (size_t i = 0; i < c->nm; i++) {
        if (strcmp(c->m[i].mode, mode) == 0 && strcmp(c->m[i].backend, backend) == 0) {
            return &c->m[i];
        }
    }
    return NULL;
}

/* Row r of column a over row r of column b, if both have it. */
static bool cmp_ratio_of(const struct cmp_ctx *c, const struct cmp_mode *a,
                         const struct cmp_mode *b, const struct cmp_row *r, double *ratio)
{
    double x, y;

    if (!a || !b || !cmp_cell(c, a, r, &x) || !cmp_cell(c, b, r, &y) || y <= 0) {
        return false;
    }
    *ratio = x / y;
    return true;
}

/* all-ready of mode num over all-ready of hyperlaunch on one backend, if both became ready. */
static bool cmp_ratio(const struct cmp_ctx *c, const char *backend, const char *num, double *ratio)
{
    struct cmp_row r = {.field = "all_ready_ns"};

    return cmp_ratio_of(c, cmp_mode_named(c, backend, num),
                        cmp_mode_named(c, backend, "hyperlaunch"), &r, ratio);
}

/* With both backends: the modes that ran on each, for the xen/tessera ratio columns. */
static size_t cmp_pairs(const struct cmp_ctx *c, const char *modes[], size_t max)
{
    size_t n = 0;

    for (size_t i = 0; i < c->modes.n && n < max; i++) {
        if (cmp_mode_named(c, "tessera", c->modes.v[i]) &&
            cmp_mode_named(c, "xen", c->modes.v[i])) {
            modes[n++] = c->modes.v[i];
        }
    }
    return n;
}

static const char *const cmp_ratio_modes[] = {"dom0", "bootdomain"};

static void cmp_timing_line(const struct cmp_ctx *c, FILE *out, const char *pre)
{
    fprintf(out, "%s%s\n", pre, c->work);
    if (c->o->realtime) {
        fprintf(out,
                "%stiming realtime (no -icount, multi-threaded TCG): every number is "
                "wall-derived, ms since reset, median of %u run%s per mode\n",
                pre, c->repeat, c->repeat == 1 ? "" : "s");
    } else {
        fprintf(out,
                "%stiming icount (one instruction per ns of virtual time): ms since reset, "
                "run 1 of %u per mode\n",
                pre, c->repeat);
    }
}

/* One cell: padded to width in the text table, between bars in Markdown. */
void cmp_put(FILE *out, bool md, int width, const char *s)
{
    if (md) {
        fprintf(out, " %s |", s);
    } else {
        fprintf(out, " %*s", width, s);
    }
}

void cmp_put_label(FILE *out, bool md, const char *s)
{
    if (md) {
        fprintf(out, "| %s |", s);
    } else {
        fprintf(out, "%-*s", CMP_LABEL_W, s);
    }
}

void cmp_header(const struct cmp_ctx *c, FILE *out, bool md, int width)
{
    cmp_put_label(out, md, "");
    for (size_t i = 0; i < c->nm; i++) {
        cmp_put(out, md, width, c->m[i].name);
    }
    fprintf(out, "\n");
    if (md) {
        fprintf(out, "|---|");
        for (size_t i = 0; i < c->nm; i++) {
            fprintf(out, "---:|");
        }
        fprintf(out, "\n");
    }
}

/* The width of the side-by-side table's columns: the longest column name fits. */
static int cmp_col_w(const struct cmp_ctx *c)
{
    int w = CMP_COL_W;

    for (size_t i = 0; i < c->nm; i++) {
        w = (int)strlen(c->m[i].name) + 1 > w ? (int)strlen(c->m[i].name) + 1 : w;
    }
    return w;
}

/* The header of the side-by-side table: one column per run column, then one xen/tessera ratio
 * column per mode that ran on both backends. */
static void cmp_table_header(const struct cmp_ctx *c, FILE *out, bool md, const char *pairs[],
                             size_t np)
{
    char head[48];
    int w = cmp_col_w(c);

    cmp_put_label(out, md, "");
    for (size_t i = 0; i < c->nm; i++) {
        cmp_put(out, md, w, c->m[i].name);
    }
    for (size_t p = 0; p < np; p++) {
        if (np == 1) {
            snprintf(head, sizeof(head), "xen/tessera");
        } else {
            snprintf(head, sizeof(head), "x/t %s", pairs[p]);
        }
        cmp_put(out, md, w, head);
    }
    fprintf(out, "\n");
    if (md) {
        fprintf(out, "|---|");
        for (size_t i = 0; i < c->nm + np; i++) {
            fprintf(out, "---:|");
        }
        fprintf(out, "\n");
    }
}

/* The side-by-side table; md: as a Markdown table. */
static void cmp_table(const struct cmp_ctx *c, FILE *out, bool md)
{
    int w = cmp_col_w(c);
    const char *pairs[8];
    size_t np = cmp_pairs(c, pairs, 8);
    char buf[48];
    double ns;

    cmp_table_header(c, out, md, pairs, np);
    for (size_t r = 0; r < c->rows.n; r++) {
        cmp_put_label(out, md, c->rows.v[r].label);
        for (size_t i = 0; i < c->nm; i++) {
            bool ok = cmp_cell(c, &c->m[i], &c->rows.v[r], &ns);
            cmp_put(out, md, w, ok ? cmp_fmt_ms(ns, buf, sizeof(buf)) : "-");
        }
        for (size_t p = 0; p < np; p++) {
            bool ok = cmp_ratio_of(c, cmp_mode_named(c, "xen", pairs[p]),
                                   cmp_mode_named(c, "tessera", pairs[p]), &c->rows.v[r], &ns);
            snprintf(buf, sizeof(buf), "%.3f", ok ? ns : 0.0);
            cmp_put(out, md, w, ok ? buf : "-");
        }
        fprintf(out, "\n");
    }
}

/* Per mode, min / median / p99 / max of every row over the repeats (realtime). */
static void cmp_stats_table(const struct cmp_ctx *c, const struct cmp_mode *m, FILE *out, bool md)
{
    static const char *const head[] = {"n", "min", "median", "p99", "max"};
    static const int width[] = {4, CMP_COL_W, CMP_COL_W, 26, CMP_COL_W};
    double v[c->repeat];
    char b[5][48];

    fprintf(out, md ? "\n### %s: %u runs, wall-derived ms\n\n" : "\n%s: %u runs, wall-derived ms\n",
            m->name, c->repeat);
    cmp_put_label(out, md, "");
    for (unsigned i = 0; i < 5; i++) {
        cmp_put(out, md, width[i], head[i]);
    }
    fprintf(out, md ? "\n|---|---:|---:|---:|---:|---:|\n" : "\n");
    for (size_t r = 0; r < c->rows.n; r++) {
        struct stats st = {0};
        size_t n = cmp_samples(c, m, &c->rows.v[r], v);
        bool ok = n > 0 && stats_compute(v, n, &st) == 0;
        const char *cell[5] = {b[0], "-", "-", "-", "-"};
        snprintf(b[0], sizeof(b[0]), "%zu", n);
        if (ok) {
            cell[1] = cmp_fmt_ms(st.min, b[1], sizeof(b[1]));
            cell[2] = cmp_fmt_ms(st.median, b[2], sizeof(b[2]));
            cell[3] = st.has_pct[STATS_P99] ? cmp_fmt_ms(st.pct[STATS_P99], b[3], sizeof(b[3]))
                                            : COMPARE_P99_NA;
            cell[4] = cmp_fmt_ms(st.max, b[4], sizeof(b[4]));
        }
        cmp_put_label(out, md, c->rows.v[r].label);
        for (unsigned i = 0; i < 5; i++) {
            cmp_put(out, md, width[i], cell[i]);
        }
        fprintf(out, "\n");
    }
}

/* Ratios, reruns, verdicts: the lines under the table. */
static void cmp_notes(const struct cmp_ctx *c, FILE *out, const char *pre)
{
    bool all_identical = true, compared = false;
    double ratio;
    const char *pairs[8];
    size_t np = cmp_pairs(c, pairs, 8);
    struct cmp_row all = {.field = "all_ready_ns"};

    for (size_t b = 0; b < c->backends.n; b++) {
        for (size_t i = 0; i < sizeof(cmp_ratio_modes) / sizeof(cmp_ratio_modes[0]); i++) {
            if (cmp_ratio(c, c->backends.v[b], cmp_ratio_modes[i], &ratio)) {
                fprintf(out, "%s%s%sratio %s/hyperlaunch (all ready): %.3f\n", pre,
                        c->backends.n > 1 ? c->backends.v[b] : "", c->backends.n > 1 ? " " : "",
                        cmp_ratio_modes[i], ratio);
            }
        }
    }
    for (size_t p = 0; p < np; p++) {
        if (cmp_ratio_of(c, cmp_mode_named(c, "xen", pairs[p]),
                         cmp_mode_named(c, "tessera", pairs[p]), &all, &ratio)) {
            fprintf(out, "%sratio xen/tessera %s (all ready): %.3f\n", pre, pairs[p], ratio);
        }
    }
    for (size_t i = 0; i < c->nm; i++) {
        compared = compared || c->m[i].identical >= 0;
        all_identical = all_identical && c->m[i].identical != 0;
    }
    if (compared && all_identical) {
        fprintf(out, "%sreruns: identical (%u runs of each mode, every number equal)\n", pre,
                c->repeat);
    }
    for (size_t i = 0; compared && !all_identical && i < c->nm; i++) {
        char *d = strvec_join(&c->m[i].diffs, ", ");
        if (c->m[i].identical == 0) {
            fprintf(out, "%sreruns: WARNING: %s: runs differ under icount: %s\n", pre, c->m[i].name,
                    d ? d : "?");
        } else {
            fprintf(out, "%sreruns: %s: identical\n", pre, c->m[i].name);
        }
        free(d);
    }
    fprintf(out, "%sverdicts:", pre);
    for (size_t i = 0; i < c->nm; i++) {
        fprintf(out, "%s %s %u/%u pass", i ? "," : "", c->m[i].name, c->m[i].passed, c->repeat);
    }
    fprintf(out, "\n");
}

static json_t *cmp_json_numbers(const struct cmp_ctx *c, const struct cmp_mode *m)
{
    json_t *ref = NULL, *o = json_object();
    struct cmp_rows rows = {0};
    double v[c->repeat];

    for (unsigned k = 0; k < c->repeat && !ref; k++) {
        ref = m->sum[k];
    }
    if (!ref || cmp_rows_build(ref, false, &rows)) {
        cmp_rows_free(&rows);
        return o;
    }
    for (size_t r = 0; r < rows.n; r++) {
        struct stats st;
        int64_t ns;
        size_t n;
        if (!c->o->realtime) {
            json_object_set_new(o, rows.v[r].key,
                                cmp_get(m->sum[0], &rows.v[r], &ns) ? json_integer(ns)
                                                                    : json_null());
        } else if ((n = cmp_samples(c, m, &rows.v[r], v)) > 0 && !stats_compute(v, n, &st)) {
            json_object_set_new(
                o, rows.v[r].key,
                json_pack("{s:I,s:f,s:f,s:o,s:f}", "n", (json_int_t)n, "min", st.min, "median",
                          st.median, "p99",
                          st.has_pct[STATS_P99] ? json_real(st.pct[STATS_P99]) : json_null(), "max",
                          st.max));
        } else {
            json_object_set_new(o, rows.v[r].key, json_null());
        }
    }
    cmp_rows_free(&rows);
    return o;
}

static json_t *cmp_json_mode(const struct cmp_ctx *c, const struct cmp_mode *m)
{
    json_t *o = json_object(), *st = json_array(), *dirs = json_array(), *diffs = json_array();

    char sub[32];

    for (unsigned k = 0; k < c->repeat; k++) {
        json_array_append_new(st, json_integer(m->status[k]));
        cmp_run_dir(c, k, sub, sizeof(sub));
        json_array_append_new(dirs, c->repeat > 1 ? json_sprintf("%s/%s", m->rel, sub)
                                                  : json_string(m->rel));
    }
    for (size_t i = 0; i < m->diffs.n; i++) {
        json_array_append_new(diffs, json_string(m->diffs.v[i]));
    }
    json_object_set_new(o, "runs", json_integer(c->repeat));
    json_object_set_new(o, "passed", json_integer(m->passed));
    json_object_set_new(o, "exit_status", st);
    json_object_set_new(o, "dirs", dirs);
    json_object_set_new(o, "identical",
                        m->identical < 0 ? json_null() : json_boolean(m->identical));
    json_object_set_new(o, "differences", diffs);
    json_object_set_new(o, c->o->realtime ? "stats" : "summary", cmp_json_numbers(c, m));
    cmp_metrics_json(m, o);
    return o;
}

static json_t *cmp_json_backends(const struct cmp_ctx *c)
{
    json_t *a = json_array();

    for (size_t i = 0; i < c->backends.n; i++) {
        json_array_append_new(a, json_string(c->backends.v[i]));
    }
    return a;
}

/* "xen/tessera MODE": {row key: ratio} for every mode that ran on both backends. */
static void cmp_json_backend_ratios(const struct cmp_ctx *c, json_t *ratios)
{
    const char *pairs[8];
    size_t np = cmp_pairs(c, pairs, 8);
    char key[64];
    double ratio;

    for (size_t p = 0; p < np; p++) {
        json_t *rows = json_object();
        for (size_t r = 0; r < c->rows.n; r++) {
            if (cmp_ratio_of(c, cmp_mode_named(c, "xen", pairs[p]),
                             cmp_mode_named(c, "tessera", pairs[p]), &c->rows.v[r], &ratio)) {
                json_object_set_new(rows, c->rows.v[r].key, json_real(ratio));
            }
        }
        snprintf(key, sizeof(key), "xen/tessera %s", pairs[p]);
        json_object_set_new(ratios, key, rows);
    }
}

static json_t *cmp_json(const struct cmp_ctx *c)
{
    json_t *j = json_object(), *modes = json_object(), *ratios = json_object(),
           *prov = json_object(), *warn = json_array(), *rp = json_object_get(c->ref, "provenance");
    char date[32], key[32];
    time_t now = time(NULL);
    struct tm tm;
    double ratio;

    for (size_t i = 0; i < c->nm; i++) {
        json_object_set_new(modes, c->m[i].name, cmp_json_mode(c, &c->m[i]));
        if (c->m[i].identical == 0) {
            json_array_append_new(warn, json_sprintf("%s: runs differ under icount", c->m[i].name));
        }
    }
    for (size_t b = 0; b < c->backends.n; b++) {
        for (size_t i = 0; i < sizeof(cmp_ratio_modes) / sizeof(cmp_ratio_modes[0]); i++) {
            if (cmp_ratio(c, c->backends.v[b], cmp_ratio_modes[i], &ratio)) {
                snprintf(key, sizeof(key), "%s%s%s/hyperlaunch",
                         c->backends.n > 1 ? c->backends.v[b] : "", c->backends.n > 1 ? " " : "",
                         cmp_ratio_modes[i]);
                json_object_set_new(ratios, key, json_real(ratio));
            }
        }
    }
    cmp_json_backend_ratios(c, ratios);
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_set_new(prov, "commit", json_string(tessera_commit));
    json_object_set(prov, "qemu_version", json_object_get(rp, "qemu_version") ?: json_null());
    json_object_set(prov, "flags", json_object_get(rp, "flags") ?: json_null());
    json_object_set_new(prov, "date", json_string(date));
    json_object_set_new(j, "scenario", json_string(c->name));
    json_object_set_new(j, "scenario_file", json_string(c->o->scenario));
    json_object_set_new(j, "timing", json_string(c->o->realtime ? "realtime" : "icount"));
    json_object_set_new(j, "wall_derived", json_boolean(c->o->realtime));
    json_object_set_new(j, "unit", json_string("ns"));
    json_object_set_new(j, "repeat", json_integer(c->repeat));
    json_object_set_new(j, "work", json_string(c->work));
    json_object_set_new(j, "backends", cmp_json_backends(c));
    json_object_set_new(j, "modes", modes);
    json_object_set_new(j, "ratios", ratios);
    json_object_set_new(j, "warnings", warn);
    json_object_set_new(j, "provenance", prov);
    return j;
}

FILE *cmp_open(const struct cmp_ctx *c, const char *name, char **path)
{
    FILE *f;

    *path = fileio_join(c->out, name);
    f = *path ? fopen(*path, "w") : NULL;
    if (!f) {
        fprintf(stderr, "tessera: cannot create %s/%s\n", c->out, name);
    }
    return f;
}

static int cmp_markdown(const struct cmp_ctx *c)
{
    char *path;
    FILE *f = cmp_open(c, "compare.md", &path);
    int rc = f ? 0 : -EIO;

    if (f) {
        fprintf(f, "# %s: launch modes compared\n\n", c->name);
        cmp_timing_line(c, f, "");
        fprintf(f, "\n");
        cmp_table(c, f, true);
        cmp_metrics_table(c, f, true);
        fprintf(f, "\n");
        cmp_notes(c, f, "- ");
        for (size_t i = 0; c->o->realtime && i < c->nm; i++) {
            cmp_stats_table(c, &c->m[i], f, true);
        }
        fprintf(f, "\nPlots: compare.png (all ready per mode), timeline-MODE.png (per domain: "
                   "construction from created to first instruction, then boot to ready), "
                   "latency-DOMAIN-SERIES.png (histogram of each latency series, every mode, "
                   "log count axis).\n");
        rc = fclose(f) ? -EIO : 0;
    }
    free(path);
    return rc;
}

/* gnuplot from PATH, or NULL. */
static char *cmp_gnuplot(void)
{
    const char *path = getenv("PATH");
    char *copy = strdup(path ? path : "/usr/bin:/bin"), *save = NULL, *found = NULL;

    for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d && !found;
         d = strtok_r(NULL, ":", &save)) {
        char *p = fileio_join(d, "gnuplot");
        if (p && access(p, X_OK) == 0) {
            found = p;
        } else {
            free(p);
        }
    }
    free(copy);
    return found;
}

/* Writes name.gp (the script body, run once per terminal) and runs gnuplot on it. */
void cmp_plot(const struct cmp_ctx *c, const char *gnuplot, const char *name, const char *body,
              unsigned height)
{
    char gpname[96];
    char *gp;
    FILE *f;
    struct proc_buf so = {0}, se = {0};
    struct herr e;
    int status = 0;

    snprintf(gpname, sizeof(gpname), "%s.gp", name);
    if (!(f = cmp_open(c, gpname, &gp))) {
        free(gp);
        return;
    }
    fprintf(f,
            "set terminal pngcairo size 900,%u font \"sans,10\"\nset output \"%s/%s.png\"\n%s"
            "set terminal svg size 900,%u font \"sans,10\"\nset output \"%s/%s.svg\"\nreplot\n",
            height, c->out, name, body, height, c->out, name);
    if (fclose(f) == 0) {
        char *argv[] = {(char *)gnuplot, gp, NULL};
        if (proc_capture(argv, &so, &se, &status, &e) != 0 || status != 0) {
            fprintf(stderr, "tessera: gnuplot failed on %s: %s\n", gp, se.data ? se.data : "");
        }
    }
    proc_buf_free(&so);
    proc_buf_free(&se);
    free(gp);
}

static void cmp_plot_compare(const struct cmp_ctx *c, const char *gnuplot)
{
    struct cmp_row r = {.field = "all_ready_ns"};
    char *dat, body[2048];
    FILE *f = cmp_open(c, "compare.dat", &dat);

    if (!f) {
        free(dat);
        return;
    }
    size_t plotted = 0;

    fprintf(f, "# mode all_ready_ms min_ms max_ms\n");
    for (size_t i = 0; i < c->nm; i++) {
        double v[c->repeat], ns = 0;
        struct stats st = {0};
        size_t n = cmp_samples(c, &c->m[i], &r, v);
        bool ok = cmp_cell(c, &c->m[i], &r, &ns) && n > 0 && !stats_compute(v, n, &st);
        if (ok) {
            fprintf(f, "%s %.6f %.6f %.6f\n", c->m[i].name, ns / 1e6, st.min / 1e6, st.max / 1e6);
            plotted++;
        } else {
            fprintf(f, "%s NaN NaN NaN\n", c->m[i].name);
        }
    }
    fclose(f);
    if (plotted == 0) {
        fprintf(stderr, "tessera: no mode became ready: no compare plot\n");
        free(dat);
        return;
    }
    snprintf(body, sizeof(body),
             "set title \"%s: all domains ready, per launch mode (%s)\"\n"
             "set ylabel \"ms since reset%s\"\nset yrange [0:*]\nset boxwidth 0.6\n"
             "set style fill solid 0.7 border -1\nset grid ytics\nunset key\n"
             "plot \"%s\" using 0:2:xtic(1) with boxes lc rgb \"#3070c0\", "
             "\"\" using 0:2:(sprintf(\"%%.3f\", $2)) with labels offset 0,1%s\n",
             c->name, c->o->realtime ? "realtime, median, min..max" : "icount",
             c->o->realtime ? " (wall-derived)" : " (virtual time)", dat,
             c->o->realtime ? ", \"\" using 0:2:3:4 with yerrorbars lc rgb \"black\" pt 0" : "");
    cmp_plot(c, gnuplot, "compare", body, 480);
    free(dat);
}

/* One bar per domain of run 1: construction (created -> first instruction), then boot (first
 * instruction -> ready). */
static void cmp_plot_timeline(const struct cmp_ctx *c, const struct cmp_mode *m,
                              const char *gnuplot)
{
    char name[96], datname[112], *dat, body[2048];
    json_t *d, *doms = json_object_get(m->sum[0], "domains");
    size_t i, n = json_array_size(doms), rows = 0;
    FILE *f;

    if (!m->sum[0] || n == 0) {
        return;
    }
    snprintf(name, sizeof(name), "timeline-%s", m->name);
    snprintf(datname, sizeof(datname), "%s.dat", name);
    if (!(f = cmp_open(c, datname, &dat))) {
        free(dat);
        return;
    }
    fprintf(f, "# y domain created_ms first_instr_ms ready_ms\n");
    json_array_foreach(doms, i, d)
    {
        json_t *cr = json_object_get(d, "created_ns"), *fi = json_object_get(d, "first_instr_ns"),
               *rd = json_object_get(d, "ready_ns");
        if (json_is_integer(cr) && json_is_integer(fi) && json_is_integer(rd)) {
            fprintf(f, "%zu %s %.6f %.6f %.6f\n", n - 1 - i,
                    json_string_value(json_object_get(d, "name")),
                    (double)json_integer_value(cr) / 1e6, (double)json_integer_value(fi) / 1e6,
                    (double)json_integer_value(rd) / 1e6);
            rows++;
        }
    }
    fclose(f);
    if (rows > 0) {
        snprintf(body, sizeof(body),
                 "set title \"%s, %s: domain construction and boot (%s)\"\n"
                 "set xlabel \"ms since reset%s\"\nset yrange [-0.6:%zu.6]\nset xrange [0:*]\n"
                 "set style fill solid 0.8 border -1\nset grid xtics\n"
                 "set key outside bottom center horizontal\n"
                 "plot \"%s\" using (($3+$4)/2):1:(($4-$3)/2):(0.3):ytic(2) with boxxyerror "
                 "lc rgb \"#d08030\" title \"construction (created to first instruction)\", "
                 "\"\" using (($4+$5)/2):1:(($5-$4)/2):(0.3) with boxxyerror lc rgb \"#3070c0\" "
                 "title \"boot (first instruction to ready)\"\n",
                 c->name, m->name, c->o->realtime ? "realtime, run 1" : "icount",
                 c->o->realtime ? " (wall-derived)" : " (virtual time)", n - 1, dat);
        cmp_plot(c, gnuplot, name, body, (unsigned)(160 + 40 * n));
    }
    free(dat);
}

static void cmp_plots(const struct cmp_ctx *c)
{
    char *gnuplot = cmp_gnuplot();

    if (!gnuplot) {
        fprintf(stderr, "tessera: gnuplot not found in PATH: no plots (install gnuplot-nox)\n");
        return;
    }
    if (strchr(c->out, '"')) {
        fprintf(stderr, "tessera: no plots: the results directory's name has a '\"'\n");
    } else {
        cmp_plot_compare(c, gnuplot);
        for (size_t i = 0; i < c->nm; i++) {
            cmp_plot_timeline(c, &c->m[i], gnuplot);
        }
        cmp_plot_latency(c, gnuplot);
    }
    free(gnuplot);
}

int cmp_output(struct cmp_ctx *c, FILE *out)
{
    json_t *j = cmp_json(c);
    char *path = fileio_join(c->out, "compare.json");
    int rc = 0;

    fprintf(out, "\n%s: launch modes compared\n", c->name);
    cmp_timing_line(c, out, "");
    fprintf(out, "\n");
    cmp_table(c, out, false);
    fprintf(out, "\n");
    cmp_metrics_table(c, out, false);
    cmp_notes(c, out, "");
    for (size_t i = 0; c->o->realtime && i < c->nm; i++) {
        cmp_stats_table(c, &c->m[i], out, false);
    }
    if (!j || !path || json_dump_file(j, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
        fprintf(stderr, "tessera: cannot write %s/compare.json\n", c->out);
        rc = -EIO;
    }
    rc = rc ?: cmp_markdown(c);
    cmp_plots(c);
    fprintf(out, "\nresults: %s/ (compare.json, compare.md, plots; MODE/ per run)\n", c->out);
    json_decref(j);
    free(path);
    return rc;
}
