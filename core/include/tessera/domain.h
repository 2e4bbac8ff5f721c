/* Domains and their vCPUs: plain data built from a domain spec, whoever produced it (the
 * manifest at boot, or domctl). */
#ifndef TESSERA_DOMAIN_H
#define TESSERA_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <tessera/arch_vcpu.h>
#include <tessera/console.h>
#include <tessera/evtchn.h>
#include <tessera/frame.h>
#include <tessera/loader.h>
#include <tessera/vgic.h>
#include <tessera/vpl011.h>
#include <tessera/ctlwin.h>

#define DOM_NAME_MAX     32
#define DOM_MAX          16
#define DOM_MAX_VCPUS    8
#define DOM_MAX_MEM      8
#define DOM_MAX_DEPS     4
#define DOM_MAX_DEVICES  4
#define DOM_MAX_RESTARTS 3           /* a domain that crashes more often than this is halted */
#define DOM_PCPU_NONE    0xffffffffu /* a vCPU not pinned yet (late cpu-affinity) */

/* Guest physical layout of every domain (the QEMU virt map, so guests need no port). */
#define DOM_RAM_IPA 0x40000000ull

/* Domain permissions (manifest `permissions`, a bit mask) */
#define DOM_PERM_CONTROL  (1u << 0) /* may use domctl on other domains */
#define DOM_PERM_HARDWARE (1u << 1) /* may own passthrough devices */
/* Domain functions (manifest `functions`) */
#define DOM_FUNC_BOOT    (1u << 0)
#define DOM_FUNC_CONSOLE (1u << 1)

enum dom_state {
    DOM_FREE,
    DOM_CONSTRUCTING,
    DOM_PAUSED,
    DOM_RUNNING,
    DOM_DYING, /* crashed, its on-crash policy (restart, destroy) still at work */
    DOM_SHUTDOWN,
    DOM_CRASHED,
};
enum dom_on_crash { DOM_CRASH_HALT, DOM_CRASH_RESTART, DOM_CRASH_DESTROY };

/* A boot module: bytes the loader put in RAM (hypervisor-visible, identity mapped). */
struct dom_module {
    paddr_t pa;
    uint64_t size;
};

/* What to build: everything the core needs, already resolved by the caller. */
struct dom_spec {
    int id;
    char name[DOM_NAME_MAX];
    uint64_t memory_bytes;
    unsigned vcpus;
    unsigned affinity[DOM_MAX_VCPUS]; /* pCPU per vCPU */
    uint32_t permissions;
    uint32_t functions;
    unsigned priority;
    enum dom_on_crash on_crash;
    int start_after[DOM_MAX_DEPS]; /* domain ids that must be ready before this one starts */
    unsigned start_after_count;
    struct dom_module kernel;
    struct loader_image image; /* where the kernel goes (loader_probe) */
    struct dom_module ramdisk; /* size 0: none */
    uint64_t ramdisk_ipa;
    const void *dtb; /* the domain's device tree (hypervisor memory), copied in */
    uint64_t dtb_size;
    uint64_t dtb_ipa;
    bool allow_map; /* modules may be handed over by stage-2 mapping instead of copied */
    bool held;      /* built by a toolstack: starts only when it is unpaused */
    bool vpl011;    /* an emulated PL011 at VPL011_IPA */
    struct dom_module devices[DOM_MAX_DEVICES]; /* passthrough MMIO, mapped at IPA = PA */
    unsigned device_count;
};

struct dom_mem {
    uint64_t ipa;
    paddr_t pa;
    uint64_t size;
    bool module; /* frames that were a boot module, mapped in place */
};

/* A vCPU's power state, as PSCI AFFINITY_INFO reports it. */
enum vcpu_power { VCPU_OFF, VCPU_ON_PENDING, VCPU_ON };

struct vcpu {
    struct domain *dom;
    unsigned id;
    unsigned pcpu;
    bool entered;
    enum vcpu_power power;
    struct vgic_cpu vgic;
    struct arch_vcpu arch;
};

/* Locking and lifetime (docs/locking.md): lock guards the fields marked [L]; the
 * others are set while the domain is constructing, or are atomics, or have their own lock
 * (console, vgic, vpl011). refs counts the references: the domain table's own (from creation
 * until domctl_destroy) and each dom_get. A dying domain gives out no new reference; the last
 * dom_put frees it. */
