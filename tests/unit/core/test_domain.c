/* The core on the hosted arch: domain construction (modules mapped in place or copied, memory
 * accounting, failure leaves nothing behind), hypercalls with hostile pointers, start-after,
 * event channels and the on-crash policies. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/arch.h>
#include <tessera/arch_host.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/evtchn.h>
#include <tessera/hypercall.h>
#include <tessera/hypercall_dispatch.h>
#include <tessera/vgic.h>

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
static paddr_t module_pa;
static const char dtb[] = "not really a device tree, but bytes to place";

/* Scrubbing for real: the test's RAM is ordinary memory. */
static void scrub(paddr_t base, uint64_t size)
{
    memset((void *)(uintptr_t)base, 0, size);
}

static void setup(void)
{
    ram = aligned_alloc(2 * MIB, RAM_SIZE);
    cr_assert_not_null(ram);
    memset(ram, 0xee, RAM_SIZE); /* what firmware might have left: dirty until scrubbed */
    frame_init(&hyp_frames, scrub);
    cr_assert_eq(frame_add_ram(&hyp_frames, (paddr_t)(uintptr_t)ram, RAM_SIZE), 0);
    /* a 12 KiB raw kernel, 2 MiB-aligned, as the harness places modules */
    module_pa = (paddr_t)(uintptr_t)ram + 32 * MIB;
    memset(ram + 32 * MIB, 0x5a, 12 * 1024);
    cr_assert_eq(frame_claim(&hyp_frames, module_pa, 12 * 1024, FRAME_MODULE), 0);
    arch_host_serial_reset();
    arch_host_set_counter(0, 62500000);
    dom_launch_complete();
}

static void teardown(void)
{
    free(ram);
}

TestSuite(domain, .init = setup, .fini = teardown);

static struct dom_spec spec(int id, const char *name, uint64_t mem, unsigned pcpu)
{
    struct dom_spec s = {.id = id, .memory_bytes = mem, .vcpus = 1, .allow_map = true};
    strcpy(s.name, name);
    s.affinity[0] = pcpu;
    s.kernel = (struct dom_module){module_pa, 12 * 1024};
    s.image.format = LOADER_RAW;
    s.image.entry = DOM_RAM_IPA;
    s.image.nseg = 1;
    s.image.seg[0] = (struct loader_segment){0, 12 * 1024, DOM_RAM_IPA, 12 * 1024};
    s.image.lowest = DOM_RAM_IPA;
    s.image.highest = DOM_RAM_IPA + 12 * 1024;
    s.dtb = dtb;
    s.dtb_size = sizeof(dtb);
    s.dtb_ipa = DOM_RAM_IPA + mem - 64 * 1024;
    return s;
}

static uint8_t *guest(const struct domain *d, uint64_t ipa)
{
    paddr_t pa;
    cr_assert_eq(arch_p2m_translate(d, ipa, false, &pa), 0, "IPA 0x%llx unmapped",
                 (unsigned long long)ipa);
    return (uint8_t *)(uintptr_t)pa;
}

Test(domain, kernel_module_is_mapped_in_place)
{
    struct dom_spec s = spec(1, "rt", 4 * MIB, 0);
    struct domain *d;
    cr_assert_eq(dom_create(&s, &d), 0);
    cr_assert(d->kernel_mapped);
    cr_assert_eq((paddr_t)(uintptr_t)guest(d, DOM_RAM_IPA), module_pa, "no copy");
    cr_assert_eq(frame_owner(&hyp_frames, module_pa), 1, "the module's frames are the domain's");
    cr_assert_eq(guest(d, DOM_RAM_IPA + 12 * 1024)[0], 0, "bytes past the image are zero");
    cr_assert_eq(memcmp(guest(d, s.dtb_ipa), dtb, sizeof(dtb)), 0, "device tree placed");
    cr_assert_eq(d->vcpu[0].arch.entry, DOM_RAM_IPA);
    cr_assert_eq(d->vcpu[0].arch.arg0, s.dtb_ipa, "x0 = device tree");
    cr_assert_eq(d->state, DOM_PAUSED);
    cr_assert(strstr(arch_host_serial(), "hyp: dom rt kernel raw mapped 12288 bytes"));
    cr_assert(strstr(arch_host_serial(), "hyp: dom rt created id=1"));
}

