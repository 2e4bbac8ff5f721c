/* Internals of `tessera compare` shared by compare.c (the runs) and compare_out.c (the table,
 * compare.json, compare.md and the gnuplot plots). */
#ifndef TESSERA_HARNESS_COMPARE_OUT_H
#define TESSERA_HARNESS_COMPARE_OUT_H

#include <stdint.h>
#include <stdio.h>

#include <tessera/harness/compare.h>

#define CMP_FIELDS 4 /* created, first instruction, first output, ready */

/* One number of a summary: a domain's (dom set), or hypervisor init / all ready (dom ""). */
struct cmp_row {
    char dom[64];
    const char *field; /* its summary.json key: "created_ns", ..., "init_done_ns" */
    char label[96];    /* "cluster first instruction" */
    char key[96];      /* "cluster.first_instr_ns" */
};

struct cmp_rows {
    struct cmp_row *v;
    size_t n;
};

struct cmp_mode {
    char *name;          /* the column: MODE, or BACKEND-MODE when several backends run */
    const char *mode;    /* the launch mode */
    const char *backend; /* "tessera" or "xen" (--backend) */
    char *rel;           /* its folder under OUT: MODE, or BACKEND/MODE */
    char *dir;           /* OUT/REL */
    json_t **sum;        /* summary.json of each run, NULL if it has none */
    int *status;         /* exit status of each run */
    unsigned passed;
    int identical;       /* icount with repeats: 1 or 0; -1: not compared */
    struct strvec diffs; /* keys that differ between runs */
};

struct cmp_ctx {
    const struct compare_opts *o;
    unsigned repeat;
    char *name, *out;
    struct strvec modes;
    struct strvec backends; /* --backend, in order; "tessera" when not given */
    char work[1024];        /* the one line naming the work compared (cmp_work) */
    struct cmp_mode *m;
    size_t nm;
    json_t *ref;          /* the first summary there is: it names the table's rows */
    struct cmp_rows rows; /* the table's rows: init, fleet domains' milestones, all ready */
};

json_t *cmp_domain(json_t *s, const char *name);
/* The number of row r in summary s; false if s has none. */
bool cmp_get(json_t *s, const struct cmp_row *r, int64_t *ns);
/* The folder of run k (0-based) of a mode when repeating: "run-K". */
void cmp_run_dir(const struct cmp_ctx *c, unsigned k, char *buf, size_t len);
int cmp_rows_build(json_t *s, bool fleet_only, struct cmp_rows *rows);
void cmp_rows_free(struct cmp_rows *rows);
/* ns as ms with 3 decimals. */
const char *cmp_fmt_ms(double ns, char *buf, size_t len);
/* One cell: padded to width in the text table, between bars in Markdown; and a row label. */
void cmp_put(FILE *out, bool md, int width, const char *s);
void cmp_put_label(FILE *out, bool md, const char *s);
/* The header of a table with one column per mode (width wide; a Markdown rule under it). */
void cmp_header(const struct cmp_ctx *c, FILE *out, bool md, int width);
/* Creates c->out/name (*path: its path, caller frees); NULL with a message on stderr. */
FILE *cmp_open(const struct cmp_ctx *c, const char *name, char **path);
/* Writes name.gp (body, run once per terminal) and runs gnuplot on it: name.png and name.svg. */
void cmp_plot(const struct cmp_ctx *c, const char *gnuplot, const char *name, const char *body,
              unsigned height);

/* Isolation and latency of run 1 of each mode (compare_metrics.c): the table (nothing when no
 * run reported any), compare.json's per-mode {isolation, latency}, and one histogram plot per
 * latency series with every mode on it (latency-DOMAIN-SERIES.png/svg, log count axis). */
void cmp_metrics_table(const struct cmp_ctx *c, FILE *out, bool md);
void cmp_metrics_json(const struct cmp_mode *m, json_t *mode_obj);
void cmp_plot_latency(const struct cmp_ctx *c, const char *gnuplot);

/* The table on out, then compare.json, compare.md and the plots in c->out. */
int cmp_output(struct cmp_ctx *c, FILE *out);

#endif
