/* Frame allocator: RAM banks, claims, aligned allocation, freeing with scrubbing, ownership
 * checks, transfers, release of a whole owner, extent merging, the error codes, and behaviour
 * when the extent array is full (refused, map unchanged, nothing scrubbed); RAM added at start
 * is dirty and scrubbed when a domain gets it. */
#include <criterion/criterion.h>
#include <string.h>
#include <tessera/errno.h>
#include <tessera/frame.h>

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define RAM 0x40000000ull

static struct frame_map fm;
static unsigned scrub_calls;
static uint64_t scrub_bytes;
static paddr_t scrub_last_base;

/* The owner of addr read straight from the extents: the scrub callback runs under the map's
 * lock, so it cannot call frame_owner(). */
static int owner_in_map(paddr_t addr)
{
    for (unsigned i = 0; i < fm.count; i++) {
        if (addr >= fm.ext[i].base && addr - fm.ext[i].base < fm.ext[i].frames * FRAME_SIZE) {
            return fm.ext[i].owner;
        }
    }
    return FRAME_NOT_RAM;
}

static void scrub(paddr_t base, uint64_t size)
{
    /* Scrubbing happens while the range is still owned, before anyone can get it again. */
    cr_assert_neq(owner_in_map(base), FRAME_FREE);
    scrub_calls++;
    scrub_bytes += size;
    scrub_last_base = base;
}

static void setup(void)
{
    frame_init(&fm, scrub);
    scrub_calls = 0;
    scrub_bytes = 0;
    scrub_last_base = 0;
}

TestSuite(frame, .init = setup);

/* The invariants every operation must keep: sorted, disjoint, non-empty, merged. */
static void check_map(void)
{
    cr_assert_leq(fm.count, FRAME_MAX_EXTENTS);
    for (unsigned i = 0; i < fm.count; i++) {
        cr_assert_gt(fm.ext[i].frames, 0, "extent %u empty", i);
        cr_assert_eq(fm.ext[i].base % FRAME_SIZE, 0);
        if (i == 0) {
            continue;
        }
        paddr_t prev_end = fm.ext[i - 1].base + fm.ext[i - 1].frames * FRAME_SIZE;
        cr_assert_leq(prev_end, fm.ext[i].base, "extents %u and %u overlap", i - 1, i);
        cr_assert(prev_end != fm.ext[i].base || fm.ext[i - 1].owner != fm.ext[i].owner ||
                      fm.ext[i - 1].dirty != fm.ext[i].dirty,
                  "extents %u and %u should have merged", i - 1, i);
        cr_assert(!fm.ext[i].dirty || fm.ext[i].owner == FRAME_FREE, "only free frames are dirty");
    }
}

/* A RAM bank whose frames have all been scrubbed once (given to a domain and freed), so the
 * tests of freeing and merging see one clean free extent; the scrub counters start at 0. */
static void add_clean_ram(paddr_t base, uint64_t size)
{
    cr_assert_eq(frame_add_ram(&fm, base, size), 0);
    cr_assert_eq(frame_claim(&fm, base, size, 99), 0);
    cr_assert_eq(frame_free(&fm, base, size, 99), 0);
    cr_assert_eq(fm.count, 1);
    cr_assert_not(fm.ext[0].dirty);
    scrub_calls = 0;
    scrub_bytes = 0;
    scrub_last_base = 0;
}

Test(frame, add_ram_rounds_inwards)
{
    cr_assert_eq(frame_add_ram(&fm, RAM + 1, 16 * FRAME_SIZE), 0);
    cr_assert_eq(frame_count(&fm, FRAME_FREE), 15);
    cr_assert_eq(frame_owner(&fm, RAM), FRAME_NOT_RAM);
    cr_assert_eq(frame_owner(&fm, RAM + FRAME_SIZE), FRAME_FREE);
    cr_assert_eq(frame_owner(&fm, RAM + 16 * FRAME_SIZE), FRAME_NOT_RAM);
    check_map();
}