Test(domain, restartable_domain_gets_a_copy)
{
    struct dom_spec s = spec(1, "rt", 4 * MIB, 0);
    s.allow_map = false;
    struct domain *d;
    cr_assert_eq(dom_create(&s, &d), 0);
    cr_assert_not(d->kernel_mapped);
    cr_assert_neq((paddr_t)(uintptr_t)guest(d, DOM_RAM_IPA), module_pa);
    cr_assert_eq(guest(d, DOM_RAM_IPA)[100], 0x5a, "the image was copied");
    cr_assert_eq(frame_owner(&hyp_frames, module_pa), FRAME_MODULE, "the module stays intact");
}

Test(domain, failed_build_leaves_nothing_behind)
{
    struct dom_spec s = spec(1, "huge", 128 * MIB, 0);
    s.dtb_ipa = DOM_RAM_IPA + 64 * 1024;
    struct domain *d;
    cr_assert_eq(dom_create(&s, &d), -ENOMEM);
    cr_assert_eq(frame_count(&hyp_frames, 1), 0);
    cr_assert_eq(frame_owner(&hyp_frames, module_pa), FRAME_MODULE, "module handed back");
    cr_assert_null(dom_by_id(1));
    s = spec(1, "fits", 4 * MIB, 0);
    cr_assert_eq(dom_create(&s, &d), 0, "the slot and the module are usable again");
}

Test(domain, duplicate_id_is_refused)
{
    struct dom_spec s = spec(1, "a", 4 * MIB, 0);
    struct domain *d;
    cr_assert_eq(dom_create(&s, &d), 0);
    s.allow_map = false;
    cr_assert_eq(dom_create(&s, &d), -EEXIST);
}

static uint64_t hc(struct domain *d, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t *r1)
{
    uint64_t regs[7] = {fn, a1, a2};
    cr_assert_eq(hc_dispatch(&d->vcpu[0], regs), HC_RESUME);
    if (r1) {
        *r1 = regs[1];
    }
    return regs[0];
}

Test(domain, console_write_checks_every_guest_pointer)
{
    struct dom_spec s = spec(1, "rt", 4 * MIB, 0);
    struct domain *d;
    uint64_t done;
    cr_assert_eq(dom_create(&s, &d), 0);
    memcpy(guest(d, DOM_RAM_IPA + MIB), "hello\n", 6);
    cr_assert_eq(hc(d, HC_CONSOLE_WRITE, DOM_RAM_IPA + MIB, 6, &done), 0);
    cr_assert_eq(done, 6);
    cr_assert(strstr(arch_host_serial(), "] rt: hello\n"));
    cr_assert_eq((int64_t)hc(d, HC_CONSOLE_WRITE, 0x1000, 4, NULL), -EFAULT, "unmapped");
    cr_assert_eq((int64_t)hc(d, HC_CONSOLE_WRITE, DOM_RAM_IPA + 4 * MIB - 2, 8, &done), -EFAULT,
                 "runs off the end of RAM");
    cr_assert_eq(done, 0, "a chunk with a bad page is not consumed");
    cr_assert_eq((int64_t)hc(d, HC_CONSOLE_WRITE, ~0ull - 1, 8, NULL), -EFAULT, "wraps");
    cr_assert_eq((int64_t)hc(d, HC_CONSOLE_WRITE, DOM_RAM_IPA, HC_CONSOLE_WRITE_MAX + 1, NULL),
                 -EINVAL);
    cr_assert_eq((int64_t)hc(d, HC_ID(0x7ff), 0, 0, NULL), -ENOSYS);
}

Test(domain, start_after_waits_for_ready)
{
    struct dom_spec a = spec(1, "a", 4 * MIB, 0), b = spec(2, "b", 4 * MIB, 1);
    b.allow_map = false;
    b.start_after[0] = 1;
    b.start_after_count = 1;
    struct domain *da, *db;
    cr_assert_eq(dom_create(&a, &da), 0);
    cr_assert_eq(dom_create(&b, &db), 0);
    cr_assert_eq(dom_start_eligible(), 0);
    cr_assert_eq(da->vcpu[0].arch.started, 1);
    cr_assert_eq(db->vcpu[0].arch.started, 0, "b waits for a");
    cr_assert_eq(hc(da, HC_READY, 0, 0, NULL), 0);
    cr_assert_eq(db->vcpu[0].arch.started, 1, "a's ready starts b");
    cr_assert_eq(da->vcpu[0].arch.started, 1, "a is not started twice");
}

