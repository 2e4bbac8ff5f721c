/* Physical frame allocator: RAM ownership as sorted extents, neighbours with the same owner
 * (and, when free, the same cleanliness) always merged. Every change is planned before it is
 * made, so a change that would overflow the extent array is refused with -ENOSPC before
 * anything (the map, the memory) is touched. Frames are scrubbed when freed; RAM not scrubbed
 * since power-on (dirty, free) is scrubbed when a domain gets it (tessera/frame.h). */
#include <tessera/errno.h>
#include <tessera/frame.h>
#include <tessera/lib.h>
#include <tessera/trace.h>

/* A planned change: extents [lo, hi) are to be replaced by piece[0..n). */
struct frame_plan {
    unsigned lo;
    unsigned hi;
    unsigned n;
    struct frame_extent piece[3];
};

enum frame_range { FRAME_RANGE_NOT_RAM, FRAME_RANGE_MIXED, FRAME_RANGE_OWNED };

static paddr_t frame_end(const struct frame_extent *e)
{
    return e->base + (e->frames << FRAME_SHIFT);
}

static struct frame_extent frame_extent_of(paddr_t start, paddr_t end, int owner, bool dirty)
{
    return (struct frame_extent){
        .base = start, .frames = (end - start) >> FRAME_SHIFT, .owner = owner, .dirty = dirty};
}

/* True if extent e merges with a range given to owner (such a range is never dirty). */
static bool frame_same(const struct frame_extent *e, int owner)
{
    return e->owner == owner && !e->dirty;
}

static bool frame_valid_owner(int owner)
{
    return owner >= 0 || owner == FRAME_HYP || owner == FRAME_MODULE;
}

/* Rounds [base, base+size) outwards to frames; false if empty or past the top of memory. */
static bool frame_round_out(paddr_t base, uint64_t size, paddr_t *start, paddr_t *end)
{
    if (size == 0 || size > UINT64_MAX - base || base + size > UINT64_MAX - (FRAME_SIZE - 1)) {
        return false;
    }
    *start = ALIGN_DOWN(base, FRAME_SIZE);
    *end = ALIGN_UP(base + size, FRAME_SIZE);
    return true;
}

