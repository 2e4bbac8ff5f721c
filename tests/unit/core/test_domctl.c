/* Domain control on the hosted arch: a control domain builds, loads, orders and starts another
 * domain; an unprivileged one is refused every operation; exhaustion and hostile ranges fail
 * cleanly with nothing leaked. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/arch.h>
#include <tessera/arch_host.h>
#include <tessera/domain.h>
#include <tessera/domctl_abi.h>
#include <tessera/errno.h>
#include <tessera/ctlwin.h>
#include <tessera/ctlwin_abi.h>
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

static uint8_t *ram;
static struct domain *ctl, *user;

static struct domain *make(int id, const char *name, uint32_t perms, unsigned pcpu)
{
    struct dom_spec s = {.id = id, .memory_bytes = 4 * MIB, .vcpus = 1, .permissions = perms};
    struct domain *d;
    strcpy(s.name, name);
    s.affinity[0] = pcpu;
    cr_assert_eq(dom_create(&s, &d), 0);
    cr_assert_eq(start_locked(d), 0);
    return d;
}

static void setup(void)
{
    ram = aligned_alloc(2 * MIB, RAM_SIZE);
    memset(ram, 0, RAM_SIZE);
    frame_init(&hyp_frames, NULL);
    cr_assert_eq(frame_add_ram(&hyp_frames, (paddr_t)(uintptr_t)ram, RAM_SIZE), 0);
    arch_host_serial_reset();
    ctl = make(100, "ctl", DOM_PERM_CONTROL, 3);
    user = make(101, "user", 0, 2);
}

static void teardown(void)
{
    free(ram);
}

TestSuite(domctl, .init = setup, .fini = teardown);

static int64_t call(struct domain *d, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3,
                    uint64_t a4, uint64_t a5, uint64_t *r)
{
    uint64_t regs[7] = {fn, a1, a2, a3, a4, a5, 0};
    cr_assert_eq(hc_dispatch(&d->vcpu[0], regs), HC_RESUME);
    if (r) {
        memcpy(r, regs, sizeof(regs));
    }
    return (int64_t)regs[0];
}

/* Puts a create request into the caller's RAM at IPA base + 1 MiB and returns that IPA. */
static uint64_t request(struct domain *d, uint32_t domid, uint64_t kib)
{
    struct domctl_create c = {.domid = domid, .vcpus = 1, .memory_kib = kib, .priority = 10};
    strcpy(c.name, "guest");
    paddr_t pa;
    cr_assert_eq(arch_p2m_translate(d, DOM_RAM_IPA + MIB, true, &pa), 0);
    memcpy((void *)(uintptr_t)pa, &c, sizeof(c));
    return DOM_RAM_IPA + MIB;
}

