/* A scenario manifest on the host: compiled with dtc, its /experiment settings (read by the
 * harness only) and the domains its manifest declares (/hypervisor, or Xen dom0less nodes). */
#ifndef TESSERA_HARNESS_SCENARIO_H
#define TESSERA_HARNESS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tessera/harness/error.h>
#include <tessera/harness/strvec.h>

#define SCENARIO_DEFAULT_PLATFORM   "qemu-virt"
#define SCENARIO_DEFAULT_CPUS       1
#define SCENARIO_DEFAULT_MEMORY_MIB 1024
#define SCENARIO_DEFAULT_TIMEOUT_MS 30000
#define SCENARIO_NAME_MAX           64
#define SCENARIO_MAX_AFTER          4  /* start-after entries kept per domain (MF_MAX_DEPS) */
#define SCENARIO_ROLE_CONTROL       1u /* permissions bit 1: the control domain of the dom0 mode */
#define SCENARIO_ROLE_BOOT          2u /* function "boot": the boot domain of the bootdomain mode */

/* /experiment, with the defaults filled in for absent properties. */
struct scenario_experiment {
    char platform[64];
    uint32_t cpus;
    uint32_t memory_mib;
    uint32_t timeout_ms;
    struct strvec modes; /* empty if the property is absent */
};

/* Which form the scenario's manifest takes. */
enum scenario_kind {
    SCENARIO_TESSERA,  /* a /hypervisor node with tessera,domain children */
    SCENARIO_DOM0LESS, /* no /hypervisor; Xen xen,domain nodes under /chosen */
};

/* One domain of the manifest, in manifest order. */
struct scenario_domain {
    char name[SCENARIO_NAME_MAX];
    int64_t id; /* domid (dom0less: 1, 2, ... in node order); -1 if absent */
    /* The domains it waits for (start-after), by name; entries that are not domains are left
     * out (the manifest validator reports them). */
    char after[SCENARIO_MAX_AFTER][SCENARIO_NAME_MAX];
    unsigned nafter;
    unsigned roles; /* SCENARIO_ROLE_*; 0 for the fleet proper */
};

struct scenario_domains {
    struct scenario_domain *v;
    size_t n;
    enum scenario_kind kind;
};

/* Compiles the .dts at src into dtb_path with dtc. On failure e holds dtc's own messages. */
int scenario_compile(const char *dtc, const char *src, const char *dtb_path, struct herr *e);

/* Reads /experiment of a compiled scenario. Unknown properties and wrong sizes are refused,
 * naming the property. */
int scenario_experiment(const void *fdt, struct scenario_experiment *x, struct herr *e);
void scenario_experiment_free(struct scenario_experiment *x);

/* Offset of /hypervisor after checking its compatible is "tessera,hypervisor", or an error. */
int scenario_hypervisor(const void *fdt, struct herr *e);

/* Finds the manifest: /hypervisor if the scenario has one (compatible checked), else /chosen
 * if it has xen,domain children. Returns the node's offset with *kind set, or an error that
 * says neither is there. */
int scenario_manifest(const void *fdt, enum scenario_kind *kind, struct herr *e);

/* True if node is a domain node of the manifest of that kind. */
bool scenario_is_domain(const void *fdt, int node, enum scenario_kind kind);

/* Lists the domain nodes of the manifest. */
int scenario_domains(const void *fdt, struct scenario_domains *out, struct herr *e);
void scenario_domains_free(struct scenario_domains *d);

/* True if a domain with these roles is built in mode: the fleet proper (no role) in every
 * mode, the control domain only in dom0 mode, the boot domain only in bootdomain mode (the rule
 * of launch_in_fleet() in boot/launch.c); a domain with both roles is the control domain. */
bool scenario_in_mode(unsigned roles, const char *mode);

/* True if mode is one of x's modes (or x lists none). */
bool scenario_allows_mode(const struct scenario_experiment *x, const char *mode);

#endif
