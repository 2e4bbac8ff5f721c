/* PSCI: the hypervisor's own calls to firmware (SMC), and the emulation guests see on their
 * HVC and SMC conduits: version and features, starting and stopping the domain's own vCPUs
 * (each on the pCPU its cpu-affinity names), system off and reset; and SMCCC_VERSION. */
#include <tessera/arch.h>
#include <tessera/arm64/psci.h>
#include <tessera/domain.h>
#include <tessera/hypercall.h>
#include <tessera/trace.h>

int64_t arm64_psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (int64_t)x0;
}

bool arm64_psci_is_call(uint32_t fn)
{
    return (fn & PSCI_FN_MASK) == PSCI_FN_BASE;
}

static int64_t psci_guest_features(uint32_t fn)
{
    switch (fn) {
    case PSCI_VERSION:
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
    case PSCI_FEATURES:
    case PSCI_CPU_ON_32:
    case PSCI_CPU_ON_64:
    case PSCI_CPU_OFF:
    case PSCI_AFFINITY_INFO_32:
    case PSCI_AFFINITY_INFO_64:
    case PSCI_MIGRATE_INFO_TYPE:
    case SMCCC_VERSION:
        return PSCI_SUCCESS;
    default:
        return PSCI_NOT_SUPPORTED;
    }
}

/* The vCPU of d whose MPIDR is mpidr (Aff0 = vCPU index, the rest 0), or NULL. */
static struct vcpu *psci_vcpu_of(struct domain *d, uint64_t mpidr)
{
    mpidr &= 0xff00ffffffull;
    return mpidr < d->vcpu_count ? &d->vcpu[mpidr] : NULL;
}

/* Starts vCPU mpidr of the caller's domain at entry with x0 = context, on its own pCPU. */
static int64_t psci_cpu_on(struct vcpu *v, uint64_t mpidr, uint64_t entry, uint64_t context)
{
    struct vcpu *t = psci_vcpu_of(v->dom, mpidr);
    enum vcpu_power off = VCPU_OFF;
    paddr_t pa;

    if (!t) {
        return PSCI_INVALID_PARAMETERS;
    }
    if (arch_p2m_translate(v->dom, entry, false, &pa)) {
        return PSCI_INVALID_ADDRESS; /* no memory of the domain there */
    }
    if (!__atomic_compare_exchange_n(&t->power, &off, VCPU_ON_PENDING, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        return off == VCPU_ON ? PSCI_ALREADY_ON : PSCI_ON_PENDING;
    }
    t->entered = false;
    arch_vcpu_init(t, entry, context);
    TRACE(psci_cpu_on, v->dom->id, t->id, entry, context);
    if (arch_vcpu_start(t)) {
        __atomic_store_n(&t->power, VCPU_OFF, __ATOMIC_RELEASE);
        return PSCI_INTERNAL_FAILURE; /* its pCPU is not online, or already runs a vCPU */
    }
    return PSCI_SUCCESS;
}

static int64_t psci_affinity_info(struct vcpu *v, uint64_t mpidr, uint64_t level)
{
    struct vcpu *t = psci_vcpu_of(v->dom, mpidr);

    if (!t || level != 0) {
        return PSCI_INVALID_PARAMETERS;
    }
    switch (__atomic_load_n(&t->power, __ATOMIC_ACQUIRE)) {
    case VCPU_ON:
        return PSCI_AFF_ON;
    case VCPU_ON_PENDING:
        return PSCI_AFF_ON_PENDING;
    default:
        return PSCI_AFF_OFF;
    }
}

bool arm64_psci_guest(struct vcpu *v, uint64_t *x)
{
    switch ((uint32_t)x[0]) {
    case PSCI_VERSION:
        x[0] = 0x10001; /* 1.1 */
        return true;
    case SMCCC_VERSION:
        x[0] = 0x10001; /* SMCCC 1.1 */
        return true;
    case PSCI_FEATURES:
        x[0] = (uint64_t)psci_guest_features((uint32_t)x[1]);
        return true;
    case PSCI_CPU_ON_32:
        x[0] = (uint64_t)psci_cpu_on(v, (uint32_t)x[1], (uint32_t)x[2], (uint32_t)x[3]);
        return true;
    case PSCI_CPU_ON_64:
        x[0] = (uint64_t)psci_cpu_on(v, x[1], x[2], x[3]);
        return true;
    case PSCI_CPU_OFF:
        TRACE(psci_cpu_off, v->dom->id, v->id);
        __atomic_store_n(&v->power, VCPU_OFF, __ATOMIC_RELEASE);
        arch_send_event(); /* a vCPU waiting in WFE for this one to go off looks again */
        return false;
    case PSCI_AFFINITY_INFO_32:
    case PSCI_AFFINITY_INFO_64:
        x[0] = (uint64_t)psci_affinity_info(v, x[1], x[2]);
        return true;
    case PSCI_MIGRATE_INFO_TYPE:
        x[0] = PSCI_TOS_NOT_PRESENT;
        return true;
    case PSCI_SYSTEM_OFF:
        dom_shutdown(v->dom, HC_SHUTDOWN_POWEROFF);
        return false;
    case PSCI_SYSTEM_RESET:
        dom_shutdown(v->dom, HC_SHUTDOWN_REBOOT);
        return false;
    default:
        x[0] = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
        return true;
    }
}