Test(domctl, control_domain_builds_and_starts_a_domain)
{
    uint64_t r[7];
    paddr_t pa;
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, request(ctl, 7, 2048), 0, 0, 0, 0, r), 0);
    cr_assert_eq(r[1], 7);
    struct domain *g = dom_by_id(7);
    cr_assert_not_null(g);
    cr_assert_eq(g->state, DOM_PAUSED);
    cr_assert(g->held, "a toolstack-built domain waits for its unpause");

    cr_assert_eq(arch_p2m_translate(ctl, DOM_RAM_IPA + 2 * MIB, true, &pa), 0);
    memcpy((void *)(uintptr_t)pa, "KERNEL", 6);
    cr_assert_eq(call(ctl, HC_DOMCTL_LOAD, 7, DOM_RAM_IPA + 0x100, DOM_RAM_IPA + 2 * MIB, 6, 0, r),
                 0);
    cr_assert_eq(arch_p2m_translate(g, DOM_RAM_IPA + 0x100, false, &pa), 0);
    cr_assert_eq(memcmp((void *)(uintptr_t)pa, "KERNEL", 6), 0, "copied into the new domain");
    cr_assert_eq(call(ctl, HC_DOMCTL_LOAD, 7, DOM_RAM_IPA + 0x100, 0, 6, 0, r), 0);
    cr_assert_eq(((uint8_t *)(uintptr_t)pa)[0], 0, "source 0 zeroes");

    cr_assert_eq(call(ctl, HC_DOMCTL_SET_VCPU, 7, 0, 1, DOM_RAM_IPA + 0x100, 0x1234, r), 0);
    cr_assert_eq(g->vcpu[0].pcpu, 1);
    cr_assert_eq(g->vcpu[0].arch.entry, DOM_RAM_IPA + 0x100);
    cr_assert_eq(g->vcpu[0].arch.arg0, 0x1234);
    cr_assert_eq(call(ctl, HC_DOMCTL_SET_VCPU, 7, 0, 2, 0, 0, r), -EBUSY, "pCPU 2 is user's");

    cr_assert_eq(call(ctl, HC_DOMCTL_START_AFTER, 7, 101, 0, 0, 0, r), 0);
    cr_assert_eq(call(ctl, HC_DOMCTL_UNPAUSE, 7, 0, 0, 0, 0, r), 0);
    cr_assert_eq(g->vcpu[0].arch.started, 0, "waits for user to be ready");
    dom_set_ready(user);
    cr_assert_eq(g->vcpu[0].arch.started, 1, "started once its predecessor is ready");

    cr_assert_eq(call(ctl, HC_DOMCTL_GETINFO, 7, 0, 0, 0, 0, r), 0);
    cr_assert_eq(r[1], DOMCTL_STATE_RUNNING);
    cr_assert_eq(r[2], 2048);
    cr_assert_eq(r[3] >> 8, 1);
    /* Destroyed while it runs: its vCPUs stopped, everything released, the id free. */
    cr_assert_eq(call(ctl, HC_DOMCTL_DESTROY, 7, 0, 0, 0, 0, r), 0, "running");
    cr_assert_eq(g->vcpu[0].power, VCPU_OFF, "taken off its pCPU");
    cr_assert_eq(frame_count(&hyp_frames, 7), 0, "every frame released");
    cr_assert_eq(call(ctl, HC_DOMCTL_GETINFO, 7, 0, 0, 0, 0, r), -ESRCH, "gone");
    cr_assert_eq(call(ctl, HC_DOMCTL_DESTROY, 7, 0, 0, 0, 0, r), -ESRCH, "once");
}

Test(domctl, hostile_arguments)
{
    uint64_t r[7];
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, 0x1000, 0, 0, 0, 0, r), -EFAULT, "unmapped request");
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, request(ctl, 0, 2048), 0, 0, 0, 0, r), -EINVAL,
                 "domid 0");
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, request(ctl, 101, 2048), 0, 0, 0, 0, r), -EEXIST);
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, request(ctl, 8, 2048), 0, 0, 0, 0, r), 0);
    cr_assert_eq(call(ctl, HC_DOMCTL_LOAD, 55, DOM_RAM_IPA, 0, 1, 0, r), -ESRCH);
    cr_assert_eq(call(ctl, HC_DOMCTL_LOAD, 100, DOM_RAM_IPA, 0, 1, 0, r), -EINVAL, "itself");
    cr_assert_eq(call(ctl, HC_DOMCTL_LOAD, 8, DOM_RAM_IPA + 2 * MIB - 4, 0, 8, 0, r), -EFAULT,
                 "past the new domain's RAM");
    cr_assert_eq(call(ctl, HC_DOMCTL_LOAD, 8, DOM_RAM_IPA, 0x1000, 8, 0, r), -EFAULT,
                 "source outside the caller");
    cr_assert_eq(call(ctl, HC_DOMCTL_LOAD, 8, ~0ull - 2, 0, 8, 0, r), -EFAULT, "wraps");
    cr_assert_eq(call(ctl, HC_DOMCTL_SET_VCPU, 8, 3, 0, 0, 0, r), -EINVAL, "no vCPU 3");
    cr_assert_eq(call(ctl, HC_DOMCTL_SET_VCPU, 8, 0, 99, 0, 0, r), -EINVAL, "no pCPU 99");
    cr_assert_eq(call(ctl, HC_DOMCTL_START_AFTER, 8, 77, 0, 0, 0, r), -ESRCH);
    cr_assert_eq(call(ctl, HC_DOMCTL_DESTROY, 8, 0, 0, 0, 0, r), 0);
    cr_assert_null(dom_by_id(8));
    cr_assert_eq(frame_count(&hyp_frames, 8), 0, "destroy released every frame");
}

