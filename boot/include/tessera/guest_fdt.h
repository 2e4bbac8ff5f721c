/* The device tree each domain boots with, generated from its manifest entry and layout. */
#ifndef TESSERA_GUEST_FDT_H
#define TESSERA_GUEST_FDT_H

#include <stddef.h>
#include <stdint.h>

#define GFDT_MAX_SIZE (64u << 10) /* room reserved for it at the top of guest RAM */
#define GFDT_BUF_SIZE (8u << 10)  /* what a generated tree may use (fdt_create clears it all) */

/* Guest physical map shared by every domain (the QEMU virt layout). */
#define GFDT_GICD_IPA    0x08000000ull
#define GFDT_GICD_SIZE   0x10000ull
#define GFDT_GICR_IPA    0x080a0000ull
#define GFDT_GICR_STRIDE 0x20000ull /* one redistributor frame pair per vCPU */
#define GFDT_UART_IPA    0x09000000ull
#define GFDT_UART_SIZE   0x1000ull
#define GFDT_UART_SPI    1

struct gfdt_params {
    const char *name;
    unsigned domid;
    uint64_t ram_ipa;
    uint64_t ram_size;
    unsigned vcpus;
    const char *bootargs;  /* NULL: none */
    uint64_t initrd_start; /* 0: no initrd */
    uint64_t initrd_end;
    int vpl011;
    uint64_t fleet_dtb_ipa; /* dom0 mode, control domain: where the boot DTB is mapped (0: none) */
    uint64_t module_offset; /* ... and the offset from a module's PA to its IPA there */
    uint64_t run_seed;      /* the run's entropy seed (mf_fleet.seed), mixed into rng-seed */
};

/* Writes the domain's DTB into buf (libfdt sequential-write). Returns its size, or a negative
 * errno (-ENOSPC if it does not fit). */
int gfdt_build(void *buf, size_t size, const struct gfdt_params *p);
/* The 64-byte rng-seed a domain gets, from the run's seed (the harness's --seed, fixed by
 * default so runs are reproducible) and the domain's id and name: every domain of a run gets its
 * own, and the guest never waits for entropy. Not a secret from the harness. */
void gfdt_rng_seed(uint64_t run_seed, unsigned domid, const char *name, uint8_t seed[64]);

#endif
