/* The toolstack's work (ts_core.c), shared by the bare-metal toolstack guest (toolstack.c:
 * hypercalls by HVC) and the Linux Dom0's (guests/linux/tessera-toolstack.c: hypercalls through
 * the control window). What differs between them is this environment. */
#ifndef TESSERA_TOOLSTACK_TS_H
#define TESSERA_TOOLSTACK_TS_H

#include <stddef.h>
#include <stdint.h>

#include <tessera/manifest.h>

struct ts_env {
    /* A Tessera hypercall with x1-x5; returns x0. */
    int64_t (*call)(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5);
    /* The IPA (in the caller's address space) of a byte of a boot module, given the pointer
     * arch_phys_to_virt gave the library for it. */
    uint64_t (*ipa)(const void *p);
    /* The IPA where the hypervisor can read len bytes equal to buf (in place, or a copy in the
     * control window's staging memory, valid until the next publish); 0 if it cannot. */
    uint64_t (*publish)(const void *buf, size_t len);
    int (*out)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
};

/* Reads the fleet from the boot DTB; NULL (and a FAIL line) if it is not a valid one. */
const struct mf_fleet *ts_parse(const struct ts_env *env, const void *fleet_dtb);
/* Builds (dom0 mode) or releases (bootdomain mode) every domain of the fleet in start order;
 * *built counts them. -1 after the first failure (reported on env->out). */
int ts_build_all(unsigned *built);
/* How many domains ts_build_all released rather than built: the hypervisor had built them
 * (bootdomain mode). */
unsigned ts_released(void);

#endif
