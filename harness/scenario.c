/* A scenario manifest on the host: compiled by dtc, /experiment read strictly (a typo must not
 * silently change an experiment), the manifest found (/hypervisor or Xen dom0less nodes under
 * /chosen) and its domains listed. */
#include <errno.h>
#include <libfdt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <tessera/harness/proc.h>
#include <tessera/harness/scenario.h>

/* Module nodes of a scenario get their reg from the harness (bootdtb.c), so dtc's warnings
 * about a unit address without reg, or cells without a child reg, do not apply to them, nor does
 * the one about interrupts without an interrupt-parent (a passthrough device's SPI numbers). */
int scenario_compile(const char *dtc, const char *src, const char *dtb_path, struct herr *e)
{
    char *argv[] = {(char *)dtc,
                    "-W",
                    "no-unit_address_vs_reg",
                    "-W",
                    "no-avoid_unnecessary_addr_size",
                    "-W",
                    "no-interrupts_property",
                    "-I",
                    "dts",
                    "-O",
                    "dtb",
                    "-o",
                    (char *)dtb_path,
                    (char *)src,
                    NULL};
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

/* True if chosen (an offset, or a negative error) has a xen,domain child. */
static bool scenario_has_dom0less(const void *fdt, int chosen)
{
    int node;

    if (chosen < 0) {
        return false;
    }
    fdt_for_each_subnode(node, fdt, chosen)
    {
        if (scenario_is_domain(fdt, node, SCENARIO_DOM0LESS)) {
            return true;
        }
    }
    return false;
}

int scenario_manifest(const void *fdt, enum scenario_kind *kind, struct herr *e)
{
    int chosen = fdt_path_offset(fdt, "/chosen");

    if (fdt_path_offset(fdt, "/hypervisor") >= 0) {
        *kind = SCENARIO_TESSERA;
        return scenario_hypervisor(fdt, e);
    }
    if (scenario_has_dom0less(fdt, chosen)) {
        *kind = SCENARIO_DOM0LESS;
        return chosen;
    }
    return herr_set(e, -EINVAL,
                    "the scenario has no /hypervisor node and no Xen dom0less domains (nodes "
                    "with compatible \"xen,domain\" under /chosen): nothing to launch");
}

bool scenario_is_domain(const void *fdt, int node, enum scenario_kind kind)
{
    const char *compat = kind == SCENARIO_TESSERA ? "tessera,domain" : "xen,domain";
    return fdt_node_check_compatible(fdt, node, compat) == 0;
}

/* The names of the domains node waits for (start-after phandles that name a sibling domain). */
static void scenario_after(const void *fdt, int node, struct scenario_domain *d)
{
    int len, parent = fdt_parent_offset(fdt, node);
    const fdt32_t *v = fdt_getprop(fdt, node, "start-after", &len);

    for (int k = 0; v && k < len / 4 && d->nafter < SCENARIO_MAX_AFTER; k++) {
        int target = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(v[k]));
        const char *name = target >= 0 ? fdt_get_name(fdt, target, NULL) : NULL;
        if (name && fdt_parent_offset(fdt, target) == parent &&
            scenario_is_domain(fdt, target, SCENARIO_TESSERA) && strlen(name) < SCENARIO_NAME_MAX) {
            strcpy(d->after[d->nafter++], name);
        }
    }
}

/* The role of a Tessera domain node: permissions bit 1 (control), function "boot". Malformed
 * values count as no role; the manifest validator reports them. */
static unsigned scenario_roles(const void *fdt, int node)
{
    int len;
    const fdt32_t *perm = fdt_getprop(fdt, node, "permissions", &len);
    const char *funcs;
    unsigned roles = 0;

    if (perm && len == 4 && (fdt32_to_cpu(*perm) & 1)) {
        roles |= SCENARIO_ROLE_CONTROL;
    }
    funcs = fdt_getprop(fdt, node, "functions", &len);
    for (int off = 0; funcs && len > 0 && funcs[len - 1] == '\0' && off < len;
         off += (int)strlen(funcs + off) + 1) {
        if (strcmp(funcs + off, "boot") == 0) {
            roles |= SCENARIO_ROLE_BOOT;
        }
    }
    return roles;
}

bool scenario_in_mode(unsigned roles, const char *mode)
{
    if (roles == 0) {
        return true;
    }
    /* A domain with both roles is the control domain (as mf_validate.c counts it). */
    return strcmp(mode, roles & SCENARIO_ROLE_CONTROL ? "dom0" : "bootdomain") == 0;
}

static int scenario_add_domain(struct scenario_domains *out, const void *fdt, int node,
                               struct herr *e)
{
    const char *name = fdt_get_name(fdt, node, NULL);
    struct scenario_domain *bigger, *d;
    const fdt32_t *id;
    char path[256];
    int len;

    if (!name || strlen(name) >= SCENARIO_NAME_MAX) {
        fdt_get_path(fdt, node, path, sizeof(path));
        return herr_set(e, -EINVAL, "%s: domain name longer than %d characters", path,
                        SCENARIO_NAME_MAX - 1);
    }
    bigger = realloc(out->v, (out->n + 1) * sizeof(*bigger));
    if (!bigger) {
        return herr_set(e, -ENOMEM, "out of memory");
    }
    out->v = bigger;
    d = &out->v[out->n];
    memset(d, 0, sizeof(*d));
    strcpy(d->name, name);
    if (out->kind == SCENARIO_DOM0LESS) {
        d->id = (int64_t)out->n + 1; /* as mf_parse_dom0less numbers them */
    } else {
        id = fdt_getprop(fdt, node, "domid", &len);
        d->id = (id && len == 4) ? (int64_t)fdt32_to_cpu(*id) : -1;
        scenario_after(fdt, node, d);
        d->roles = scenario_roles(fdt, node);
    }
    out->n++;
    return 0;
}

int scenario_domains(const void *fdt, struct scenario_domains *out, struct herr *e)
{
    int parent, node, rc;

    out->v = NULL;
    out->n = 0;
    out->kind = SCENARIO_TESSERA;
    parent = scenario_manifest(fdt, &out->kind, e);
    if (parent < 0) {
        return parent;
    }
    fdt_for_each_subnode(node, fdt, parent)
    {
        if (!scenario_is_domain(fdt, node, out->kind)) {
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