Test(domain, event_channels)
{
    struct dom_spec a = spec(1, "a", 4 * MIB, 0), b = spec(2, "b", 4 * MIB, 1);
    b.allow_map = false;
    struct domain *da, *db;
    uint64_t pending;
    cr_assert_eq(dom_create(&a, &da), 0);
    cr_assert_eq(dom_create(&b, &db), 0);
    cr_assert_eq(evtchn_link(da, 3, db, 5), 0);
    cr_assert_eq(evtchn_link(da, 3, db, 6), -EBUSY);
    cr_assert_eq(evtchn_link(da, 32, db, 6), -EINVAL);
    cr_assert_eq(hc(da, HC_EVTCHN_SEND, 3, 0, NULL), 0);
    cr_assert_eq(hc(db, HC_EVTCHN_PENDING, 0, 0, &pending), 0);
    cr_assert_eq(pending, 1u << 5);
    cr_assert_eq(hc(db, HC_EVTCHN_PENDING, 0, 0, &pending), 0);
    cr_assert_eq(pending, 0, "taking clears");
    cr_assert_eq((int64_t)hc(da, HC_EVTCHN_SEND, 4, 0, NULL), -EINVAL, "unlinked port");
    cr_assert_eq((int64_t)hc(da, HC_EVTCHN_SEND, 1000, 0, NULL), -EINVAL, "no such port");
    dom_shutdown(db, HC_SHUTDOWN_POWEROFF);
    cr_assert_eq((int64_t)hc(da, HC_EVTCHN_SEND, 3, 0, NULL), -ESRCH, "peer gone");
}

Test(domain, crash_policies)
{
    struct dom_spec a = spec(1, "gone", 4 * MIB, 0), b = spec(2, "again", 4 * MIB, 1);
    a.on_crash = DOM_CRASH_DESTROY;
    b.on_crash = DOM_CRASH_RESTART;
    b.allow_map = false;
    /* Each domain has its own module, as the manifest gives them. */
    memset(ram + 36 * MIB, 0x5a, 12 * 1024);
    b.kernel.pa = (paddr_t)(uintptr_t)ram + 36 * MIB;
    cr_assert_eq(frame_claim(&hyp_frames, b.kernel.pa, 12 * 1024, FRAME_MODULE), 0);
    struct domain *da, *db;
    int status;
    cr_assert_eq(dom_create(&a, &da), 0);
    cr_assert_eq(dom_create(&b, &db), 0);
    cr_assert_eq(dom_start_eligible(), 0);

    dom_crash(da, "test");
    cr_assert_eq(da->state, DOM_CRASHED);
    cr_assert_eq(frame_count(&hyp_frames, 1), 0, "destroy released everything");
    cr_assert_eq(frame_owner(&hyp_frames, module_pa), FRAME_FREE,
                 "the image it was mapped from was its RAM: released too");
    cr_assert_eq(ram[32 * MIB], 0, "and scrubbed");

    for (unsigned i = 1; i <= DOM_MAX_RESTARTS; i++) {
        dom_crash(db, "test");
        cr_assert_eq(db->restarts, i);
        cr_assert_eq(db->state, DOM_RUNNING, "restarted");
        cr_assert_eq(db->vcpu[0].arch.started, 1, "its vCPU handed over again");
        cr_assert_eq(guest(db, DOM_RAM_IPA)[0], 0x5a, "rebuilt from the intact image");
    }
    cr_assert_not(dom_all_ended(&status));
    dom_crash(db, "test");
    cr_assert_eq(db->state, DOM_CRASHED, "halted after too many restarts");
    cr_assert(dom_all_ended(&status));
    cr_assert_eq(status, 1);
}

/* A reset request (PSCI SYSTEM_RESET) goes through the on-crash policy: restart rebuilds the
 * domain, destroy reclaims it, the default (halt) leaves it shut down; never "crashed". */