Test(frame, add_ram_errors)
{
    cr_assert_eq(frame_add_ram(&fm, RAM, 0), -EINVAL);
    cr_assert_eq(frame_add_ram(&fm, RAM + 1, FRAME_SIZE), -EINVAL); /* empty after rounding */
    cr_assert_eq(frame_add_ram(&fm, UINT64_MAX - FRAME_SIZE, 2 * FRAME_SIZE), -EINVAL);
    cr_assert_eq(frame_add_ram(&fm, RAM, GiB), 0);
    cr_assert_eq(frame_add_ram(&fm, RAM + GiB - FRAME_SIZE, 2 * FRAME_SIZE), -EEXIST);
    cr_assert_eq(frame_add_ram(&fm, RAM - FRAME_SIZE, 2 * FRAME_SIZE), -EEXIST);
    cr_assert_eq(frame_add_ram(&fm, RAM + MiB, FRAME_SIZE), -EEXIST);
    cr_assert_eq(frame_add_ram(&fm, 0, 2 * GiB), -EEXIST);
    cr_assert_eq(fm.count, 1);
}

Test(frame, banks_are_sorted_and_adjacent_banks_merge)
{
    cr_assert_eq(frame_add_ram(&fm, 0x80000000ull, GiB), 0);
    cr_assert_eq(frame_add_ram(&fm, RAM, MiB), 0);
    cr_assert_eq(frame_add_ram(&fm, RAM + MiB, MiB), 0);
    cr_assert_eq(fm.count, 2);
    cr_assert_eq(fm.ext[0].base, RAM);
    cr_assert_eq(fm.ext[0].frames, 2 * MiB / FRAME_SIZE);
    cr_assert_eq(fm.ext[1].base, 0x80000000ull);
    cr_assert_eq(frame_owner(&fm, RAM + 2 * MiB), FRAME_NOT_RAM);
    check_map();
}

Test(frame, claim_rounds_outwards_and_checks)
{
    frame_add_ram(&fm, RAM, GiB);
    cr_assert_eq(frame_claim(&fm, RAM + 0x1800, 0x1000, FRAME_HYP), 0);
    cr_assert_eq(frame_owner(&fm, RAM + 0x1000), FRAME_HYP);
    cr_assert_eq(frame_owner(&fm, RAM + 0x2000), FRAME_HYP);
    cr_assert_eq(frame_owner(&fm, RAM + 0x3000), FRAME_FREE);
    cr_assert_eq(frame_count(&fm, FRAME_HYP), 2);
    cr_assert_eq(fm.count, 3);
    cr_assert_eq(frame_claim(&fm, RAM + 0x2000, 0x2000, 1), -EBUSY);
    cr_assert_eq(frame_claim(&fm, RAM - FRAME_SIZE, 0x2000, 1), -EINVAL);
    cr_assert_eq(frame_claim(&fm, RAM + GiB - FRAME_SIZE, 0x2000, 1), -EINVAL);
    cr_assert_eq(frame_claim(&fm, RAM + MiB, 0, 1), -EINVAL);
    cr_assert_eq(frame_claim(&fm, RAM + MiB, FRAME_SIZE, FRAME_FREE), -EINVAL);
    cr_assert_eq(frame_claim(&fm, RAM + MiB, FRAME_SIZE, FRAME_NOT_RAM), -EINVAL);
    cr_assert_eq(frame_claim(&fm, UINT64_MAX - 10, 100, 1), -EINVAL);
    cr_assert_eq(frame_count(&fm, 1), 0);
    check_map();
}

Test(frame, claim_across_a_bank_gap_is_not_ram)
{
    frame_add_ram(&fm, RAM, MiB);
    frame_add_ram(&fm, RAM + 2 * MiB, MiB);
    cr_assert_eq(frame_claim(&fm, RAM + MiB - FRAME_SIZE, 2 * FRAME_SIZE, 1), -EINVAL);
    cr_assert_eq(frame_claim(&fm, RAM, 3 * MiB, 1), -EINVAL);
    cr_assert_eq(frame_count(&fm, 1), 0);
}