Test(domctl, exhaustion_leaks_nothing)
{
    uint64_t r[7];
    uint64_t free_before = frame_count(&hyp_frames, FRAME_FREE);
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, request(ctl, 9, 1024 * 1024), 0, 0, 0, 0, r), -ENOMEM);
    cr_assert_eq(frame_count(&hyp_frames, FRAME_FREE), free_before, "nothing leaked");
    cr_assert_null(dom_by_id(9));
}

Test(domctl, unprivileged_domain_is_refused_everything)
{
    uint64_t r[7];
    for (uint32_t op = HC_DOMCTL_FIRST; op <= HC_DOMCTL_LAST; op++) {
        cr_assert_eq(call(user, HC_ID(op), request(user, 10, 2048), 100, 0, 0, 0, r), -EPERM,
                     "op 0x%x", op);
    }
    cr_assert_eq(user->domctl_denied, HC_DOMCTL_LAST - HC_DOMCTL_FIRST + 1, "counted");
    cr_assert_null(dom_by_id(10));
    cr_assert(strstr(arch_host_serial(), "hyp: dom user domctl 0x10 refused: no control "
                                         "permission"));
}

/* The create flags: vpl011 gives the domain its emulated PL011; unknown flags and a non-zero
 * reserved word are refused, leaving nothing built. */
Test(domctl, create_flags)
{
    uint64_t ipa = request(ctl, 8, 2048), r[7];
    paddr_t pa;
    struct domctl_create *c;

    cr_assert_eq(arch_p2m_translate(ctl, ipa, true, &pa), 0);
    c = (struct domctl_create *)(uintptr_t)pa;
    c->flags = 1u << 5;
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, ipa, 0, 0, 0, 0, r), -EINVAL, "unknown flag");
    c->flags = 0;
    c->reserved = 1;
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, ipa, 0, 0, 0, 0, r), -EINVAL, "reserved not 0");
    cr_assert_null(dom_by_id(8), "nothing left behind");
    c->reserved = 0;
    c->flags = DOMCTL_CREATE_VPL011;
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, ipa, 0, 0, 0, 0, r), 0);
    cr_assert(dom_by_id(8)->vpl011.enabled, "the emulated PL011 was asked for");
}

/* A toolstack names the domains it creates, and the name starts every console line of the
 * domain and its milestones: the same rule as the manifest's (1 to 31 letters, digits, '_' and
 * '-', not "hyp"), else -EINVAL with nothing built. A domain built directly is held to it too. */
Test(domctl, create_refuses_names_that_could_make_console_lines)
{
    static const char *const bad[] = {
        "hyp", "Hyp", "x\n[0.000000001] hyp", "two words", "colon:name", "esc\x1b[2K", "rt.v2"};
    uint64_t ipa = request(ctl, 8, 2048), r[7];
    uint64_t free_before = frame_count(&hyp_frames, FRAME_FREE);
    struct domctl_create *c;
    paddr_t pa;

    cr_assert_eq(arch_p2m_translate(ctl, ipa, true, &pa), 0);
    c = (struct domctl_create *)(uintptr_t)pa;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(c->name, 0, sizeof(c->name));
        strcpy(c->name, bad[i]);
        cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, ipa, 0, 0, 0, 0, r), -EINVAL, "name %zu", i);
        cr_assert_null(dom_by_id(8), "name %zu: nothing left behind", i);
    }
    cr_assert_eq(frame_count(&hyp_frames, FRAME_FREE), free_before, "nothing leaked");
    strcpy(c->name, "domU_8-b");
    cr_assert_eq(call(ctl, HC_DOMCTL_CREATE, ipa, 0, 0, 0, 0, r), 0);

    struct dom_spec s = {.id = 9, .memory_bytes = 4 * MIB, .vcpus = 1};
    struct domain *d;
    strcpy(s.name, "a\nb");
    cr_assert_eq(dom_create(&s, &d), -EINVAL, "the one builder checks the name too");
    cr_assert_null(dom_by_id(9));
}

