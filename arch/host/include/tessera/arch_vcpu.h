/* Hosted arch: a vCPU is its entry point and first argument (nothing runs), and a domain's
 * stage-2 is a short list of mapped ranges, enough for the core's unit tests. */
#ifndef TESSERA_ARCH_VCPU_H
#define TESSERA_ARCH_VCPU_H

#include <stdint.h>

struct arch_vcpu {
    uint64_t entry;
    uint64_t arg0;
    int started; /* handed to its pCPU by arch_vcpu_start */
    int kicks;   /* arch_vcpu_kick calls */
};

#define HOST_P2M_MAX 16

struct host_p2m_range {
    uint64_t ipa;
    uint64_t pa;
    uint64_t size;
    unsigned perms;
};

struct arch_domain {
    struct host_p2m_range map[HOST_P2M_MAX];
    unsigned count;
};

#endif
