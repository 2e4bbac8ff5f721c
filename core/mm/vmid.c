/* VMID allocator (tessera/vmid.h): a bitmap of VMIDs held and one of VMIDs ever handed out.
 * The search starts after the last VMID handed out, so a freed VMID comes back as late as
 * possible and TLB invalidations on reuse are rare. */
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/lib.h>
#include <tessera/spinlock.h>
#include <tessera/trace.h>
#include <tessera/vmid.h>

#define VMID_MAX_BITS 16
#define VMID_WORDS    ((1u << VMID_MAX_BITS) / 64)

static struct {
    struct spinlock lock;
    unsigned bits;
    uint32_t next; /* where the next search starts */
    unsigned held;
    uint64_t taken[VMID_WORDS]; /* held by a domain now */
    uint64_t used[VMID_WORDS];  /* handed out at least once: TLB entries may remain */
} vmids = {.lock = SPINLOCK_INIT, .bits = 8, .next = 1};

static bool vmid_test(const uint64_t *map, uint32_t v)
{
    return (map[v / 64] >> (v % 64)) & 1;
}

static void vmid_set(uint64_t *map, uint32_t v, bool on)
{
    if (on) {
        map[v / 64] |= 1ull << (v % 64);
    } else {
        map[v / 64] &= ~(1ull << (v % 64));
    }
}

void vmid_init(unsigned bits)
{
    spin_lock(&vmids.lock);
    vmids.bits = bits == 16 ? 16 : 8;
    vmids.next = 1;
    vmids.held = 0;
    lib_memset(vmids.taken, 0, sizeof(vmids.taken));
    lib_memset(vmids.used, 0, sizeof(vmids.used));
    spin_unlock(&vmids.lock);
}

unsigned vmid_bits(void)
{
    return vmids.bits;
}

int vmid_alloc(int domid, uint16_t *vmid, bool *stale)
{
    uint32_t count = 1u << vmids.bits, v = 0;

    spin_lock(&vmids.lock);
    for (uint32_t i = 0; i < count - 1 && !v; i++) {
        uint32_t c = (vmids.next - 1 + i) % (count - 1) + 1; /* 1 .. count - 1 */
        if (!vmid_test(vmids.taken, c)) {
            v = c;
        }
    }
    if (v) {
        *stale = vmid_test(vmids.used, v);
        vmid_set(vmids.taken, v, true);
        vmid_set(vmids.used, v, true);
        vmids.next = v + 1 < count ? v + 1 : 1;
        vmids.held++;
    }
    unsigned held = vmids.held;
    spin_unlock(&vmids.lock);
    if (!v) {
        TRACE(vmid_refused, (uint64_t)domid, vmids.bits, held);
        hyp_printf("dom id %d not built: no free VMID (all %u of the %u-bit VMIDs are in use)",
                   domid, held, vmids.bits);
        return -ENOSPC;
    }
    *vmid = (uint16_t)v;
    TRACE(vmid_alloc, (uint64_t)domid, v, *stale);
    return 0;
}

void vmid_free(int domid, uint16_t vmid)
{
    bool held;

    spin_lock(&vmids.lock);
    held = vmid != VMID_NONE && vmid < (1u << vmids.bits) && vmid_test(vmids.taken, vmid);
    if (held) {
        vmid_set(vmids.taken, vmid, false);
        vmids.held--;
    }
    spin_unlock(&vmids.lock);
    if (held) {
        TRACE(vmid_free, (uint64_t)domid, vmid);
    }
}

unsigned vmid_in_use(void)
{
    return vmids.held;
}
