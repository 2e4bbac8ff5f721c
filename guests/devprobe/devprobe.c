/* devprobe: checks device passthrough and its isolation. Reads the virtio-mmio magic value
 * ("virt") at 0x0a000000, which QEMU's virt machine provides: a domain given that page
 * (bootargs "owner=1") must see it; any other domain, and every domain at the next page
 * (not passed through), must get an external abort instead. */
#include <guest/kit.h>
#include <libfdt.h>
#include <tessera/lib.h>

#define VIRTIO_MMIO_BASE 0x0a000000ull
#define VIRTIO_MAGIC     0x74726976u /* "virt" */

static volatile unsigned dp_aborts;

static bool dp_on_abort(uint64_t esr, uint64_t far, uint64_t elr, uint64_t *resume)
{
    (void)esr;
    (void)far;
    dp_aborts++;
    *resume = elr + 4;
    return true;
}

/* Reads a 32-bit device register; *aborted tells whether the access faulted instead. */
static uint32_t dp_read(uint64_t addr, bool *aborted)
{
    unsigned before = dp_aborts;
    uint32_t v = 0;
    __asm__ volatile("ldr %w0, [%1]" : "+r"(v) : "r"(addr) : "memory");
    *aborted = dp_aborts != before;
    return v;
}

int guest_main(uint64_t dtb)
{
    const void *fdt = (const void *)dtb;
    int chosen = dtb ? fdt_path_offset(fdt, "/chosen") : -1;
    const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
    bool owner = args && lib_strncmp(args, "owner=1", 7) == 0;
    bool aborted;

    kit_set_fault_handler(dp_on_abort);
    uint32_t magic = dp_read(VIRTIO_MMIO_BASE, &aborted);
    if (owner) {
        kit_check(!aborted && magic == VIRTIO_MAGIC,
                  "the passed-through device answers (magic \"virt\")");
    } else {
        kit_isolation("foreign_device", aborted);
        kit_check(aborted, "a device passed to another domain is out of reach (external abort)");
    }
    dp_read(VIRTIO_MMIO_BASE + 0x1000, &aborted);
    kit_isolation("unassigned_device", aborted);
    kit_check(aborted, "the page after the passed-through range is out of reach");
    kit_set_fault_handler(0);
    return kit_verdict();
}
