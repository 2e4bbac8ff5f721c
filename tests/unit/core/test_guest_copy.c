/* Guest pointers on the hosted arch: a hypercall buffer must be RAM the caller may use (its own
 * memory, or a read-only window onto RAM), with the access it needs, every byte of it. Device
 * memory, memory outside every RAM bank, free frames, another owner's frames mapped writable by
 * mistake, ranges that run off a mapping or wrap: each is -EFAULT, with nothing consumed. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/arch.h>
#include <tessera/arch_host.h>
#include <tessera/ctlwin.h>
#include <tessera/ctlwin_abi.h>
#include <tessera/domain.h>
#include <tessera/domctl_abi.h>
#include <tessera/errno.h>
#include <tessera/hypercall.h>
#include <tessera/hypercall_dispatch.h>
#include <tessera/mmio.h>

/* dom_start takes the domain locked, as its callers in the hypervisor hold it. */
static int start_locked(struct domain *d)
{
    struct domain_locked l = dom_lock(d);
    int rc = dom_start(l);
    dom_unlock(l);
    return rc;
}

#define MIB      (1ull << 20)
#define RAM_SIZE (64 * MIB)
#define PAGE     4096ull

/* A passthrough device: registers outside every RAM bank, which must never be read or written
 * on a guest's behalf. Its IPA is its address, as for real passthrough. */
static uint8_t device[2 * PAGE] __attribute__((aligned(4096)));
static uint8_t *ram;
static struct domain *ctl, *user;

#define DEVICE_IPA ((uint64_t)(uintptr_t)device)
#define WINDOW_IPA 0x4000000000ull /* where the tests map extra ranges */

static struct domain *make(int id, const char *name, uint32_t perms, unsigned pcpu)
{
    struct dom_spec s = {.id = id, .memory_bytes = 4 * MIB, .vcpus = 1, .permissions = perms};
    struct domain *d;

    strcpy(s.name, name);
    s.affinity[0] = pcpu;
    s.devices[0] = (struct dom_module){(paddr_t)(uintptr_t)device, sizeof(device)};
    s.device_count = 1;
    cr_assert_eq(dom_create(&s, &d), 0);
    cr_assert_eq(start_locked(d), 0);
    return d;
}

static void setup(void)
{
    ram = aligned_alloc(2 * MIB, RAM_SIZE);
    cr_assert_not_null(ram);
    memset(ram, 0, RAM_SIZE);
    memset(device, 'D', sizeof(device));
    device[100] = '\n';
    frame_init(&hyp_frames, NULL);
    cr_assert_eq(frame_add_ram(&hyp_frames, (paddr_t)(uintptr_t)ram, RAM_SIZE), 0);
    arch_host_serial_reset();
    ctl = make(100, "ctl", DOM_PERM_CONTROL | DOM_PERM_HARDWARE, 3);
    user = make(101, "user", DOM_PERM_HARDWARE, 2);
}

static void teardown(void)
{
    free(ram);
}

TestSuite(guest_copy, .init = setup, .fini = teardown);

static int64_t call(struct domain *d, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3,
                    uint64_t a4, uint64_t *r1)
{
    uint64_t regs[7] = {fn, a1, a2, a3, a4, 0, 0};

    cr_assert_eq(hc_dispatch(&d->vcpu[0], regs), HC_RESUME);
    if (r1) {
        *r1 = regs[1];
    }
    return (int64_t)regs[0];
}

static void *guest(struct domain *d, uint64_t ipa)
{
    paddr_t pa;
    cr_assert_eq(arch_p2m_translate(d, ipa, false, &pa), 0, "IPA 0x%llx", (unsigned long long)ipa);
    return (void *)(uintptr_t)pa;
}

/* Free frames of the test's RAM (from the top, which the domains do not use). */
static paddr_t spare(unsigned page)
{
    return (paddr_t)(uintptr_t)ram + RAM_SIZE - (page + 1) * PAGE;
}

static void device_untouched(void)
{
    for (size_t i = 0; i < sizeof(device); i++) {
        cr_assert_eq(device[i], i == 100 ? '\n' : 'D', "device byte %zu was written", i);
    }
}