Test(frame, alloc_aligns_lowest_first)
{
    paddr_t pa;

    frame_add_ram(&fm, RAM, GiB);
    frame_claim(&fm, RAM, 0x3000, FRAME_HYP);
    cr_assert_eq(frame_alloc(&fm, 1, FRAME_SIZE, 1, &pa), 0);
    cr_assert_eq(pa, RAM + 0x3000);
    cr_assert_eq(frame_alloc(&fm, 3 * MiB, 2 * MiB, 2, &pa), 0);
    cr_assert_eq(pa, RAM + 2 * MiB);
    cr_assert_eq(frame_count(&fm, 2), 3 * MiB / FRAME_SIZE);
    /* The gap below the 2 MiB block is still found by a smaller request. */
    cr_assert_eq(frame_alloc(&fm, 0x10000, 0x10000, 3, &pa), 0);
    cr_assert_eq(pa, RAM + 0x10000);
    cr_assert_eq(frame_alloc(&fm, GiB, FRAME_SIZE, 4, &pa), -ENOMEM);
    cr_assert_eq(frame_alloc(&fm, 512 * MiB, GiB, 4, &pa), -ENOMEM);
    check_map();
}

Test(frame, alloc_errors)
{
    paddr_t pa;

    frame_add_ram(&fm, RAM, GiB);
    cr_assert_eq(frame_alloc(&fm, 0, FRAME_SIZE, 1, &pa), -EINVAL);
    cr_assert_eq(frame_alloc(&fm, FRAME_SIZE, 0x800, 1, &pa), -EINVAL);
    cr_assert_eq(frame_alloc(&fm, FRAME_SIZE, 3 * FRAME_SIZE, 1, &pa), -EINVAL);
    cr_assert_eq(frame_alloc(&fm, FRAME_SIZE, FRAME_SIZE, FRAME_FREE, &pa), -EINVAL);
    cr_assert_eq(frame_alloc(&fm, FRAME_SIZE, FRAME_SIZE, 1, NULL), -EINVAL);
    cr_assert_eq(frame_alloc(&fm, UINT64_MAX, FRAME_SIZE, 1, &pa), -ENOMEM);
    cr_assert_eq(frame_alloc(&fm, FRAME_SIZE, 1ull << 63, 1, &pa), -ENOMEM);
    cr_assert_eq(frame_count(&fm, FRAME_FREE), GiB / FRAME_SIZE);
}

Test(frame, alloc_exhausts_then_fails)
{
    paddr_t pa;

    frame_add_ram(&fm, RAM, 4 * FRAME_SIZE);
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(frame_alloc(&fm, FRAME_SIZE, FRAME_SIZE, i, &pa), 0);
        cr_assert_eq(pa, RAM + (paddr_t)i * FRAME_SIZE);
    }
    cr_assert_eq(frame_alloc(&fm, FRAME_SIZE, FRAME_SIZE, 9, &pa), -ENOMEM);
    cr_assert_eq(fm.count, 4);
}

Test(frame, free_scrubs_then_releases)
{
    paddr_t pa;

    add_clean_ram(RAM, GiB);
    frame_alloc(&fm, 8 * FRAME_SIZE, FRAME_SIZE, 5, &pa);
    cr_assert_eq(frame_free(&fm, pa + 2 * FRAME_SIZE, 2 * FRAME_SIZE, 5), 0);
    cr_assert_eq(scrub_calls, 1);
    cr_assert_eq(scrub_bytes, 2 * FRAME_SIZE);
    cr_assert_eq(scrub_last_base, pa + 2 * FRAME_SIZE);
    cr_assert_eq(frame_count(&fm, 5), 6);
    cr_assert_eq(frame_owner(&fm, pa + 2 * FRAME_SIZE), FRAME_FREE);
    check_map();
    /* Freeing the rest merges everything back into one free extent. */
    cr_assert_eq(frame_free(&fm, pa, 2 * FRAME_SIZE, 5), 0);
    cr_assert_eq(frame_free(&fm, pa + 4 * FRAME_SIZE, 4 * FRAME_SIZE, 5), 0);
    cr_assert_eq(fm.count, 1);
    cr_assert_eq(scrub_calls, 3);
    cr_assert_eq(scrub_bytes, 8 * FRAME_SIZE);
}

