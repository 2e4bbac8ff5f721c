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
