/* Shared helpers of the manifest parsers (Tessera nodes and Xen dom0less nodes): typed,
 * strict property readers that report "PATH: PROPERTY: MESSAGE". */
#ifndef TESSERA_MF_UTIL_H
#define TESSERA_MF_UTIL_H

#include <libfdt.h>
#include <stdbool.h>
#include <tessera/manifest.h>

struct mf_ctx {
    const void *fdt;
    char *err;
    size_t errlen;
};

int mf_fail(struct mf_ctx *c, int node, const char *prop, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
bool mf_is(const char *a, const char *b);
/* A string property: NUL-terminated and non-empty; *out NULL if absent. */
int mf_string(struct mf_ctx *c, int node, const char *prop, const char **out);
/* A u32 property; absent leaves *out unchanged and sets *found false. */
int mf_u32(struct mf_ctx *c, int node, const char *prop, uint32_t *out, bool *found);
int mf_required_u32(struct mf_ctx *c, int node, const char *prop, uint32_t *out);
/* An empty (boolean) property: true if present, an error if it has a value. */
int mf_flag(struct mf_ctx *c, int node, const char *prop, bool *out);
/* Refuses any property of node that is not in allowed (NULL-terminated). */
int mf_known_props(struct mf_ctx *c, int node, const char *const *allowed);
bool mf_compatible(struct mf_ctx *c, int node, const char *compat);
/* Copies a node name as a domain name, refusing reserved or unusable ones. */
int mf_domain_name(struct mf_ctx *c, int node, struct mf_domain *d);

#endif