Test(frame, free_checks_ownership_without_scrubbing)
{
    paddr_t a;
    paddr_t b;

    add_clean_ram(RAM, GiB);
    frame_alloc(&fm, 4 * FRAME_SIZE, FRAME_SIZE, 1, &a);
    frame_alloc(&fm, 4 * FRAME_SIZE, FRAME_SIZE, 2, &b);
    cr_assert_eq(frame_free(&fm, a, 4 * FRAME_SIZE, 2), -EPERM);
    cr_assert_eq(frame_free(&fm, a + 2 * FRAME_SIZE, 4 * FRAME_SIZE, 1), -EPERM);
    cr_assert_eq(frame_free(&fm, RAM + 64 * MiB, FRAME_SIZE, 1), -EPERM); /* free, not 1's */
    cr_assert_eq(frame_free(&fm, RAM - FRAME_SIZE, FRAME_SIZE, 1), -EINVAL);
    cr_assert_eq(frame_free(&fm, a, 0, 1), -EINVAL);
    cr_assert_eq(frame_free(&fm, a, FRAME_SIZE, FRAME_FREE), -EINVAL);
    cr_assert_eq(scrub_calls, 0);
    cr_assert_eq(frame_count(&fm, 1), 4);
    cr_assert_eq(frame_count(&fm, 2), 4);
}

Test(frame, free_without_scrub_callback)
{
    paddr_t pa;

    frame_init(&fm, NULL);
    add_clean_ram(RAM, MiB);
    frame_alloc(&fm, FRAME_SIZE, FRAME_SIZE, 1, &pa);
    cr_assert_eq(frame_free(&fm, pa, FRAME_SIZE, 1), 0);
    cr_assert_eq(frame_release_all(&fm, 1), 0);
    cr_assert_eq(fm.count, 1);
}

Test(frame, owned_by_and_owner)
{
    paddr_t pa;

    frame_add_ram(&fm, RAM, GiB);
    frame_alloc(&fm, 2 * MiB, 2 * MiB, 7, &pa);
    cr_assert(frame_owned_by(&fm, pa, 2 * MiB, 7));
    cr_assert(frame_owned_by(&fm, pa + 5, 100, 7));
    cr_assert_not(frame_owned_by(&fm, pa, 2 * MiB + 1, 7));
    cr_assert_not(frame_owned_by(&fm, pa - 1, 2, 7));
    cr_assert_not(frame_owned_by(&fm, pa, 2 * MiB, 8));
    cr_assert_not(frame_owned_by(&fm, pa, 0, 7));
    cr_assert_not(frame_owned_by(&fm, UINT64_MAX - 1, 4, 7));
    cr_assert_not(frame_owned_by(&fm, RAM - FRAME_SIZE, 2 * FRAME_SIZE, FRAME_FREE));
    cr_assert(frame_owned_by(&fm, pa + 2 * MiB, FRAME_SIZE, FRAME_FREE));
    cr_assert_eq(frame_owner(&fm, pa + 2 * MiB - 1), 7);
    cr_assert_eq(frame_owner(&fm, 0), FRAME_NOT_RAM);
    cr_assert_eq(frame_owner(&fm, UINT64_MAX), FRAME_NOT_RAM);
}

Test(frame, transfer_moves_ownership)
{
    frame_add_ram(&fm, RAM, GiB);
    cr_assert_eq(frame_claim(&fm, RAM + 16 * MiB, 4 * MiB, FRAME_MODULE), 0);
    cr_assert_eq(frame_transfer(&fm, RAM + 16 * MiB, 2 * MiB, FRAME_MODULE, 3), 0);
    cr_assert_eq(frame_count(&fm, 3), 2 * MiB / FRAME_SIZE);
    cr_assert_eq(frame_count(&fm, FRAME_MODULE), 2 * MiB / FRAME_SIZE);
    cr_assert_eq(frame_transfer(&fm, RAM + 17 * MiB, 2 * MiB, 3, 4), -EPERM);
    cr_assert_eq(frame_transfer(&fm, RAM + 16 * MiB, MiB, FRAME_MODULE, 4), -EPERM);
    cr_assert_eq(frame_transfer(&fm, RAM - MiB, MiB, FRAME_FREE, 4), -EINVAL);
    cr_assert_eq(frame_transfer(&fm, RAM + 16 * MiB, MiB, 3, FRAME_FREE), -EINVAL);
    cr_assert_eq(frame_transfer(&fm, RAM + 16 * MiB, 0, 3, 4), -EINVAL);
    /* Transferring the rest of the module merges with the domain's part. */
    cr_assert_eq(frame_transfer(&fm, RAM + 18 * MiB, 2 * MiB, FRAME_MODULE, 3), 0);
    cr_assert_eq(fm.count, 3);
    cr_assert(frame_owned_by(&fm, RAM + 16 * MiB, 4 * MiB, 3));
    cr_assert_eq(scrub_calls, 0);
    check_map();
}