/* Index of the first extent that ends after addr, or count. */
static unsigned frame_first_after(const struct frame_map *fm, paddr_t addr)
{
    unsigned lo = 0;
    unsigned hi = fm->count;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (frame_end(&fm->ext[mid]) <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Whether [start, end) is wholly RAM and, if so, whether owner holds all of it. */
static enum frame_range frame_check(const struct frame_map *fm, paddr_t start, paddr_t end,
                                    int owner)
{
    bool mixed = false;

    for (unsigned i = frame_first_after(fm, start); start < end; i++) {
        if (i >= fm->count || fm->ext[i].base > start) {
            return FRAME_RANGE_NOT_RAM;
        }
        mixed |= fm->ext[i].owner != owner;
        start = frame_end(&fm->ext[i]);
    }
    return mixed ? FRAME_RANGE_MIXED : FRAME_RANGE_OWNED;
}

/* The dirty free frames of a range being given to a domain, to scrub once it is the domain's
 * (outside the map's lock: nobody else can reach them then). Too many pieces: the whole range. */
#define FRAME_DIRTY_RUNS 8

struct frame_dirty {
    paddr_t base[FRAME_DIRTY_RUNS];
    uint64_t size[FRAME_DIRTY_RUNS];
    unsigned n;
    paddr_t start; /* the whole range, for an overflow */
    paddr_t end;
    bool overflow;
};

static void frame_collect_dirty(const struct frame_map *fm, paddr_t start, paddr_t end,
                                struct frame_dirty *dl)
{
    dl->start = start;
    dl->end = end;
    for (unsigned i = frame_first_after(fm, start); i < fm->count && fm->ext[i].base < end; i++) {
        const struct frame_extent *e = &fm->ext[i];
        if (e->owner != FRAME_FREE || !e->dirty) {
            continue;
        }
        paddr_t lo = MAX(e->base, start), hi = MIN(frame_end(e), end);
        if (dl->n == FRAME_DIRTY_RUNS) {
            dl->overflow = true;
            return;
        }
        dl->base[dl->n] = lo;
        dl->size[dl->n++] = hi - lo;
    }
}

static void frame_scrub_dirty(struct frame_map *fm, const struct frame_dirty *dl, int owner)
{
    if (!fm->scrub) {
        return;
    }
    if (dl->overflow) {
        fm->scrub(dl->start, dl->end - dl->start);
        TRACE(scrub, (uint64_t)(int64_t)owner, dl->start, dl->end - dl->start, FRAME_SCRUB_DIRTY);
        return;
    }
    for (unsigned k = 0; k < dl->n; k++) {
        fm->scrub(dl->base[k], dl->size[k]);
        TRACE(scrub, (uint64_t)(int64_t)owner, dl->base[k], dl->size[k], FRAME_SCRUB_DIRTY);
    }
}

static bool frame_fits(const struct frame_map *fm, const struct frame_plan *pl)
{
    return fm->count - (pl->hi - pl->lo) + pl->n <= FRAME_MAX_EXTENTS;
}

/* Plans giving [start, end), wholly RAM, to owner: the extents at its edges are cut, the ones
 * inside absorbed, and the result merged with neighbours of the same owner. */
static int frame_plan_set(const struct frame_map *fm, paddr_t start, paddr_t end, int owner,
                          struct frame_plan *pl)
{
    unsigned i = frame_first_after(fm, start);
    unsigned j = frame_first_after(fm, end - 1);
    const struct frame_extent *first = &fm->ext[i];
    const struct frame_extent *last = &fm->ext[j];
    paddr_t mid_start = start;
    paddr_t mid_end = end;

    pl->lo = i;
    pl->hi = j + 1;
    pl->n = 0;
    if (first->base < start && frame_same(first, owner)) {
        mid_start = first->base;
    } else if (first->base < start) {
        pl->piece[pl->n++] = frame_extent_of(first->base, start, first->owner, first->dirty);
    } else if (i > 0 && frame_end(&fm->ext[i - 1]) == start && frame_same(&fm->ext[i - 1], owner)) {
        mid_start = fm->ext[--pl->lo].base;
    }
    if (frame_end(last) > end && frame_same(last, owner)) {
        mid_end = frame_end(last);
    } else if (j + 1 < fm->count && frame_end(last) == end && fm->ext[j + 1].base == end &&
               frame_same(&fm->ext[j + 1], owner)) {
        mid_end = frame_end(&fm->ext[pl->hi++]);
    }
    pl->piece[pl->n++] = frame_extent_of(mid_start, mid_end, owner, false);
    if (frame_end(last) > mid_end) {
        pl->piece[pl->n++] = frame_extent_of(end, frame_end(last), last->owner, last->dirty);
    }
    return frame_fits(fm, pl) ? 0 : -ENOSPC;
}

static void frame_commit(struct frame_map *fm, const struct frame_plan *pl)
{
    unsigned tail = fm->count - pl->hi;

    lib_memmove(&fm->ext[pl->lo + pl->n], &fm->ext[pl->hi], tail * sizeof(fm->ext[0]));
    lib_memcpy(&fm->ext[pl->lo], pl->piece, pl->n * sizeof(pl->piece[0]));
    fm->count = pl->lo + pl->n + tail;
}

static int frame_set(struct frame_map *fm, paddr_t start, paddr_t end, int owner)
{
    struct frame_plan pl;
    int rc = frame_plan_set(fm, start, end, owner, &pl);

    if (rc == 0) {
        frame_commit(fm, &pl);
    }
    return rc;
}

/* Merges every pair of touching extents with the same owner and cleanliness. */
static void frame_coalesce(struct frame_map *fm)
{
    unsigned w = 0;

    for (unsigned r = 0; r < fm->count; r++) {
        struct frame_extent *prev = w > 0 ? &fm->ext[w - 1] : NULL;
        if (prev && frame_end(prev) == fm->ext[r].base && prev->owner == fm->ext[r].owner &&
            prev->dirty == fm->ext[r].dirty) {
            prev->frames += fm->ext[r].frames;
        } else {
            fm->ext[w++] = fm->ext[r];
        }
    }
    fm->count = w;
}

void frame_init(struct frame_map *fm, frame_scrub_fn scrub)
{
    fm->count = 0;
    fm->scrub = scrub;
    fm->lock = (struct spinlock)SPINLOCK_INIT;
}

static int frame_add_ram_nolock(struct frame_map *fm, paddr_t base, uint64_t size)
{
    if (size == 0 || size > UINT64_MAX - base || base > UINT64_MAX - (FRAME_SIZE - 1)) {
        return -EINVAL;
    }
    paddr_t start = ALIGN_UP(base, FRAME_SIZE);
    paddr_t end = ALIGN_DOWN(base + size, FRAME_SIZE);
    if (start >= end) {
        return -EINVAL;
    }
    unsigned i = frame_first_after(fm, start);
    if (i < fm->count && fm->ext[i].base < end) {
        return -EEXIST;
    }
    /* A new free extent at i, dirty (whatever was there before we ran), merged with dirty
     * free neighbours that touch it. */
    struct frame_plan pl = {.lo = i, .hi = i, .n = 1};
    if (i > 0 && frame_end(&fm->ext[i - 1]) == start && fm->ext[i - 1].owner == FRAME_FREE &&
        fm->ext[i - 1].dirty) {
        start = fm->ext[--pl.lo].base;
    }
    if (i < fm->count && fm->ext[i].base == end && fm->ext[i].owner == FRAME_FREE &&
        fm->ext[i].dirty) {
        end = frame_end(&fm->ext[pl.hi++]);
    }
    pl.piece[0] = frame_extent_of(start, end, FRAME_FREE, true);
    if (!frame_fits(fm, &pl)) {
        return -ENOSPC;
    }
    frame_commit(fm, &pl);
    return 0;
}

static int frame_claim_nolock(struct frame_map *fm, paddr_t base, uint64_t size, int owner,
                              struct frame_dirty *dl)
{
    paddr_t start;
    paddr_t end;

    if (!frame_valid_owner(owner) || !frame_round_out(base, size, &start, &end)) {
        return -EINVAL;
    }
    switch (frame_check(fm, start, end, FRAME_FREE)) {
    case FRAME_RANGE_NOT_RAM:
        return -EINVAL;
    case FRAME_RANGE_MIXED:
        return -EBUSY;
    default:
        break;
    }
    struct frame_plan pl;
    int rc = frame_plan_set(fm, start, end, owner, &pl);
    if (rc == 0) {
        if (owner >= 0) {
            frame_collect_dirty(fm, start, end, dl);
        }
        frame_commit(fm, &pl);
    }
    return rc;
}

/* The end of the run of touching free extents (clean or dirty) that extent i starts. */
static paddr_t frame_run_end(const struct frame_map *fm, unsigned i)
{
    paddr_t end = frame_end(&fm->ext[i]);

    for (unsigned j = i + 1;
         j < fm->count && fm->ext[j].owner == FRAME_FREE && fm->ext[j].base == end; j++) {
        end = frame_end(&fm->ext[j]);
    }
    return end;
}

/* Whether size bytes at an address congruent to offset modulo align fit in the free run
 * [base, end); *at gets the lowest such place. */
static bool frame_fit_in(paddr_t base, paddr_t end, uint64_t size, uint64_t align, uint64_t offset,
                         paddr_t *at)
{
    if (base > UINT64_MAX - (align - 1) - offset) {
        return false;
    }
    *at = ALIGN_UP(base, align) + offset;
    if (*at - align >= base && *at >= align) {
        *at -= align; /* the previous congruent address is still inside the run */
    }
    return *at < end && end - *at >= size;
}
static int frame_alloc_at_nolock(struct frame_map *fm, uint64_t size, uint64_t align,
                                 uint64_t offset, int owner, paddr_t *out, struct frame_dirty *dl)
{
    struct frame_plan pl;
    int rc = -ENOMEM;
    paddr_t at;

    if (out == NULL || size == 0 || !frame_valid_owner(owner) || align < FRAME_SIZE ||
        (align & (align - 1)) != 0 || offset >= align || !IS_ALIGNED(offset, FRAME_SIZE)) {
        return -EINVAL;
    }
    if (size > UINT64_MAX - (FRAME_SIZE - 1)) {
        return -ENOMEM;
    }
    size = ALIGN_UP(size, FRAME_SIZE);
    /* A fit that would overflow the extent array may be followed by one that does not
     * (an exact fit needs no split), so keep looking. */
    for (unsigned i = 0; i < fm->count; i++) {
        if (fm->ext[i].owner != FRAME_FREE ||
            !frame_fit_in(fm->ext[i].base, frame_run_end(fm, i), size, align, offset, &at)) {
            continue;
        }
        rc = frame_plan_set(fm, at, at + size, owner, &pl);
        if (rc == 0) {
            if (owner >= 0) {
                frame_collect_dirty(fm, at, at + size, dl);
            }
            frame_commit(fm, &pl);
            *out = at;
            return 0;
        }
    }
    return rc;
}

static int frame_free_nolock(struct frame_map *fm, paddr_t base, uint64_t size, int owner)
{
    paddr_t start;
    paddr_t end;
    struct frame_plan pl;

    if (!frame_valid_owner(owner) || !frame_round_out(base, size, &start, &end)) {
        return -EINVAL;
    }
    switch (frame_check(fm, start, end, owner)) {
    case FRAME_RANGE_NOT_RAM:
        return -EINVAL;
    case FRAME_RANGE_MIXED:
        return -EPERM;
    default:
        break;
    }
    int rc = frame_plan_set(fm, start, end, FRAME_FREE, &pl);
    if (rc != 0) {
        return rc; /* refused before scrubbing: the owner keeps its memory intact */
    }
    if (fm->scrub) {
        fm->scrub(start, end - start);
        TRACE(scrub, (uint64_t)(int64_t)owner, start, end - start, FRAME_SCRUB_FREED);
    }
    frame_commit(fm, &pl);
    return 0;
}

static int frame_transfer_nolock(struct frame_map *fm, paddr_t base, uint64_t size, int from,
                                 int to)
{
    paddr_t start;
    paddr_t end;

    if (!frame_valid_owner(from) || !frame_valid_owner(to) ||
        !frame_round_out(base, size, &start, &end)) {
        return -EINVAL;
    }
    switch (frame_check(fm, start, end, from)) {
    case FRAME_RANGE_NOT_RAM:
        return -EINVAL;
    case FRAME_RANGE_MIXED:
        return -EPERM;
    default:
        return frame_set(fm, start, end, to);
    }
}

static uint64_t frame_release_all_nolock(struct frame_map *fm, int owner)
{
    uint64_t released = 0;

    if (!frame_valid_owner(owner)) {
        return 0;
    }
    /* Freeing whole extents only ever merges, so this cannot run out of extents. */
    for (unsigned i = 0; i < fm->count; i++) {
        struct frame_extent *e = &fm->ext[i];
        if (e->owner != owner) {
            continue;
        }
        if (fm->scrub) {
            fm->scrub(e->base, e->frames << FRAME_SHIFT);
            TRACE(scrub, (uint64_t)(int64_t)owner, e->base, e->frames << FRAME_SHIFT,
                  FRAME_SCRUB_FREED);
        }
        e->owner = FRAME_FREE;
        e->dirty = false;
        released += e->frames;
    }
    frame_coalesce(fm);
    return released;
}

static int frame_owner_nolock(const struct frame_map *fm, paddr_t addr)
{
    unsigned i = frame_first_after(fm, addr);

    return i < fm->count && fm->ext[i].base <= addr ? fm->ext[i].owner : FRAME_NOT_RAM;
}

static bool frame_owned_by_nolock(const struct frame_map *fm, paddr_t base, uint64_t size,
                                  int owner)
{
    paddr_t start;
    paddr_t end;

    /* An empty or wrapping range proves nothing: answer no, as a permission check should. */
    if (!frame_round_out(base, size, &start, &end)) {
        return false;
    }
    return frame_check(fm, start, end, owner) == FRAME_RANGE_OWNED;
}

static uint64_t frame_count_nolock(const struct frame_map *fm, int owner)
{
    uint64_t n = 0;

    for (unsigned i = 0; i < fm->count; i++) {
        if (fm->ext[i].owner == owner) {
            n += fm->ext[i].frames;
        }
    }
    return n;
}

int frame_alloc(struct frame_map *fm, uint64_t size, uint64_t align, int owner, paddr_t *out)
{
    return frame_alloc_at(fm, size, align, 0, owner, out);
}

/* The public operations: each takes the map's lock, so pCPUs building domains in parallel
 * can share one allocator. Scrubbing freed frames happens under the lock (a freed range is
 * never visible as free before it is clean); scrubbing dirty frames a domain gets happens
 * after it (they are the domain's already, and its builder waits for them). */
#define FRAME_LOCKED(type, call)                                                                   \
    do {                                                                                           \
        struct frame_map *m_ = (struct frame_map *)fm;                                             \
        spin_lock(&m_->lock);                                                                      \
        type r_ = call;                                                                            \
        spin_unlock(&m_->lock);                                                                    \
        return r_;                                                                                 \
    } while (0)

int frame_add_ram(struct frame_map *fm, paddr_t base, uint64_t size)
{
    FRAME_LOCKED(int, frame_add_ram_nolock(fm, base, size));
}

int frame_claim(struct frame_map *fm, paddr_t base, uint64_t size, int owner)
{
    struct frame_dirty dl = {.n = 0};

    spin_lock(&fm->lock);
    int rc = frame_claim_nolock(fm, base, size, owner, &dl);
    spin_unlock(&fm->lock);
    if (rc == 0) {
        frame_scrub_dirty(fm, &dl, owner);
    }
    return rc;
}

int frame_alloc_at(struct frame_map *fm, uint64_t size, uint64_t align, uint64_t offset, int owner,
                   paddr_t *out)
{
    struct frame_dirty dl = {.n = 0};

    spin_lock(&fm->lock);
    int rc = frame_alloc_at_nolock(fm, size, align, offset, owner, out, &dl);
    spin_unlock(&fm->lock);
    if (rc == 0) {
        frame_scrub_dirty(fm, &dl, owner);
    }
    return rc;
}

int frame_free(struct frame_map *fm, paddr_t base, uint64_t size, int owner)
{
    FRAME_LOCKED(int, frame_free_nolock(fm, base, size, owner));
}

int frame_transfer(struct frame_map *fm, paddr_t base, uint64_t size, int from, int to)
{
    FRAME_LOCKED(int, frame_transfer_nolock(fm, base, size, from, to));
}

uint64_t frame_release_all(struct frame_map *fm, int owner)
{
    FRAME_LOCKED(uint64_t, frame_release_all_nolock(fm, owner));
}

int frame_owner(const struct frame_map *fm, paddr_t addr)
{
    FRAME_LOCKED(int, frame_owner_nolock(fm, addr));
}

bool frame_owned_by(const struct frame_map *fm, paddr_t base, uint64_t size, int owner)
{
    FRAME_LOCKED(bool, frame_owned_by_nolock(fm, base, size, owner));
}

uint64_t frame_count(const struct frame_map *fm, int owner)
{
    FRAME_LOCKED(uint64_t, frame_count_nolock(fm, owner));
}
