/* Host platform discovery from the boot device tree (libfdt): RAM, CPUs, GIC, timer, UART,
 * /chosen. Pure parsing into plain data, shared by the hypervisor and host tests. */
#ifndef TESSERA_HOSTDT_H
#define TESSERA_HOSTDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HOSTDT_MAX_MEM  8
#define HOSTDT_MAX_RSV  16
#define HOSTDT_MAX_CPUS 16
#define HOSTDT_MAX_HYP  32

struct hostdt_region {
    uint64_t base;
    uint64_t size;
};

/* What a region the hypervisor keeps for itself is. */
enum hostdt_hyp_kind {
    HOSTDT_HYP_GIC,     /* a reg entry of the GIC node: distributor, redistributors, GICC/H/V */
    HOSTDT_HYP_GIC_ITS, /* a GICv3 ITS (arm,gic-v3-its child of the GIC) */
    HOSTDT_HYP_GIC_MSI, /* another msi-controller child of the GIC (a GICv2m frame) */
    HOSTDT_HYP_GIC_SUB, /* any other child of the GIC with a reg */
    HOSTDT_HYP_IOMMU,   /* a node with #iommu-cells (an SMMU) */
    HOSTDT_HYP_UART,    /* the hypervisor's own UART */
};

struct hostdt_hyp_region {
    uint64_t base;
    uint64_t size;
    enum hostdt_hyp_kind kind;
    char node[32]; /* the node's name, such as its@8080000 (cut to fit) */
};

struct hostdt {
    struct hostdt_region mem[HOSTDT_MAX_MEM]; /* device_type = "memory" nodes, in DT order */
    unsigned mem_count;
    /* /memreserve/ entries and /reserved-memory children with reg */
    struct hostdt_region reserved[HOSTDT_MAX_RSV];
    unsigned reserved_count;

    uint64_t cpu_mpidr[HOSTDT_MAX_CPUS]; /* reg of each /cpus/cpu@ node, DT order */
    unsigned cpu_count;
    bool psci_smc; /* /psci method = "smc" (else "hvc") */
    bool psci_found;

    struct {
        unsigned version;            /* 2 or 3; 0 if none found */
        struct hostdt_region dist;   /* GICD */
        struct hostdt_region redist; /* GICv3: first GICR region */
        struct hostdt_region cpuif;  /* GICv2: GICC */
        struct hostdt_region hyp;    /* GICv2: GICH */
        struct hostdt_region vcpu;   /* GICv2: GICV */
        uint32_t maint_intid;        /* maintenance interrupt as an INTID (PPI n -> 16 + n) */
    } gic;

    struct {
        bool found;
        uint32_t phys_intid; /* non-secure EL1 physical timer, INTID */
        uint32_t virt_intid; /* EL1 virtual timer, INTID (27 on QEMU virt) */
        uint32_t hyp_intid;  /* EL2 physical timer, INTID */
        uint32_t freq_hz;    /* clock-frequency property, 0 when absent (use CNTFRQ) */
    } timer;

    struct {
        bool found;
        uint64_t base; /* arm,pl011 chosen by /chosen stdout-path, else the first one */
        uint64_t size;
        uint32_t intid; /* SPI n -> 32 + n */
    } uart;

    /* Every MMIO region the hypervisor keeps: all reg entries of the GIC node and of its
     * children (the ITS, GICv2m frames), of IOMMU nodes, and its UART. No domain may get any
     * byte of them. */
    struct hostdt_hyp_region hyp[HOSTDT_MAX_HYP];
    unsigned hyp_count;

    const char *bootargs;     /* /chosen/bootargs, NULL if absent; points into the fdt */
    const char *trace_target; /* /chosen/tessera,trace (set by the harness), NULL if absent */
    size_t trace_target_size; /* its property length, the NUL and the padding included */
    int hypervisor_node;      /* offset of /chosen/hypervisor, or -1 */
    int chosen_node;          /* offset of /chosen, or -1 */
};

/* Parses fdt into out. On error returns -EINVAL and writes a message naming the node and
 * property at fault into err (always terminated when errlen > 0). Missing memory or cpus
 * is an error; a missing GIC, timer or UART leaves its fields zero/false. */
int hostdt_parse(const void *fdt, struct hostdt *out, char *err, size_t errlen);

#endif
