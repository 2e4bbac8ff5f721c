/* PSCI: the hypervisor's own calls to firmware (SMC), and the emulation guests see on their
 * HVC and SMC conduits. */
#include <tessera/arm64/psci.h>
#include <tessera/domain.h>
#include <tessera/hypercall.h>

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
        return PSCI_SUCCESS;
    default:
        return PSCI_NOT_SUPPORTED;
    }
}

bool arm64_psci_guest(struct vcpu *v, uint64_t *x)
{
    switch ((uint32_t)x[0]) {
    case PSCI_VERSION:
        x[0] = 0x10001; /* 1.1 */
        return true;
    case PSCI_FEATURES:
        x[0] = (uint64_t)psci_guest_features((uint32_t)x[1]);
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