Test(frame, release_all_scrubs_every_extent)
{
    paddr_t pa;

    add_clean_ram(RAM, GiB);
    for (int i = 0; i < 6; i++) {
        frame_alloc(&fm, MiB, FRAME_SIZE, i % 2 ? 1 : 2, &pa);
    }
    cr_assert_eq(fm.count, 7);
    cr_assert_eq(frame_release_all(&fm, 1), 3 * MiB / FRAME_SIZE);
    cr_assert_eq(scrub_calls, 3);
    cr_assert_eq(scrub_bytes, 3 * MiB);
    cr_assert_eq(frame_count(&fm, 1), 0);
    check_map();
    cr_assert_eq(frame_release_all(&fm, 2), 3 * MiB / FRAME_SIZE);
    cr_assert_eq(fm.count, 1);
    cr_assert_eq(frame_release_all(&fm, 2), 0);
    cr_assert_eq(frame_release_all(&fm, FRAME_FREE), 0);
    cr_assert_eq(scrub_calls, 6);
}

Test(frame, merges_with_both_neighbours)
{
    frame_add_ram(&fm, RAM, GiB);
    frame_claim(&fm, RAM, FRAME_SIZE, 1);
    frame_claim(&fm, RAM + 2 * FRAME_SIZE, FRAME_SIZE, 1);
    cr_assert_eq(fm.count, 4);
    frame_claim(&fm, RAM + FRAME_SIZE, FRAME_SIZE, 1);
    cr_assert_eq(fm.count, 2);
    cr_assert_eq(fm.ext[0].frames, 3);
    check_map();
}

/* Fills the map to exactly FRAME_MAX_EXTENTS: two frames of 1's, one free frame, repeated,
 * then the free rest of the bank. */
static void fill_map(void)
{
    add_clean_ram(RAM, GiB);
    for (unsigned i = 0; fm.count < FRAME_MAX_EXTENTS; i++) {
        cr_assert_eq(frame_claim(&fm, RAM + 3ull * i * FRAME_SIZE, 2 * FRAME_SIZE, 1), 0);
    }
    cr_assert_eq(fm.count, FRAME_MAX_EXTENTS);
    check_map();
}

Test(frame, full_map_refuses_splits_unchanged)
{
    struct frame_map before;
    paddr_t pa;

    fill_map();
    memcpy(&before, &fm, sizeof(fm));
    /* Each of these needs more extents than a full map has. */
    cr_assert_eq(frame_claim(&fm, RAM + 512 * MiB, FRAME_SIZE, 2), -ENOSPC);
    cr_assert_eq(frame_alloc(&fm, FRAME_SIZE, 64 * MiB, 2, &pa), -ENOSPC);
    cr_assert_eq(frame_add_ram(&fm, 3 * GiB, GiB), -ENOSPC);
    cr_assert_eq(frame_transfer(&fm, RAM, FRAME_SIZE, 1, 2), -ENOSPC);
    cr_assert_eq(memcmp(before.ext, fm.ext, sizeof(fm.ext)) + (int)(before.count != fm.count), 0);
    check_map();
}