Test(domain, reset_requests_follow_the_on_crash_policy)
{
    struct dom_spec a = spec(1, "gone", 4 * MIB, 0), b = spec(2, "again", 4 * MIB, 1),
                    c = spec(3, "halts", 4 * MIB, 2);
    struct domain *da, *db, *dc;

    a.on_crash = DOM_CRASH_DESTROY;
    b.on_crash = DOM_CRASH_RESTART;
    b.allow_map = false;
    c.allow_map = false; /* one domain at a time can own the module's frames */
    cr_assert_eq(dom_create(&a, &da), 0);
    cr_assert_eq(dom_create(&b, &db), 0);
    cr_assert_eq(dom_create(&c, &dc), 0);
    cr_assert_eq(dom_start_eligible(), 0);
    dom_shutdown(da, HC_SHUTDOWN_REBOOT);
    cr_assert_eq(frame_count(&hyp_frames, 1), 0, "destroyed: everything released");
    cr_assert_eq(da->state, DOM_SHUTDOWN);
    dom_shutdown(db, HC_SHUTDOWN_REBOOT);
    cr_assert_eq(db->restarts, 1);
    cr_assert_eq(db->state, DOM_RUNNING, "rebuilt and started again");
    dom_shutdown(dc, HC_SHUTDOWN_REBOOT);
    cr_assert_eq(dc->state, DOM_SHUTDOWN);
    cr_assert_eq(dc->shutdown_reason, HC_SHUTDOWN_REBOOT);
}

/* Two vCPUs ending their domain at once: the first shutdown decides, the second changes
 * nothing (and never runs the on-crash policy a second time). */
Test(domain, first_shutdown_wins)
{
    struct dom_spec s = spec(4, "twice", 4 * MIB, 0);
    struct domain *d;

    s.vcpus = 2;
    s.affinity[1] = 1;
    s.on_crash = DOM_CRASH_RESTART;
    cr_assert_eq(dom_create(&s, &d), 0);
    cr_assert_eq(start_locked(d), 0);
    cr_assert_eq(d->vcpu[0].power, VCPU_ON_PENDING);
    cr_assert_eq(d->vcpu[1].power, VCPU_OFF, "vCPU 1 waits for PSCI CPU_ON");
    dom_shutdown(d, HC_SHUTDOWN_POWEROFF);
    dom_crash(d, "second vCPU fault");
    cr_assert_eq(d->state, DOM_SHUTDOWN);
    cr_assert_eq(d->shutdown_reason, HC_SHUTDOWN_POWEROFF);
    cr_assert_eq(d->restarts, 0, "no restart for a domain already shut down");
    cr_assert_null(strstr(arch_host_serial(), "shutdown reason=crash"), "%s", arch_host_serial());
}

/* A passthrough SPI ends with the domain instance that had it: released (disabled, owned by no
 * vCPU) when it stops, given back disabled to the rebuilt instance, released again at its
 * poweroff; releasing twice changes nothing. */
Test(domain, passthrough_spis_end_with_the_instance)
{
    struct dom_spec s = spec(2, "again", 4 * MIB, 1);
    struct domain *d;

    s.on_crash = DOM_CRASH_RESTART;
    s.allow_map = false;
    cr_assert_eq(dom_create(&s, &d), 0);
    cr_assert_eq(vgic_assign_spi(d, 5), 0);
    cr_assert_eq(dom_start_eligible(), 0);
    arch_irq_set_enabled(5, true); /* what the guest's ISENABLER write does */
    cr_assert(arch_host_spi_enabled(5));

    dom_crash(d, "test");
    cr_assert_eq(d->state, DOM_RUNNING, "rebuilt");
    cr_assert_not(arch_host_spi_enabled(5),
                  "disabled at the crash; the rebuild does not enable it");
    cr_assert_eq(arch_host_spi_vcpu(5), &d->vcpu[0], "routed to the rebuilt instance's vCPU 0");
    cr_assert_str_neq(arch_host_serial(), "");
    cr_assert_not_null(strstr(arch_host_serial(), "dom again released SPI 5 (INTID 37)"));

    dom_shutdown(d, HC_SHUTDOWN_POWEROFF);
    cr_assert_null(arch_host_spi_vcpu(5), "unrouted at its poweroff");
    cr_assert_eq(arch_irq_release(5, d), -ENOENT, "nothing left to release");
}

/* RAM starts dirty (the test fills it with 0xee, as firmware might leave it): a new domain
 * sees its image, its device tree, and zeros; nothing else. Mapped or copied image alike. */