Test(guest_copy, console_write_refuses_device_memory)
{
    uint64_t done = 99;

    cr_assert_eq(call(user, HC_CONSOLE_WRITE, DEVICE_IPA, 200, 0, 0, &done), -EFAULT);
    cr_assert_eq(done, 0);
    cr_assert_eq(call(user, HC_CONSOLE_WRITE, DEVICE_IPA + 1, 7, 0, 0, &done), -EFAULT);
    cr_assert_eq(call(user, HC_CONSOLE_WRITE, DEVICE_IPA + PAGE - 4, 8, 0, 0, &done), -EFAULT);
    cr_assert_null(strstr(arch_host_serial(), "DDDD"), "device bytes reached the console: %s",
                   arch_host_serial());
}

Test(guest_copy, console_write_checks_the_whole_buffer_before_printing)
{
    uint64_t end = DOM_RAM_IPA + 4 * MIB, done = 99;

    memset(guest(user, end - 600), 'x', 600);
    for (uint64_t i = 50; i < 600; i += 50) {
        ((char *)guest(user, end - 600))[i] = '\n';
    }
    cr_assert_eq(call(user, HC_CONSOLE_WRITE, end - 600, 1000, 0, 0, &done), -EFAULT,
                 "runs off the end of RAM");
    cr_assert_eq(done, 0);
    cr_assert_null(strstr(arch_host_serial(), "xxxx"), "part of a refused buffer was printed: %s",
                   arch_host_serial());
    cr_assert_eq(call(user, HC_CONSOLE_WRITE, end - 600, 600, 0, 0, &done), 0);
    cr_assert_eq(done, 600);
    cr_assert_not_null(strstr(arch_host_serial(), "xxxx"));
}

Test(guest_copy, normal_mapping_of_something_that_is_not_ram_is_refused)
{
    /* A stage-2 entry that says normal memory but points outside every RAM bank. */
    cr_assert_eq(arch_p2m_map(user, WINDOW_IPA, (paddr_t)(uintptr_t)device, PAGE, P2M_R | P2M_W),
                 0);
    cr_assert_eq(call(user, HC_CONSOLE_WRITE, WINDOW_IPA, 16, 0, 0, NULL), -EFAULT);
    cr_assert_null(strstr(arch_host_serial(), "DDDD"), "%s", arch_host_serial());
}

Test(guest_copy, read_only_window_onto_ram_is_readable_but_not_free_frames)
{
    /* A module window: boot-module frames mapped read-only (docs/hypercalls.md). */
    cr_assert_eq(frame_claim(&hyp_frames, spare(0), PAGE, FRAME_MODULE), 0);
    memcpy((void *)(uintptr_t)spare(0), "module bytes\n", 13);
    cr_assert_eq(arch_p2m_map(user, WINDOW_IPA, spare(0), PAGE, P2M_R), 0);
    cr_assert_eq(call(user, HC_CONSOLE_WRITE, WINDOW_IPA, 13, 0, 0, NULL), 0);
    cr_assert_not_null(strstr(arch_host_serial(), "] user: module bytes\n"));
    /* Frames nobody owns are not the caller's to read, whatever stage-2 says. */
    memcpy((void *)(uintptr_t)spare(1), "free frame\n", 11);
    cr_assert_eq(arch_p2m_map(user, WINDOW_IPA + PAGE, spare(1), PAGE, P2M_R), 0);
    cr_assert_eq(call(user, HC_CONSOLE_WRITE, WINDOW_IPA + PAGE, 11, 0, 0, NULL), -EFAULT);
    cr_assert_null(strstr(arch_host_serial(), "free frame"), "%s", arch_host_serial());
}

Test(guest_copy, domctl_create_request_in_device_memory_is_refused)
{
    struct domctl_create c = {.domid = 7, .vcpus = 1, .memory_kib = 1024, .priority = 1};

    strcpy(c.name, "x");
    memcpy(device, &c, sizeof(c));
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, DEVICE_IPA, 0, 0, 0, NULL), -EFAULT);
    cr_assert_null(dom_by_id(7), "a domain was built from device registers");
}

Test(guest_copy, domctl_list_never_writes_device_or_read_only_memory)
{
    cr_assert_eq(call(ctl, HC_DOMCTL_LIST, DEVICE_IPA, 4, 0, 0, NULL), -EFAULT);
    device_untouched();
    cr_assert_eq(frame_claim(&hyp_frames, spare(0), PAGE, FRAME_MODULE), 0);
    cr_assert_eq(arch_p2m_map(ctl, WINDOW_IPA, spare(0), PAGE, P2M_R), 0);
    cr_assert_eq(call(ctl, HC_DOMCTL_LIST, WINDOW_IPA, 4, 0, 0, NULL), -EFAULT, "read-only");
    cr_assert_eq(*(uint32_t *)(uintptr_t)spare(0), 0, "the read-only window was written");
}

