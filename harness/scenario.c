/* A scenario manifest on the host: compiled by dtc, /experiment read strictly (a typo must not
 * silently change an experiment), /hypervisor checked and its domains listed. */
#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <tessera/harness/proc.h>
#include <tessera/harness/scenario.h>

int scenario_compile(const char *dtc, const char *src, const char *dtb_path, struct herr *e)
{
    char *argv[] = {(char *)dtc,      "-I",        "dts", "-O", "dtb", "-o",
                    (char *)dtb_path, (char *)src, NULL};
    struct proc_buf out = {0}, err = {0};
    char how[128];
    int status, rc;

    rc = proc_capture(argv, &out, &err, &status, e);
    if (rc == 0 && status != 0) {
        proc_describe(status, how, sizeof(how));
        rc = herr_set(e, -EINVAL, "dtc could not compile %s (dtc %s):\n%s", src, how,
                      err.data ? err.data : "(no message)");
    } else if (rc == 0 && err.len > 0) {
        fprintf(stderr, "tessera: dtc warnings for %s:\n%s", src, err.data);
    }
    proc_buf_free(&out);
    proc_buf_free(&err);
    return rc;
}

static int scenario_fdt_error(struct herr *e, int err, const char *what)
{
    return herr_set(e, -EINVAL, "%s: %s", what, fdt_strerror(err));
}

static int scenario_string(const void *fdt, int node, const char *prop, char *buf, size_t len,
                           struct herr *e)
{
    int plen;
    const char *s = fdt_getprop(fdt, node, prop, &plen);

    if (!s) {
        return 0;
    }
    if (plen < 2 || s[plen - 1] != '\0' || strlen(s) != (size_t)plen - 1) {
        return herr_set(e, -EINVAL, "/experiment: %s: must be one non-empty string", prop);
    }
    if ((size_t)plen > len) {
        return herr_set(e, -EINVAL, "/experiment: %s: '%s' is longer than %zu characters", prop, s,
                        len - 1);
    }
    memcpy(buf, s, (size_t)plen);
    return 0;
}

static int scenario_u32(const void *fdt, int node, const char *prop, uint32_t *out, struct herr *e)
{
    int len;
    const fdt32_t *v = fdt_getprop(fdt, node, prop, &len);

    if (!v) {
        return 0;
    }
    if (len != 4) {
        return herr_set(e, -EINVAL, "/experiment: %s: must be one 32-bit cell <N>, not %d bytes",
                        prop, len);
    }
    *out = fdt32_to_cpu(*v);
    if (*out == 0) {
        return herr_set(e, -EINVAL, "/experiment: %s: must be positive", prop);
    }
    return 0;
}

/* A string list: each entry non-empty. */
static int scenario_strings(const void *fdt, int node, const char *prop, struct strvec *out,
                            struct herr *e)
{
    int len;
    const char *s = fdt_getprop(fdt, node, prop, &len);

    if (!s) {
        return 0;
    }
    if (len < 2 || s[len - 1] != '\0') {
        return herr_set(e, -EINVAL, "/experiment: %s: must be a list of strings", prop);
    }
    for (const char *p = s; p < s + len; p += strlen(p) + 1) {
        if (!*p) {
            return herr_set(e, -EINVAL, "/experiment: %s: has an empty string", prop);
        }
        if (strvec_push(out, p)) {
            return herr_set(e, -ENOMEM, "out of memory");
        }
    }
    return 0;
}

static int scenario_known_props(const void *fdt, int node, struct herr *e)
{
    static const char *const known[] = {"platform",   "cpus",    "memory-mib", "modes",
                                        "timeout-ms", "phandle", NULL};
    int off;

    fdt_for_each_property_offset(off, fdt, node)
    {
        const char *name;
        bool ok = false;
        if (!fdt_getprop_by_offset(fdt, off, &name, NULL)) {
            return herr_set(e, -EINVAL, "/experiment: unreadable property");
        }
        for (size_t i = 0; known[i] && !ok; i++) {
            ok = strcmp(name, known[i]) == 0;
        }
        if (!ok) {
            return herr_set(e, -EINVAL,
                            "/experiment: %s: unknown property (known: platform, cpus, "
                            "memory-mib, modes, timeout-ms)",
                            name);
        }
    }
    return 0;
}

