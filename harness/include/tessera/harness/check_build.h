/* `tessera check`'s dry run of a launch mode: the hypervisor's domain builder (the hosted core)
 * builds every domain the mode builds, on a copy of the machine's RAM map. */
#ifndef TESSERA_HARNESS_CHECK_BUILD_H
#define TESSERA_HARNESS_CHECK_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tessera/harness/bootdtb.h>
#include <tessera/harness/error.h>
#include <tessera/manifest.h>

struct check_build_in {
    const char *mode;             /* dom0, hyperlaunch or bootdomain */
    const struct mf_fleet *fleet; /* parsed back from the boot DTB: modules have addresses */
    const struct bootdtb_module *mods;
    size_t nmods;
    uint64_t ram_base, ram_size;
    uint64_t hyp_size; /* the hypervisor image in memory, bss included */
    uint64_t dtb_size; /* the boot DTB */
    unsigned pcpus;
    bool trace;         /* the run allocates trace buffers (trace-kib per pCPU) */
    uint32_t trace_kib; /* the command line's trace-kib, or 0: the manifest's */
};

/* Returns 0 if every domain of the mode can be built, else a negative errno with e naming the
 * mode, the domain, the property and the figures (free RAM, the largest free run). */
int check_build_mode(const struct check_build_in *in, struct herr *e);
/* The in-memory size of a hypervisor image (its arm64 Image header's image_size). */
int check_build_hyp_size(const char *image, uint64_t *size, struct herr *e);

#endif
