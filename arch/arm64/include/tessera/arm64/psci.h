/* PSCI function ids and return codes (Arm DEN 0022), and the arm64 PSCI entry points. */
#ifndef TESSERA_ARM64_PSCI_H
#define TESSERA_ARM64_PSCI_H

#include <stdbool.h>
#include <stdint.h>

#define PSCI_VERSION           0x84000000u
#define PSCI_CPU_SUSPEND_64    0xc4000001u
#define PSCI_CPU_OFF           0x84000002u
#define PSCI_CPU_ON_32         0x84000003u
#define PSCI_CPU_ON_64         0xc4000003u
#define PSCI_AFFINITY_INFO_32  0x84000004u
#define PSCI_AFFINITY_INFO_64  0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF        0x84000008u
#define PSCI_SYSTEM_RESET      0x84000009u
#define PSCI_FEATURES          0x8400000au
#define PSCI_FN_MASK           0xbfffffe0u /* ignores the 32/64-bit flag and the function number */
#define PSCI_FN_BASE           0x84000000u

#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED             (-3)
#define PSCI_ALREADY_ON         (-4)
#define PSCI_ON_PENDING         (-5)
#define PSCI_INTERNAL_FAILURE   (-6)
#define PSCI_INVALID_ADDRESS    (-9)

/* AFFINITY_INFO results */
#define PSCI_AFF_ON         0
#define PSCI_AFF_OFF        1
#define PSCI_AFF_ON_PENDING 2
/* MIGRATE_INFO_TYPE: no Trusted OS that would need migrating */
#define PSCI_TOS_NOT_PRESENT 2

#define SMCCC_VERSION       0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u

struct vcpu;

/* A call to the firmware's PSCI (SMC conduit from EL2). */
int64_t arm64_psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
/* True if fn is a PSCI function id. */
bool arm64_psci_is_call(uint32_t fn);
/* Emulates a guest's PSCI call; returns false when the vCPU must not run again. */
bool arm64_psci_guest(struct vcpu *v, uint64_t *x);

#endif
