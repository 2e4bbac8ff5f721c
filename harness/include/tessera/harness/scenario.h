/* A scenario manifest on the host: compiled with dtc, its /experiment settings (read by the
 * harness only) and the domains its /hypervisor node declares. */
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

/* /experiment, with the defaults filled in for absent properties. */
struct scenario_experiment {
    char platform[64];
    uint32_t cpus;
    uint32_t memory_mib;
    uint32_t timeout_ms;
    struct strvec modes; /* empty if the property is absent */
};

/* One domain node of /hypervisor (compatible "tessera,domain"), in manifest order. */
struct scenario_domain {
    char name[64];
    int64_t id; /* domid, -1 if absent (the manifest validator reports that) */
};

struct scenario_domains {
    struct scenario_domain *v;
    size_t n;
};

/* Compiles the .dts at src into dtb_path with dtc. On failure e holds dtc's own messages. */
int scenario_compile(const char *dtc, const char *src, const char *dtb_path, struct herr *e);

/* Reads /experiment of a compiled scenario. Unknown properties and wrong sizes are refused,
 * naming the property. */
int scenario_experiment(const void *fdt, struct scenario_experiment *x, struct herr *e);
void scenario_experiment_free(struct scenario_experiment *x);

/* Offset of /hypervisor after checking its compatible is "tessera,hypervisor", or an error. */
int scenario_hypervisor(const void *fdt, struct herr *e);

/* Lists the domain nodes of /hypervisor. */
int scenario_domains(const void *fdt, struct scenario_domains *out, struct herr *e);
void scenario_domains_free(struct scenario_domains *d);

/* True if mode is one of x's modes (or x lists none). */
bool scenario_allows_mode(const struct scenario_experiment *x, const char *mode);

#endif