int scenario_experiment(const void *fdt, struct scenario_experiment *x, struct herr *e)
{
    int node, rc;

    memset(x, 0, sizeof(*x));
    strcpy(x->platform, SCENARIO_DEFAULT_PLATFORM);
    x->cpus = SCENARIO_DEFAULT_CPUS;
    x->memory_mib = SCENARIO_DEFAULT_MEMORY_MIB;
    x->timeout_ms = SCENARIO_DEFAULT_TIMEOUT_MS;
    if ((rc = fdt_check_header(fdt)) != 0) {
        return scenario_fdt_error(e, rc, "scenario DTB");
    }
    node = fdt_path_offset(fdt, "/experiment");
    if (node == -FDT_ERR_NOTFOUND) {
        return 0;
    }
    if (node < 0) {
        return scenario_fdt_error(e, node, "/experiment");
    }
    if ((rc = scenario_known_props(fdt, node, e)) ||
        (rc = scenario_string(fdt, node, "platform", x->platform, sizeof(x->platform), e)) ||
        (rc = scenario_u32(fdt, node, "cpus", &x->cpus, e)) ||
        (rc = scenario_u32(fdt, node, "memory-mib", &x->memory_mib, e)) ||
        (rc = scenario_u32(fdt, node, "timeout-ms", &x->timeout_ms, e)) ||
        (rc = scenario_strings(fdt, node, "modes", &x->modes, e))) {
        scenario_experiment_free(x);
        return rc;
    }
    return 0;
}

void scenario_experiment_free(struct scenario_experiment *x)
{
    strvec_free(&x->modes);
}

int scenario_hypervisor(const void *fdt, struct herr *e)
{
    int node = fdt_path_offset(fdt, "/hypervisor");

    if (node < 0) {
        return herr_set(e, -EINVAL, "the scenario has no /hypervisor node");
    }
    if (fdt_node_check_compatible(fdt, node, "tessera,hypervisor") != 0) {
        return herr_set(e, -EINVAL, "/hypervisor: compatible: must be \"tessera,hypervisor\"");
    }
    return node;
}

static int scenario_add_domain(struct scenario_domains *out, const void *fdt, int node,
                               struct herr *e)
{
    const char *name = fdt_get_name(fdt, node, NULL);
    const fdt32_t *id;
    struct scenario_domain *bigger;
    int len;

    if (!name || strlen(name) >= sizeof(out->v->name)) {
        return herr_set(e, -EINVAL, "/hypervisor/%s: domain name longer than %zu characters",
                        name ? name : "?", sizeof(out->v->name) - 1);
    }
    bigger = realloc(out->v, (out->n + 1) * sizeof(*bigger));
    if (!bigger) {
        return herr_set(e, -ENOMEM, "out of memory");
    }
    out->v = bigger;
    strcpy(out->v[out->n].name, name);
    id = fdt_getprop(fdt, node, "domid", &len);
    out->v[out->n].id = (id && len == 4) ? (int64_t)fdt32_to_cpu(*id) : -1;
    out->n++;
    return 0;
}

int scenario_domains(const void *fdt, struct scenario_domains *out, struct herr *e)
{
    int hyp = scenario_hypervisor(fdt, e), node, rc;

    out->v = NULL;
    out->n = 0;
    if (hyp < 0) {
        return hyp;
    }
    fdt_for_each_subnode(node, fdt, hyp)
    {
        if (fdt_node_check_compatible(fdt, node, "tessera,domain") != 0) {
            continue;
        }
        if ((rc = scenario_add_domain(out, fdt, node, e)) < 0) {
            scenario_domains_free(out);
            return rc;
        }
    }
    return 0;
}

void scenario_domains_free(struct scenario_domains *d)
{
    free(d->v);
    d->v = NULL;
    d->n = 0;
}

bool scenario_allows_mode(const struct scenario_experiment *x, const char *mode)
{
    if (x->modes.n == 0) {
        return true;
    }
    for (size_t i = 0; i < x->modes.n; i++) {
        if (strcmp(x->modes.v[i], mode) == 0) {
            return true;
        }
    }
    return false;
}
