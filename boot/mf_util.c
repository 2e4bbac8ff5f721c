/* Typed, strict property readers shared by the manifest parsers. */
#include <tessera/domctl_abi.h>
#include <tessera/errno.h>
#include <tessera/lib.h>

#include "mf_util.h"

_Static_assert(MF_NAME_MAX == DOMCTL_NAME_MAX, "one name rule for every domain");

int mf_fail(struct mf_ctx *c, int node, const char *prop, const char *fmt, ...)
{
    char path[128];
    va_list ap;
    int n;

    if (fdt_get_path(c->fdt, node, path, sizeof(path)) != 0) {
        lib_strlcpy(path, "(unknown node)", sizeof(path));
    }
    n = lib_snprintf(c->err, c->errlen, "%s: %s%s", path, prop ? prop : "", prop ? ": " : "");
    if (n >= 0 && (size_t)n < c->errlen) {
        va_start(ap, fmt);
        lib_vsnprintf(c->err + n, c->errlen - n, fmt, ap);
        va_end(ap);
    }
    /* A node name or value from a boot DTB may hold any byte: the message stays one line. */
    for (char *p = c->err; c->errlen && *p; p++) {
        *p = (*p < 0x20 || *p == 0x7f) ? '?' : *p;
    }
    return -EINVAL;
}

bool mf_is(const char *a, const char *b)
{
    return lib_strcmp(a, b) == 0;
}

int mf_string(struct mf_ctx *c, int node, const char *prop, const char **out)
{
    int len;
    const char *s = fdt_getprop(c->fdt, node, prop, &len);

    *out = NULL;
    if (!s) {
        return 0;
    }
    if (len < 2 || s[len - 1] != '\0' || lib_strnlen(s, len) != (size_t)len - 1) {
        return mf_fail(c, node, prop, "must be one non-empty string");
    }
    *out = s;
    return 0;
}

int mf_u32(struct mf_ctx *c, int node, const char *prop, uint32_t *out, bool *found)
{
    int len;
    const fdt32_t *v = fdt_getprop(c->fdt, node, prop, &len);

    *found = v != NULL;
    if (!v) {
        return 0;
    }
    if (len != 4) {
        return mf_fail(c, node, prop, "must be one 32-bit cell, not %d bytes", len);
    }
    *out = fdt32_to_cpu(*v);
    return 0;
}

int mf_required_u32(struct mf_ctx *c, int node, const char *prop, uint32_t *out)
{
    bool found;
    int rc = mf_u32(c, node, prop, out, &found);

    if (!rc && !found) {
        return mf_fail(c, node, prop, "missing (required)");
    }
    return rc;
}

int mf_flag(struct mf_ctx *c, int node, const char *prop, bool *out)
{
    int len;

    *out = fdt_getprop(c->fdt, node, prop, &len) != NULL;
    if (*out && len != 0) {
        return mf_fail(c, node, prop, "takes no value (write `%s;`)", prop);
    }
    return 0;
}

static bool mf_in_list(const char *name, const char *const *list)
{
    for (; *list; list++) {
        if (mf_is(name, *list)) {
            return true;
        }
    }
    return false;
}

int mf_known_props(struct mf_ctx *c, int node, const char *const *allowed)
{
    int off;

    fdt_for_each_property_offset(off, c->fdt, node)
    {
        const char *name;
        if (!fdt_getprop_by_offset(c->fdt, off, &name, NULL)) {
            return mf_fail(c, node, NULL, "unreadable property");
        }
        if (!mf_in_list(name, allowed) && !mf_is(name, "phandle") &&
            !mf_is(name, "linux,phandle") && !mf_is(name, "name")) {
            return mf_fail(c, node, name, "unknown property");
        }
    }
    return 0;
}

bool mf_compatible(struct mf_ctx *c, int node, const char *compat)
{
    return fdt_node_check_compatible(c->fdt, node, compat) == 0;
}

int mf_domain_name(struct mf_ctx *c, int node, struct mf_domain *d)
{
    const char *name = fdt_get_name(c->fdt, node, NULL);

    /* The node name is the domain's name (dtc reserves the property "name" for it). */
    if (!name || !domctl_name_valid(name)) {
        return mf_fail(c, node, "name",
                       "'%s' cannot name a domain: 1 to %d of a-z, A-Z, 0-9, _ and -, and not hyp",
                       name ? name : "", MF_NAME_MAX - 1);
    }
    lib_strlcpy(d->name, name, sizeof(d->name));
    d->node = node;
    return 0;
}

int mf_run_seed(const void *fdt, int chosen, struct mf_fleet *out)
{
    int len;
    const fdt64_t *v = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "tessera,seed", &len);

    if (!v) {
        return 0;
    }
    if (len != (int)sizeof(*v)) {
        return -EINVAL;
    }
    out->seed = fdt64_to_cpu(*v);
    return 0;
}
