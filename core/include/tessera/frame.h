/* Physical frame allocator: every 4 KiB frame of RAM has exactly one owner (free, the
 * hypervisor, a boot module, or a domain). Ownership is kept as sorted extents, so start-up
 * costs nothing per frame and a whole domain's memory is one or a few records.
 * Scrubbing: a domain never gets a frame holding anything of someone else. Frames are zeroed
 * when they are freed (before the free pool shows them); RAM added at start is free but dirty
 * (whatever firmware or a previous boot left), and is zeroed when a domain gets it by
 * frame_alloc or frame_claim, not before: zeroing all of RAM at start would cost more than the
 * whole boot. The hypervisor's own allocations, and claims for it or for boot modules (whose
 * content is what the loader put there), are left as they are. Traced as `scrub`. */
#ifndef TESSERA_FRAME_H
#define TESSERA_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <tessera/spinlock.h>

typedef uint64_t paddr_t;

#define FRAME_SHIFT       12
#define FRAME_SIZE        (1ull << FRAME_SHIFT)
#define FRAME_MAX_EXTENTS 256

/* Owners: a domain id (>= 0) or one of these. */
#define FRAME_FREE    (-1)
#define FRAME_HYP     (-2) /* hypervisor image, its tables, the boot DTB */
#define FRAME_MODULE  (-3) /* boot modules (images) not yet handed to a domain */
#define FRAME_NOT_RAM (-4) /* returned by frame_owner() outside every RAM bank */

struct frame_extent {
    paddr_t base;
    uint64_t frames;
    int32_t owner;
    bool dirty; /* free frames never scrubbed since start (content unknown) */
};

/* The scrub trace event's why: freed by their owner, or dirty frames a domain gets. */
#define FRAME_SCRUB_FREED 0
#define FRAME_SCRUB_DIRTY 1

/* Zeroes memory: memory being returned to the free pool, before anyone can get it again (under
 * the map's lock), and dirty memory a domain gets, before the allocation returns (after it).
 * It must not call frame_* itself. */
typedef void (*frame_scrub_fn)(paddr_t base, uint64_t size);

struct frame_map {
    struct frame_extent ext[FRAME_MAX_EXTENTS];
    unsigned count;
    frame_scrub_fn scrub;
    struct spinlock lock;
};

/* Empties the map; scrub may be NULL (no scrubbing). */
void frame_init(struct frame_map *fm, frame_scrub_fn scrub);
/* Adds a RAM bank as free, dirty frames, shrunk inwards to frame boundaries.
 * -EINVAL if empty after rounding, -EEXIST if it overlaps a bank, -ENOSPC if out of extents. */
int frame_add_ram(struct frame_map *fm, paddr_t base, uint64_t size);
/* Gives a free range (rounded outwards to frames) to owner; dirty frames in it are scrubbed
 * first when owner is a domain.
 * -EINVAL if not wholly RAM, -EBUSY if any frame is not free, -ENOSPC if out of extents. */
int frame_claim(struct frame_map *fm, paddr_t base, uint64_t size, int owner);
/* Finds size bytes (rounded up to frames) aligned to align (a power of two >= FRAME_SIZE),
 * lowest address first, and gives them to owner, scrubbing dirty frames first when owner is a
 * domain. -ENOMEM if no free run fits. */
int frame_alloc(struct frame_map *fm, uint64_t size, uint64_t align, int owner, paddr_t *out);
/* Like frame_alloc, but the address returned is offset (a multiple of FRAME_SIZE below align)
 * past a multiple of align: memory whose physical and guest addresses agree modulo a block
 * size can be mapped with blocks even when it does not start on one. */
int frame_alloc_at(struct frame_map *fm, uint64_t size, uint64_t align, uint64_t offset, int owner,
                   paddr_t *out);
/* Returns a range owned by owner to the free pool, scrubbing it first.
 * -EPERM if any frame in it belongs to someone else, -EINVAL if not RAM. */
int frame_free(struct frame_map *fm, paddr_t base, uint64_t size, int owner);
/* Moves a range wholly owned by from to to (a module handed to a domain, for example).
 * -EPERM if any frame is not from's. */
int frame_transfer(struct frame_map *fm, paddr_t base, uint64_t size, int from, int to);
/* Frees every frame of owner (scrubbing); returns the number of frames released. */
uint64_t frame_release_all(struct frame_map *fm, int owner);
/* The owner of the frame holding addr, or FRAME_NOT_RAM. */
int frame_owner(const struct frame_map *fm, paddr_t addr);
/* True when every frame of [base, base+size) belongs to owner. */
bool frame_owned_by(const struct frame_map *fm, paddr_t base, uint64_t size, int owner);
/* Number of frames owner holds. */
uint64_t frame_count(const struct frame_map *fm, int owner);

#endif
