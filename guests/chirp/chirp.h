/* What the stress toolstack (guests/stress) tells each incarnation of chirp, loaded with
 * domctl_load at a fixed place of its RAM before it is unpaused, and the line format both the
 * guest and tests/qemu/test_smp_stress.c check. */
#ifndef TESSERA_GUESTS_CHIRP_H
#define TESSERA_GUESTS_CHIRP_H

#include <stdint.h>

#define CHIRP_ORDERS_IPA   0x40080000ull /* 512 KiB into its RAM: past its image and stacks */
#define CHIRP_ORDERS_MAGIC 0x70726963u

/* How an incarnation ends. */
enum chirp_end {
    CHIRP_FOREVER,  /* prints until it is destroyed under it */
    CHIRP_POWEROFF, /* vCPU 0 powers the domain off after limit lines (vCPU 1 still prints) */
    CHIRP_CRASH,    /* vCPU 0 executes an undefined instruction after limit lines */
};

struct chirp_orders {
    uint32_t magic;
    uint32_t end; /* enum chirp_end */
    uint32_t limit;
    uint32_t incarnation;
};

/* FNV-1a over a line's text up to " sum=": the checksum every chirp line ends with. */
static inline uint32_t chirp_sum(const char *s, unsigned long n)
{
    uint32_t h = 2166136261u;
    for (unsigned long i = 0; i < n; i++) {
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    }
    return h;
}

#endif
