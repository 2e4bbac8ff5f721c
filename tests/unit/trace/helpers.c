/* Shared helpers of the trace unit tests (see helpers.h). */
#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tessera/arch_host.h>
#include "helpers.h"

static uint64_t tt_hz = 62500000;
static uint64_t *tt_mem;

void tt_init(unsigned ncpus, size_t slots, uint64_t hz)
{
    size_t bytes = ncpus * slots * sizeof(struct trace_record);

    trace_reset();
    for (unsigned d = 0; d < TRACE_DUMP_MAX_DOMAINS; d++) {
        trace_dump_set_domain(d, NULL);
    }
    free(tt_mem);
    tt_mem = calloc(1, bytes);
    cr_assert_not_null(tt_mem);
    tt_hz = hz;
    tt_at(0, 0);
    cr_assert_eq(trace_init(ncpus, tt_mem, bytes), 0);
}

void tt_at(unsigned cpu, uint64_t ticks)
{
    arch_host_set_cpu(cpu);
    arch_host_set_counter(ticks, tt_hz);
}

struct tt_buf {
    char *p;
    size_t len, cap;
};

static void tt_out(void *ctx, const void *buf, size_t len)
{
    struct tt_buf *b = ctx;

    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2;
        b->p = realloc(b->p, b->cap);
        cr_assert_not_null(b->p);
    }
    memcpy(b->p + b->len, buf, len);
    b->len += len;
}

void *tt_dump(size_t *len)
{
    struct tt_buf b = {0};

    cr_assert_eq(trace_dump(tt_out, &b), 0);
    cr_assert_eq(b.len, trace_dump_size());
    *len = b.len;
    return b.p;
}

void tt_parse(struct trace_data *d)
{
    struct trace_err e;
    size_t len;
    void *buf = tt_dump(&len);

    cr_assert_eq(trace_data_parse(buf, len, d, &e), 0, "%s", e.msg);
    free(buf);
}

char *tt_tmpdir(void)
{
    char *dir = strdup("/tmp/tessera-trace-test-XXXXXX");

    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static int tt_unlink(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void tt_rmtree(const char *dir)
{
    nftw(dir, tt_unlink, 16, FTW_DEPTH | FTW_PHYS);
}

static char *tt_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s = NULL;
    size_t cap = 0, n = 0;

    cr_assert_not_null(f, "%s", path);
    do {
        cap = cap ? cap * 2 : 4096;
        s = realloc(s, cap + 1);
        cr_assert_not_null(s);
        n += fread(s + n, 1, cap - n, f);
    } while (n == cap);
    fclose(f);
    s[n] = '\0';
    return s;
}

int tt_run(const char *cmd, char **out, char **err)
{
    char *dir = tt_tmpdir();
    char *full;
    char path[512];
    int st;

    cr_assert(asprintf(&full, "(%s) >%s/out 2>%s/err", cmd, dir, dir) > 0);
    st = system(full);
    free(full);
    snprintf(path, sizeof(path), "%s/out", dir);
    *out = tt_slurp(path);
    snprintf(path, sizeof(path), "%s/err", dir);
    *err = tt_slurp(path);
    tt_rmtree(dir);
    free(dir);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

size_t tt_count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}
