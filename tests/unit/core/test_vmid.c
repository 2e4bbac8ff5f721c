/* VMIDs (core/mm/vmid.c, DESIGN.md 3): handed out by an allocator, never computed from domain
 * ids, distinct among live domains, reused only after their TLB entries are invalidated, and
 * refused cleanly (-ENOSPC) when none is free. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <tessera/arch.h>
#include <tessera/arch_host.h>
#include <tessera/domain.h>
#include <tessera/errno.h>
#include <tessera/vmid.h>

#define MIB      (1ull << 20)
#define RAM_SIZE (64 * MIB)

static uint8_t *ram;

static void setup(void)
{
    ram = aligned_alloc(2 * MIB, RAM_SIZE);
    cr_assert_not_null(ram);
    memset(ram, 0, RAM_SIZE);
    frame_init(&hyp_frames, NULL);
    cr_assert_eq(frame_add_ram(&hyp_frames, (paddr_t)(uintptr_t)ram, RAM_SIZE), 0);
    arch_host_serial_reset();
    vmid_init(8);
}

static void teardown(void)
{
    free(ram);
}

TestSuite(vmid, .init = setup, .fini = teardown);

static struct domain *make(int id)
{
    struct dom_spec s = {.id = id, .memory_bytes = MIB, .vcpus = 1};
    struct domain *d;

    strcpy(s.name, "d");
    cr_assert_eq(dom_create(&s, &d), 0, "domain %d", id);
    return d;
}

/* Domain ids that agree in their low 8 bits must not share a VMID (and so TLB entries). */
Test(vmid, domains_1_and_257_get_different_vmids)
{
    struct domain *a = make(1), *b = make(257);

    cr_assert_neq(a->vmid, 0, "VMID 0 is never handed out");
    cr_assert_neq(b->vmid, 0);
    cr_assert_neq(a->vmid, b->vmid, "domains 1 and 257 share VMID %u", a->vmid);
    cr_assert_eq(dom_release(a), 0);
    cr_assert_eq(dom_release(b), 0);
}

Test(vmid, eight_bits_give_255_distinct_vmids_then_refuse)
{
    static bool seen[256];
    uint16_t v;
    bool stale;

    vmid_init(8);
    cr_assert_eq(vmid_bits(), 8);
    for (int i = 0; i < 255; i++) {
        cr_assert_eq(vmid_alloc(i, &v, &stale), 0, "allocation %d", i);
        cr_assert(v >= 1 && v <= 255, "VMID %u", v);
        cr_assert_not(seen[v], "VMID %u handed out twice", v);
        cr_assert_not(stale, "VMID %u never held before", v);
        seen[v] = true;
    }
    cr_assert_eq(vmid_in_use(), 255);
    cr_assert_eq(vmid_alloc(999, &v, &stale), -ENOSPC);
    cr_assert_not_null(strstr(arch_host_serial(), "dom id 999 not built: no free VMID (all 255 of "
                                                  "the 8-bit VMIDs are in use)"),
                       "%s", arch_host_serial());
    cr_assert_eq(vmid_in_use(), 255, "a refusal takes nothing");
}

Test(vmid, sixteen_bits_give_65535)
{
    uint16_t v = 0;
    bool stale;

    vmid_init(16);
    for (unsigned i = 0; i < 65535; i++) {
        cr_assert_eq(vmid_alloc(1, &v, &stale), 0);
        cr_assert_eq(v, i + 1);
    }
    cr_assert_eq(vmid_alloc(1, &v, &stale), -ENOSPC);
    vmid_init(8);
}

Test(vmid, freed_vmid_is_reused_last_and_reported_stale)
{
    uint16_t a, b, v;
    bool stale;

    vmid_init(8);
    cr_assert_eq(vmid_alloc(1, &a, &stale), 0);
    cr_assert_eq(vmid_alloc(2, &b, &stale), 0);
    vmid_free(1, a);
    cr_assert_eq(vmid_in_use(), 1);
    vmid_free(1, a); /* twice: ignored */
    vmid_free(1, VMID_NONE);
    cr_assert_eq(vmid_in_use(), 1);
    /* Every never-used VMID goes first; then the freed one, stale. */
    for (int i = 0; i < 253; i++) {
        cr_assert_eq(vmid_alloc(3, &v, &stale), 0);
        cr_assert_neq(v, a);
        cr_assert_not(stale);
    }
    cr_assert_eq(vmid_alloc(4, &v, &stale), 0);
    cr_assert_eq(v, a, "the freed VMID comes back");
    cr_assert(stale, "its TLB entries must be invalidated before reuse");
    cr_assert_eq(vmid_alloc(5, &v, &stale), -ENOSPC);
}

Test(vmid, destroy_frees_and_reuse_invalidates_first)
{
    unsigned flushes = arch_host_vmid_flushes();

    vmid_init(8);
    struct domain *d = make(1);
    uint16_t first = d->vmid;
    cr_assert_eq(vmid_in_use(), 1);
    cr_assert_eq(dom_release(d), 0);
    cr_assert_eq(vmid_in_use(), 0, "the destroyed domain's VMID is free");
    /* Create and destroy until the allocator comes back round to the first VMID. */
    for (int i = 0; i < 254; i++) {
        d = make(2 + i);
        cr_assert_neq(d->vmid, first);
        cr_assert_eq(dom_release(d), 0);
    }
    cr_assert_eq(arch_host_vmid_flushes(), flushes, "no VMID was reused yet");
    d = make(300);
    cr_assert_eq(d->vmid, first);
    cr_assert_eq(arch_host_vmid_flushes(), flushes + 1, "invalidated before its reuse");
    cr_assert_eq(dom_release(d), 0);
}

Test(vmid, no_free_vmid_refuses_the_domain_and_leaks_nothing)
{
    uint16_t v;
    bool stale;

    vmid_init(8);
    for (int i = 0; i < 255; i++) {
        cr_assert_eq(vmid_alloc(1000, &v, &stale), 0);
    }
    struct dom_spec s = {.id = 5, .memory_bytes = MIB, .vcpus = 1};
    struct domain *d = NULL;
    strcpy(s.name, "late");
    cr_assert_eq(dom_create(&s, &d), -ENOSPC);
    cr_assert_null(dom_by_id(5), "the slot is free again");
    cr_assert_eq(frame_count(&hyp_frames, 5), 0, "no frame kept");
    cr_assert_eq(vmid_in_use(), 255);
    vmid_init(8);
}
