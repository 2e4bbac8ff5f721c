/* Domains and their vCPUs: plain data built from a domain spec, whoever produced it (the
 * manifest at boot, or domctl). */
#ifndef TESSERA_DOMAIN_H
#define TESSERA_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <tessera/arch_vcpu.h>
#include <tessera/console.h>
#include <tessera/frame.h>

#define DOM_NAME_MAX  32
#define DOM_MAX       16
#define DOM_MAX_VCPUS 8
#define DOM_MAX_MEM   4

/* Guest physical layout of every domain (the QEMU virt map, so guests need no port). */
#define DOM_RAM_IPA 0x40000000ull

enum dom_state { DOM_FREE, DOM_CONSTRUCTING, DOM_PAUSED, DOM_RUNNING, DOM_SHUTDOWN, DOM_CRASHED };

/* What to build: the part of a manifest entry the core needs. */
struct dom_spec {
    int id;
    char name[DOM_NAME_MAX];
    uint64_t memory_bytes;
    unsigned vcpus;
    unsigned affinity[DOM_MAX_VCPUS]; /* pCPU per vCPU */
    paddr_t kernel_pa;                /* boot module holding the kernel image */
    uint64_t kernel_size;
};

struct dom_mem {
    uint64_t ipa;
    paddr_t pa;
    uint64_t size;
};

struct vcpu {
    struct domain *dom;
    unsigned id;
    unsigned pcpu;
    bool entered;
    struct arch_vcpu arch;
};

struct domain {
    int id;
    char name[DOM_NAME_MAX];
    enum dom_state state;
    unsigned shutdown_reason;
    struct dom_mem mem[DOM_MAX_MEM];
    unsigned mem_count;
    paddr_t p2m_root;
    uint16_t vmid;
    struct vcpu vcpu[DOM_MAX_VCPUS];
    unsigned vcpu_count;
    struct console_line console;
    struct arch_domain arch;
};

extern struct frame_map hyp_frames;

/* Builds a domain from spec: memory, stage-2, kernel copied in, vCPUs. On failure nothing is
 * left allocated; returns 0 or a negative errno and, in *out, the new domain. */
int dom_create(const struct dom_spec *spec, struct domain **out);
/* Ends a domain with reason (HC_SHUTDOWN_*): its vCPUs never run again. */
void dom_shutdown(struct domain *d, unsigned reason);
/* Marks a domain crashed with a message naming what it did. */
void dom_crash(struct domain *d, const char *why);
/* True once every created domain has shut down or crashed; *status is 0 if all powered off. */
bool dom_all_ended(int *status);
struct domain *dom_by_index(unsigned i);

#endif