Test(frame, full_map_refuses_free_before_scrubbing)
{
    paddr_t pa;

    add_clean_ram(RAM, GiB);
    frame_alloc(&fm, 4 * FRAME_SIZE, FRAME_SIZE, 9, &pa);
    for (unsigned i = 0; fm.count < FRAME_MAX_EXTENTS; i++) {
        frame_claim(&fm, RAM + MiB + 2ull * i * FRAME_SIZE, FRAME_SIZE, 1);
    }
    /* Freeing the middle of 9's block would split it in three. */
    cr_assert_eq(frame_free(&fm, pa + FRAME_SIZE, FRAME_SIZE, 9), -ENOSPC);
    cr_assert_eq(scrub_calls, 0);
    cr_assert_eq(frame_count(&fm, 9), 4);
    /* Freeing its end needs no new extent, so it still works. */
    cr_assert_eq(frame_free(&fm, pa + 3 * FRAME_SIZE, FRAME_SIZE, 9), 0);
    cr_assert_eq(scrub_calls, 1);
    check_map();
}

Test(frame, full_map_still_allows_merging_changes)
{
    fill_map();
    /* Claiming the free frame between two of 1's blocks merges three extents into one. */
    cr_assert_eq(frame_claim(&fm, RAM + 2 * FRAME_SIZE, FRAME_SIZE, 1), 0);
    cr_assert_eq(fm.count, FRAME_MAX_EXTENTS - 2);
    cr_assert(frame_owned_by(&fm, RAM, 5 * FRAME_SIZE, 1));
    /* Releasing the owner of every other extent leaves one free bank. */
    uint64_t held = frame_count(&fm, 1);
    cr_assert_eq(frame_release_all(&fm, 1), held);
    cr_assert_eq(fm.count, 1);
    cr_assert_eq(frame_count(&fm, FRAME_FREE), GiB / FRAME_SIZE);
}

Test(frame, full_map_alloc_passes_over_fits_it_cannot_record)
{
    paddr_t pa;

    fill_map();
    /* Freeing the end of a block needs no new extent; it leaves a two-frame free run. */
    cr_assert_eq(frame_free(&fm, RAM + FRAME_SIZE, FRAME_SIZE, 1), 0);
    cr_assert_eq(fm.count, FRAME_MAX_EXTENTS);
    /* One frame in that run would split it; the next free frame is an exact fit. */
    cr_assert_eq(frame_alloc(&fm, FRAME_SIZE, FRAME_SIZE, 2, &pa), 0);
    cr_assert_eq(pa, RAM + 5 * FRAME_SIZE);
    cr_assert_eq(fm.count, FRAME_MAX_EXTENTS);
    check_map();
}

Test(frame, random_operations_keep_invariants)
{
    uint64_t owner_frames[4] = {0};
    unsigned seed = 12345;
    paddr_t pa;

    frame_add_ram(&fm, RAM, 64 * MiB);
    frame_add_ram(&fm, 2 * GiB, 64 * MiB);
    for (int step = 0; step < 5000; step++) {
        seed = seed * 1103515245u + 12345u;
        int owner = (int)(seed >> 8) % 4;
        uint64_t frames = 1 + (seed >> 12) % 64;
        if ((seed >> 20) % 3 != 0) {
            if (frame_alloc(&fm, frames * FRAME_SIZE, FRAME_SIZE << ((seed >> 24) % 4), owner,
                            &pa) == 0) {
                owner_frames[owner] += frames;
            }
        } else {
            owner_frames[owner] -= frame_release_all(&fm, owner);
        }
        check_map();
        cr_assert_eq(frame_count(&fm, owner), owner_frames[owner]);
    }
}

/* RAM added at start is dirty: whatever a domain gets of it by allocation is scrubbed first,
 * once; the hypervisor's own allocations are not. */
Test(frame, dirty_ram_is_scrubbed_when_a_domain_gets_it)
{
    paddr_t a, b, c;

    frame_add_ram(&fm, RAM, GiB);
    cr_assert(fm.ext[0].dirty);
    cr_assert_eq(frame_owner(&fm, RAM), FRAME_FREE, "dirty frames are free");
    cr_assert_eq(frame_alloc(&fm, 2 * MiB, FRAME_SIZE, 3, &a), 0);
    cr_assert_eq(scrub_calls, 1);
    cr_assert_eq(scrub_bytes, 2 * MiB);
    cr_assert_eq(scrub_last_base, a);
    cr_assert_eq(frame_alloc(&fm, MiB, FRAME_SIZE, FRAME_HYP, &b), 0);
    cr_assert_eq(scrub_calls, 1, "the hypervisor initialises its own memory");
    /* Freed frames are scrubbed as they are freed, and given out again without another. */
    cr_assert_eq(frame_free(&fm, a, 2 * MiB, 3), 0);
    cr_assert_eq(scrub_calls, 2);
    cr_assert_eq(frame_alloc(&fm, 2 * MiB, FRAME_SIZE, 4, &c), 0);
    cr_assert_eq(c, a, "lowest first: the clean frames just freed");
    cr_assert_eq(scrub_calls, 2, "clean: nothing to scrub");
    check_map();
}

