/* Image header and entry points. The image carries a Linux arm64 Image header so QEMU -kernel
 * and U-Boot booti enter it at EL2 with x0 = DTB; it is linked at 0 as a static PIE and applies
 * its own relative relocations, so it runs wherever a loader put it (2 MiB aligned). */
#include <tessera/arm64/asm.h>

    .section .head.text, "ax"
    .globl _start
_start:
    b       primary_entry               /* code0 */
    .long   0                           /* code1 */
    .quad   0                           /* text_offset */
    .quad   __image_end - _start        /* image_size: everything the loader must leave free */
    .quad   0xa                         /* flags: little-endian, 4K pages, place anywhere */
    .quad   0, 0, 0                     /* res2-res4 */
    .ascii  "ARM\x64"                   /* magic */
    .long   0                           /* res5 (no PE header) */

primary_entry:
    mrs     x19, cntpct_el0             /* entry time, before anything else */
    mov     x20, x0                     /* DTB */
    mrs     x21, CurrentEL
    lsr     x21, x21, #2
    adr     x22, _start                 /* where the loader put us */

    /* Apply R_AARCH64_RELATIVE relocations: *(base + offset) = base + addend. */
    adr_l   x0, __rela_start
    adr_l   x1, __rela_end
1:  cmp     x0, x1
    b.hs    2f
    ldp     x2, x3, [x0], #16           /* r_offset, r_info */
    ldr     x4, [x0], #8                /* r_addend */
    cmp     x3, #R_AARCH64_RELATIVE
    b.ne    1b
    add     x4, x4, x22
    str     x4, [x2, x22]
    b       1b

2:  adr_l   x0, __bss_early_start
    adr_l   x1, __bss_early_end
3:  cmp     x0, x1
    b.hs    4f
    stp     xzr, xzr, [x0], #16
    b       3b

4:  adr_l   x0, arm64_boot_stack_top
    mov     sp, x0
    mov     x0, x20                     /* dtb */
    mov     x1, x19                     /* entry ticks */
    mov     x2, x21                     /* entry EL */
    mov     x3, x22                     /* load address */
    bl      arm64_primary_main
5:  wfi
    b       5b

/* Secondary pCPUs arrive here from PSCI CPU_ON, MMU off, x0 = logical CPU index. */
    .text
    .globl arm64_secondary_entry
arm64_secondary_entry:
    mov     x19, x0
    adr_l   x1, arm64_percpu_ptrs
    ldr     x1, [x1, x0, lsl #3]        /* this CPU's percpu block */
    ldr     x2, [x1, #PERCPU_STACK_TOP]
    mov     sp, x2
    msr     tpidr_el2, x1
    bl      arm64_mmu_enable_secondary
    mov     x0, x19
    bl      arm64_secondary_main
6:  wfi
    b       6b