Test(domain, a_new_domain_sees_zeros_or_its_own_image)
{
    for (int mapped = 0; mapped <= 1; mapped++) {
        struct dom_spec s = spec(1 + mapped, mapped ? "mapped" : "copied", 4 * MIB, mapped);
        struct domain *d;
        uint64_t other = 0;

        s.allow_map = mapped;
        cr_assert_eq(dom_create(&s, &d), 0);
        cr_assert_eq(d->kernel_mapped, (bool)mapped);
        for (uint64_t off = 0; off < 4 * MIB; off++) {
            uint64_t ipa = DOM_RAM_IPA + off;
            uint8_t b = guest(d, ipa)[0];
            if (off < 12 * 1024) {
                cr_assert_eq(b, 0x5a, "its image at 0x%llx", (unsigned long long)ipa);
            } else if (ipa >= s.dtb_ipa && ipa < s.dtb_ipa + sizeof(dtb)) {
                cr_assert_eq(b, (uint8_t)dtb[ipa - s.dtb_ipa]);
            } else {
                other += b != 0;
            }
        }
        cr_assert_eq(other, 0, "%llu bytes of someone else in %s domain", (unsigned long long)other,
                     s.name);
    }
}

/* Lifetime by reference count: the table holds one reference, each dom_get another; a destroy
 * (of a running domain too) leaves no reference to give out, frees the domain when the last
 * one goes, and its id can be created again at once. */
Test(domain, references_and_destroy)
{
    struct dom_spec s = spec(6, "counted", 4 * MIB, 1);
    struct domain *d, *again;

    s.allow_map = false; /* the module stays a module: it can be built from again */
    cr_assert_eq(dom_create(&s, &d), 0);
    cr_assert_eq(d->refs, 1, "the table's");
    struct domain *g = dom_get(6), *h = dom_get_index((unsigned)(d - dom_by_index(0)));
    cr_assert_eq(g, d);
    cr_assert_eq(h, d);
    cr_assert_eq(d->refs, 3);
    dom_put(g);
    dom_put(h);
    cr_assert_eq(d->refs, 1);
    cr_assert_null(dom_get(7), "no such domain");
    cr_assert_eq(start_locked(d), 0);
    cr_assert_eq(dom_release(d), 0, "a running domain is destroyed too");
    cr_assert_eq(d->vcpu[0].power, VCPU_OFF, "taken off its pCPU first");
    cr_assert_eq(d->state, DOM_FREE);
    cr_assert_eq(d->refs, 0);
    cr_assert_null(dom_get(6), "nothing to give out");
    cr_assert_eq(frame_count(&hyp_frames, 6), 0);
    cr_assert_not_null(strstr(arch_host_serial(), "hyp: dom counted destroyed, "), "%s",
                       arch_host_serial());
    cr_assert_not_null(
        strstr(arch_host_serial(), "hyp: dom counted freed, 0 frames released, free="), "%s",
        arch_host_serial());
    cr_assert_eq(dom_create(&s, &again), 0, "its id is free again");
}

/* A restart resets the vGIC, the console line and the domain under their locks and never
 * re-initialises a lock another pCPU could hold: each keeps its ticket count. */
Test(domain, a_restart_keeps_its_locks)
{
    struct dom_spec s = spec(3, "phoenix", 4 * MIB, 1);
    struct domain *d;
    struct spinlock *locks[3];

    s.allow_map = false;
    s.on_crash = DOM_CRASH_RESTART;
    cr_assert_eq(dom_create(&s, &d), 0);
    cr_assert_eq(start_locked(d), 0);
    locks[0] = &d->vgic.lock;
    locks[1] = &d->console.lock;
    locks[2] = &d->lock;
    uint32_t before[3];
    for (unsigned k = 0; k < 3; k++) {
        for (unsigned n = 0; n < 5; n++) {
            spin_lock(locks[k]);
            spin_unlock(locks[k]);
        }
        before[k] = locks[k]->next;
    }
    dom_crash(d, "test");
    cr_assert_eq(d->state, DOM_RUNNING, "rebuilt");
    for (unsigned k = 0; k < 3; k++) {
        cr_assert_geq(locks[k]->next, before[k], "lock %u was re-initialised", k);
        cr_assert_eq(locks[k]->next, locks[k]->owner, "lock %u is free", k);
    }
}
