/* The arch-neutral start sequence, entered by the arch layer once the boot CPU has its MMU,
 * console and host DT. */
#ifndef TESSERA_BOOT_H
#define TESSERA_BOOT_H

#include <stdint.h>
#include <tessera/hostdt.h>

struct boot_info {
    const void *fdt;
    const struct hostdt *hd;
    uint64_t image_base;
    uint64_t image_size;
};

/* Frame allocator, manifest, domain construction and launch; never returns. */
void boot_start(const struct boot_info *bi) __attribute__((noreturn));

#endif