/* ---- the control window: the same calls through the doorbell page ---- */

static uint64_t win_rd(struct domain *d, uint64_t off)
{
    uint64_t v = 0;
    cr_assert(mmio_emulate(&d->vcpu[0], CTLWIN_IPA + off, 8, false, &v), "read 0x%llx refused",
              (unsigned long long)off);
    return v;
}

static void win_wr(struct domain *d, uint64_t off, uint64_t v)
{
    cr_assert(mmio_emulate(&d->vcpu[0], CTLWIN_IPA + off, 8, true, &v), "write 0x%llx refused",
              (unsigned long long)off);
}

/* FN and ARGs, then CALL: returns STATUS, results in r[0..2]. */
static int64_t win_call(struct domain *d, uint64_t fn, uint64_t a1, uint64_t *r)
{
    win_wr(d, CTLWIN_FN, fn);
    win_wr(d, CTLWIN_ARG(1), a1);
    win_wr(d, CTLWIN_CALL, 1);
    for (int i = 0; r && i < 3; i++) {
        r[i] = win_rd(d, CTLWIN_RES(i + 1));
    }
    return (int64_t)win_rd(d, CTLWIN_STATUS);
}

Test(domctl, control_window_makes_the_same_calls)
{
    uint64_t r[3], v;
    paddr_t pa;

    cr_assert_eq(ctlwin_attach(ctl), 0);
    cr_assert_eq(win_rd(ctl, CTLWIN_MAGIC), CTLWIN_MAGIC_VALUE);
    cr_assert_eq(win_rd(ctl, CTLWIN_VERSION), CTLWIN_ABI_VERSION);
    cr_assert_eq(win_rd(ctl, CTLWIN_STAGING), CTLWIN_STAGING_IPA);
    cr_assert_eq(win_rd(ctl, CTLWIN_STAGING_BYTES), CTLWIN_STAGING_SIZE);
    /* the staging memory is ordinary, writable memory of the domain, zeroed */
    cr_assert_eq(arch_p2m_translate(ctl, CTLWIN_STAGING_IPA + 4096, true, &pa), 0);
    cr_assert_eq(*(uint8_t *)(uintptr_t)pa, 0);
    cr_assert_eq(win_call(ctl, HC_VERSION, 0, r), 0);
    cr_assert_eq(r[0], HC_ABI_VERSION);
    /* a domctl whose request sits in the staging memory, by its IPA */
    struct domctl_create c = {.domid = 9, .vcpus = 1, .memory_kib = 2048, .name = "viawin"};
    memcpy((void *)(uintptr_t)pa, &c, sizeof(c));
    cr_assert_eq(win_call(ctl, HC_DOMCTL_CREATE, CTLWIN_STAGING_IPA + 4096, r), 0);
    cr_assert_eq(r[0], 9);
    cr_assert_not_null(dom_by_id(9));
    cr_assert_eq(win_call(ctl, HC_SHUTDOWN, HC_SHUTDOWN_POWEROFF, NULL), -EINVAL,
                 "shutdown is PSCI's, not the doorbell's");
    cr_assert_eq(ctl->state, DOM_RUNNING);
    /* what the device refuses: byte and halfword accesses, 32-bit writes, read-only registers */
    cr_assert_not(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA + CTLWIN_FN, 2, false, &v));
    cr_assert_not(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA + CTLWIN_FN, 4, true, &v));
    v = 1;
    cr_assert_not(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA + CTLWIN_STATUS, 8, true, &v));
    cr_assert(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA + CTLWIN_MAGIC + 4, 4, false, &v));
    cr_assert_eq(v, CTLWIN_MAGIC_VALUE >> 32);
}

Test(domctl, control_window_keeps_the_callers_permissions)
{
    uint64_t v;

    cr_assert_eq(ctlwin_attach(user), 0); /* as if it had one: its calls are still its own */
    cr_assert_eq(win_call(user, HC_DOMCTL_DESTROY, 100, NULL), -EPERM);
    cr_assert_not(mmio_emulate(&ctl->vcpu[0], CTLWIN_IPA, 8, false, &v),
                  "no window without ctlwin_attach: the page is not emulated");
}