Test(guest_copy, writable_mapping_of_another_owners_frames_is_refused)
{
    /* As if a stage-2 bug had mapped another domain's RAM writable into the caller. */
    paddr_t theirs = (paddr_t)(uintptr_t)guest(user, DOM_RAM_IPA);

    cr_assert_eq(arch_p2m_map(ctl, WINDOW_IPA, theirs, PAGE, P2M_R | P2M_W), 0);
    *(uint32_t *)(uintptr_t)theirs = 0xdeadbeef;
    cr_assert_eq(call(ctl, HC_DOMCTL_LIST, WINDOW_IPA, 4, 0, 0, NULL), -EFAULT);
    cr_assert_eq(*(uint32_t *)(uintptr_t)theirs, 0xdeadbeef, "another domain's RAM was written");
}

Test(guest_copy, domctl_load_refuses_device_memory_on_either_side)
{
    struct domctl_create c = {.domid = 7, .vcpus = 1, .memory_kib = 1024, .priority = 1};

    strcpy(c.name, "x");
    memcpy(guest(ctl, DOM_RAM_IPA + MIB), &c, sizeof(c));
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, DOM_RAM_IPA + MIB, 0, 0, 0, NULL), 0);
    struct domain *t = dom_by_id(7);
    cr_assert_not_null(t);
    cr_assert_eq(call(ctl, HC_DOMCTL_LOAD, 7, DOM_RAM_IPA, DEVICE_IPA, 64, NULL), -EFAULT,
                 "source in the caller's device");
    cr_assert_eq(*(uint8_t *)guest(t, DOM_RAM_IPA), 0, "device bytes were copied");
    /* The target's own IPA space: its RAM ends at 1 MiB, nothing of it is a device. */
    cr_assert_eq(call(ctl, HC_DOMCTL_LOAD, 7, DOM_RAM_IPA + MIB - 8, DOM_RAM_IPA + MIB, 16, NULL),
                 -EFAULT, "destination runs off the target's RAM");
    cr_assert_eq(*(uint8_t *)guest(t, DOM_RAM_IPA + MIB - 8), 0,
                 "part of a refused load was written");
    cr_assert_eq(call(ctl, HC_DOMCTL_LOAD, 7, ~0ull - 7, DOM_RAM_IPA + MIB, 16, NULL), -EFAULT,
                 "wraps");
    cr_assert_eq(call(ctl, HC_DOMCTL_LOAD, 7, DOM_RAM_IPA, DOM_RAM_IPA + MIB, 16, NULL), 0);
    cr_assert_eq(*(uint32_t *)guest(t, DOM_RAM_IPA), 7, "a good load still works");
}

/* The control window makes the same calls with the same checks: a pointer into the caller's
 * device is refused there too, and the staging memory (the caller's own frames) is accepted. */
Test(guest_copy, control_window_pointers_are_checked_alike)
{
    uint64_t v;
    paddr_t pa;

    cr_assert_eq(ctlwin_attach(ctl), 0);
    const uint64_t regs[][2] = {
        {CTLWIN_FN, HC_CONSOLE_WRITE}, {CTLWIN_ARG(1), DEVICE_IPA}, {CTLWIN_ARG(2), 16}};
    for (unsigned i = 0; i < 3; i++) {
        v = regs[i][1];
        cr_assert(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA + regs[i][0], 8, true, &v));
    }
    v = 1;
    cr_assert(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA + CTLWIN_CALL, 8, true, &v));
    cr_assert(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA + CTLWIN_STATUS, 8, false, &v));
    cr_assert_eq((int64_t)v, -EFAULT);
    cr_assert_null(strstr(arch_host_serial(), "DDDD"), "%s", arch_host_serial());
    cr_assert_eq(arch_p2m_translate(ctl, CTLWIN_STAGING_IPA, true, &pa), 0);
    memcpy((void *)(uintptr_t)pa, "staged line\n", 12);
    v = CTLWIN_STAGING_IPA;
    cr_assert(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA + CTLWIN_ARG(1), 8, true, &v));
    v = 12;
    cr_assert(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA + CTLWIN_ARG(2), 8, true, &v));
    cr_assert(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA + CTLWIN_CALL, 8, true, &v));
    cr_assert(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA + CTLWIN_STATUS, 8, false, &v));
    cr_assert_eq(v, 0);
    cr_assert_not_null(strstr(arch_host_serial(), "] ctl: staged line\n"));
}
