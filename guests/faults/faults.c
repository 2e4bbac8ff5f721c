/* faults: provokes what a buggy or hostile guest does, and checks that the hypervisor refuses
 * each thing the documented way without stopping. Prints PASS/FAIL per check. */
#include <guest/kit.h>
#include <tessera/errno.h>
#include <tessera/domctl_abi.h>
#include <tessera/hypercall.h>

#define UNMAPPED_IPA       0x10000000ull /* below domain RAM, nothing mapped there */
#define ESR_EC(esr)        (((esr) >> 26) & 0x3f)
#define EC_DABT_CUR        0x25
#define FSC_SYNC_EXT_ABORT 0x10

static volatile uint64_t abort_esr, abort_far;
static volatile unsigned abort_count;

/* Records the injected abort and skips the faulting load. */
static bool on_abort(uint64_t esr, uint64_t far, uint64_t elr, uint64_t *resume)
{
    abort_esr = esr;
    abort_far = far;
    abort_count++;
    *resume = elr + 4;
    return true;
}

static void check_console_pointers(void)
{
    extern char __guest_end[];
    uint64_t ram_end = 0x40000000ull + 2048 * 1024;
    static const char ok[] = "a good console_write still works\n";

    bool blocked = kit_console_write((const void *)UNMAPPED_IPA, 16) == -EFAULT;
    kit_check(blocked, "console_write from unmapped IPA returns -EFAULT");
    kit_isolation("hypercall_buffer", blocked);
    kit_check(kit_console_write((const void *)(ram_end - 8), 64) == -EFAULT,
              "console_write running off the end of RAM returns -EFAULT");
    kit_check(kit_console_write((const void *)~0ull, 2) == -EFAULT,
              "console_write wrapping the address space returns -EFAULT");
    kit_check(kit_console_write(__guest_end, HC_CONSOLE_WRITE_MAX + 1) == -EINVAL,
              "console_write longer than the maximum returns -EINVAL");
    kit_check(kit_console_write(ok, sizeof(ok) - 1) == 0,
              "console_write of a good buffer returns 0");
}

static void check_hypercalls(void)
{
    kit_check(kit_hvc(HC_ID(0x7fff), 0, 0, 0).status == -ENOSYS,
              "unknown Tessera hypercall returns -ENOSYS");
    kit_check(kit_hvc(HC_SHUTDOWN, 99, 0, 0).status == -EINVAL,
              "shutdown with a bad reason returns -EINVAL");
    kit_check(kit_hvc(0xc2000000u, 0, 0, 0).status == SMCCC_NOT_SUPPORTED,
              "call to another SMCCC service returns NOT_SUPPORTED");
}

/* This domain has no control permission: every domain-control call must be refused. */
static void check_domctl_refused(void)
{
    static const struct domctl_create req = {
        .domid = 9, .vcpus = 1, .memory_kib = 4096, .name = "intruder"};
    unsigned refused = 0;

    for (uint32_t op = HC_DOMCTL_FIRST; op <= HC_DOMCTL_LAST; op++) {
        uint64_t arg = op == HC_NUMBER(HC_DOMCTL_CREATE) ? (uint64_t)(uintptr_t)&req : 1;
        refused += kit_hvc(HC_ID(op), arg, 0, 0).status == -EPERM;
    }
    kit_check(refused == HC_DOMCTL_LAST - HC_DOMCTL_FIRST + 1,
              "every domctl from an unprivileged domain returns -EPERM");
    kit_isolation("domctl", refused == HC_DOMCTL_LAST - HC_DOMCTL_FIRST + 1);
}

static void check_unmapped_access(void)
{
    kit_set_fault_handler(on_abort);
    uint64_t v = *(volatile uint64_t *)UNMAPPED_IPA;
    (void)v;
    kit_set_fault_handler(0);
    kit_check(abort_count == 1, "load from unmapped IPA raises one exception in the guest");
    kit_isolation("unmapped_ipa", abort_count == 1);
    kit_check(ESR_EC(abort_esr) == EC_DABT_CUR && (abort_esr & 0x3f) == FSC_SYNC_EXT_ABORT,
              "it is a synchronous external data abort");
    kit_check(abort_far == UNMAPPED_IPA, "FAR_EL1 holds the faulting address");
}

int guest_main(uint64_t dtb)
{
    (void)dtb;
    check_console_pointers();
    check_hypercalls();
    check_domctl_refused();
    check_unmapped_access();
    return kit_verdict();
}