/* Claims keep what the loader put in RAM (the hypervisor, the DTB, boot modules) but scrub the
 * dirty frames a domain claims (the free frames after a module mapped in place). */
Test(frame, claims_scrub_dirty_frames_for_domains_only)
{
    frame_add_ram(&fm, RAM, GiB);
    cr_assert_eq(frame_claim(&fm, RAM, MiB, FRAME_MODULE), 0);
    cr_assert_eq(frame_claim(&fm, RAM + MiB, MiB, FRAME_HYP), 0);
    cr_assert_eq(scrub_calls, 0);
    cr_assert_eq(frame_claim(&fm, RAM + 2 * MiB, MiB, 7), 0);
    cr_assert_eq(scrub_calls, 1);
    cr_assert_eq(scrub_last_base, RAM + 2 * MiB);
    cr_assert_eq(scrub_bytes, MiB);
    /* Module frames handed to a domain are its image: not scrubbed. */
    cr_assert_eq(frame_transfer(&fm, RAM, MiB, FRAME_MODULE, 7), 0);
    cr_assert_eq(scrub_calls, 1);
    check_map();
}

/* Clean and dirty free frames that touch are one run for allocation; only the dirty part of
 * what is given out is scrubbed. */
Test(frame, allocation_spans_clean_and_dirty_frames)
{
    paddr_t a, b;

    frame_add_ram(&fm, RAM, 4 * MiB);
    cr_assert_eq(frame_alloc(&fm, MiB, FRAME_SIZE, 1, &a), 0);
    cr_assert_eq(frame_free(&fm, a, MiB, 1), 0);
    cr_assert_eq(fm.count, 2, "a clean MiB, then 3 dirty ones");
    scrub_calls = 0;
    scrub_bytes = 0;
    cr_assert_eq(frame_alloc(&fm, 2 * MiB, FRAME_SIZE, 2, &b), 0);
    cr_assert_eq(b, RAM);
    cr_assert_eq(scrub_calls, 1);
    cr_assert_eq(scrub_last_base, RAM + MiB, "only the dirty part");
    cr_assert_eq(scrub_bytes, MiB);
    cr_assert_eq(frame_count(&fm, 2), 2 * MiB / FRAME_SIZE);
    cr_assert_eq(frame_alloc(&fm, 3 * MiB, FRAME_SIZE, 3, &b), -ENOMEM);
    check_map();
}

/* A domain getting more separate dirty pieces than are tracked one by one gets its whole range
 * scrubbed. */
Test(frame, many_dirty_pieces_scrub_the_whole_range)
{
    paddr_t pa;

    frame_add_ram(&fm, RAM, 64 * MiB);
    /* Clean and dirty every other MiB: 1 MiB taken and freed (clean), 1 MiB left dirty. */
    for (unsigned i = 0; i < 32; i++) {
        cr_assert_eq(frame_claim(&fm, RAM + 2ull * i * MiB, MiB, 1), 0);
    }
    cr_assert_eq(frame_release_all(&fm, 1), 32 * MiB / FRAME_SIZE);
    scrub_calls = 0;
    scrub_bytes = 0;
    cr_assert_eq(frame_alloc(&fm, 40 * MiB, FRAME_SIZE, 2, &pa), 0);
    cr_assert_eq(pa, RAM);
    cr_assert_eq(scrub_calls, 1);
    cr_assert_eq(scrub_bytes, 40 * MiB, "more than 8 dirty pieces: all of it");
    check_map();
}