struct domain {
    struct spinlock lock;
    uint32_t refs;  /* atomic */
    bool dying;     /* [L] destroyed by domctl: dom_get finds it no more */
    bool resources; /* [L] it holds memory, stage-2 and a VMID (released at most once) */
    int id;
    char name[DOM_NAME_MAX];
    enum dom_state state;     /* [L] for every change; read without it as a hint */
    unsigned shutdown_reason; /* [L] */
    bool ready;               /* [L] */
    bool held;                /* [L] built by a toolstack: starts only when it unpauses it */
    bool stranded;            /* paused for good: reported as never starting */
    unsigned domctl_denied;   /* domctl calls refused for lack of the control permission */
    uint32_t permissions;
    uint32_t functions;
    unsigned priority;
    enum dom_on_crash on_crash;
    int start_after[DOM_MAX_DEPS];   /* [L] */
    unsigned start_after_count;      /* [L] */
    struct dom_mem mem[DOM_MAX_MEM]; /* [L] with p2m_root and vmid: built, released */
    unsigned mem_count;
    bool kernel_mapped;
    bool ramdisk_mapped;
    paddr_t p2m_root;
    uint16_t vmid;
    struct vcpu vcpu[DOM_MAX_VCPUS];
    unsigned vcpu_count;
    struct console_line console;
    struct evtchn_table evtchn;
    struct vpl011 vpl011;
    struct ctlwin ctlwin; /* control domains: the doorbell of the control window */
    struct vgic_dist vgic;
    uint64_t vcounter_offset; /* counter value at creation: the domain's virtual counter 0 */
    struct arch_domain arch;
    /* on-crash = restart: the spec to rebuild from, with its device tree kept in frames the
     * hypervisor owns (the caller's copy does not outlive dom_create) */
    struct dom_spec spec;
    paddr_t spec_dtb;
    unsigned restarts;
};

extern struct frame_map hyp_frames;

/* A domain whose lock the holder has: what a function that needs the lock takes. */
struct domain_locked {
    struct domain *d;
};
struct domain_locked dom_lock(struct domain *d);
void dom_unlock(struct domain_locked l);

/* The live domain with that id (not dying), with a reference the caller puts; NULL if none. */
struct domain *dom_get(int id);
/* The same for slot i, in creation-slot order (iterations over every domain). */
struct domain *dom_get_index(unsigned i);
/* Drops a reference; the last one of a dying domain frees it (traced as dom_freed). */
void dom_put(struct domain *d);

/* Builds a domain from spec: memory (module frames mapped in place where allowed and
 * aligned, the rest allocated), stage-2, kernel, ramdisk and DTB placed, vCPUs set to enter
 * the kernel with x0 = DTB. The domain is left paused. On failure nothing is left allocated;
 * returns 0 or a negative errno (-EINVAL for a name outside domctl_name_valid) and, on
 * success, the domain in *out. */
int dom_create(const struct dom_spec *spec, struct domain **out);
/* Starts a paused domain: vCPU 0 to its pCPU (the others wait for PSCI CPU_ON). */
int dom_start(struct domain_locked l);
/* The domain declared itself ready: starts every paused domain whose start-after
 * predecessors are now all ready. */
void dom_set_ready(struct domain *d);
/* The ready call (the hypercall, or the console marker when via is "console"): flushes the
 * domain's console, prints `dom NAME ready` (with code=, via= when given) and marks it ready.
 * -EINVAL when the domain is not running. */
int64_t dom_declare_ready(struct domain *d, uint64_t code, const char *via);
/* Starts the paused domains that wait for nobody (or for domains already ready). */
int dom_start_eligible(void);
/* Lets a held (toolstack-built) paused domain start: now, or when its predecessors are ready. */
int dom_unpause(struct domain_locked l);
/* Holds a paused domain back from starting. */
int dom_hold(struct domain_locked l);
/* domctl_destroy: marks d dying (no new reference is given out), stops its vCPUs if it runs
 * (each taken off its pCPU), releases its memory (scrubbed), stage-2 and VMID, drops the
 * table's reference and waits for the other holders to put theirs; d is free when this
 * returns. The caller must hold no reference of its own. -EBUSY while it is constructing or
 * its on-crash policy is at work, -ESRCH if it is dying already. */
int dom_release(struct domain *d);
/* The same for a caller that holds a reference (from dom_get), which the call consumes. */
int dom_destroy_ref(struct domain *d);
/* Ends a domain with reason (HC_SHUTDOWN_*): its vCPUs never run again. */
void dom_shutdown(struct domain *d, unsigned reason);
/* Marks a domain crashed with a message naming what it did, then applies its on-crash
 * policy. */
void dom_crash(struct domain *d, const char *why);
/* The launch mode has built and started what it starts: from now on, a fleet whose domains
 * have all ended (or can never start) ends the system. */
void dom_launch_complete(void);
/* True once every created domain has shut down or crashed; *status is 0 if all powered off. */
bool dom_all_ended(int *status);
/* Lookups without a reference, for a single pCPU (the boot before the scheduler starts, unit
 * tests): elsewhere a domain is reached with dom_get. */
struct domain *dom_by_index(unsigned i);
struct domain *dom_by_id(int id);

#endif
