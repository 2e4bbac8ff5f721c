/* Loading a dump from a file (a raw dump or a console log with a framed UART dump), and the
 * time-ordered view of all pCPUs that the outputs walk. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/trace_host.h>

static int trace_read_file(const char *path, char **buf, size_t *len, struct trace_err *e)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1 << 16, n = 0;
    char *b = NULL;

    if (!f) {
        return trace_err_set(e, -errno, "%s: %s", path, strerror(errno));
    }
    for (;;) {
        char *nb = realloc(b, cap + 1);
        if (!nb) {
            free(b);
            fclose(f);
            return trace_err_set(e, -ENOMEM, "%s: out of memory", path);
        }
        b = nb;
        n += fread(b + n, 1, cap - n, f);
        if (n < cap) {
            break;
        }
        cap *= 2;
    }
    if (ferror(f)) {
        free(b);
        fclose(f);
        return trace_err_set(e, -EIO, "%s: read error", path);
    }
    fclose(f);
    b[n] = '\0';
    *buf = b;
    *len = n;
    return 0;
}

static int trace_load_console(const char *path, const char *text, size_t len, struct trace_data *d,
                              struct trace_err *e)
{
    void *dump = NULL;
    size_t dump_len = 0;
    int rc = trace_uart_decode(text, len, &dump, &dump_len, e);

    if (rc == 0) {
        rc = trace_data_parse(dump, dump_len, d, e);
        free(dump);
    }
    if (rc && e) {
        char msg[TRACE_ERR_MAX];
        snprintf(msg, sizeof(msg), "%s", e->msg);
        trace_err_set(e, rc, "%s (framed dump in console log): %s", path, msg);
    }
    return rc;
}

int trace_data_load(const char *path, struct trace_data *d, struct trace_err *e)
{
    char *buf = NULL;
    size_t len = 0;
    int rc = trace_read_file(path, &buf, &len, e);

    if (rc) {
        return rc;
    }
    if (len >= 8 && memcmp(buf, TRACE_DUMP_MAGIC, 8) == 0) {
        rc = trace_data_parse(buf, len, d, e);
        if (rc && e) {
            char msg[TRACE_ERR_MAX];
            snprintf(msg, sizeof(msg), "%s", e->msg);
            trace_err_set(e, rc, "%s: %s", path, msg);
        }
    } else if (memmem(buf, len, TRACE_UART_MARKER " B ", strlen(TRACE_UART_MARKER " B "))) {
        rc = trace_load_console(path, buf, len, d, e);
    } else {
        rc = trace_err_set(e, -EINVAL,
                           "%s: neither a trace dump (no %s magic) nor a console log with "
                           "framed dump lines (%s)",
                           path, TRACE_DUMP_MAGIC, TRACE_UART_MARKER);
    }
    free(buf);
    return rc;
}

static int trace_ptr_cmp(const void *pa, const void *pb)
{
    const struct trace_record *a = *(const struct trace_record *const *)pa;
    const struct trace_record *b = *(const struct trace_record *const *)pb;

    if (a->ts != b->ts) {
        return a->ts < b->ts ? -1 : 1;
    }
    if (a->cpu != b->cpu) {
        return a->cpu < b->cpu ? -1 : 1;
    }
    /* Same pCPU: its array is already in order. */
    return a < b ? -1 : a > b;
}

const struct trace_record **trace_data_merge(const struct trace_data *d, size_t *n)
{
    const struct trace_record **all = malloc((d->nrecords ? d->nrecords : 1) * sizeof(*all));
    size_t k = 0;

    if (!all) {
        return NULL;
    }
    for (uint32_t c = 0; c < d->ncpus; c++) {
        for (uint64_t i = 0; i < d->cpus[c].nrecords; i++) {
            all[k++] = &d->cpus[c].recs[i];
        }
    }
    qsort(all, k, sizeof(*all), trace_ptr_cmp);
    *n = k;
    return all;
}
