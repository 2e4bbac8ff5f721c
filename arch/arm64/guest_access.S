/* The only code that touches guest memory on a hypercall's behalf: copy and zero routines
 * whose loads and stores all lie between arm64_guest_access_begin and _end. A synchronous
 * abort taken there (traps.c, arm64_trap_hyp_sync) resumes at arm64_guest_access_fault, which
 * returns -EFAULT to the caller instead of stopping the pCPU. Both are leaf functions with no
 * stack frame, so resuming at the fixup with x30 intact is a normal return. */
#include <tessera/arm64/asm.h>

#define EFAULT 14

    .text
    .balign 16
    .globl arm64_guest_access_begin
arm64_guest_access_begin:

/* int arch_guest_copy(void *dst, const void *src, size_t n): 0, or -EFAULT on an abort. Pairs
 * of words when both sides are 8-byte aligned, bytes otherwise: never an unaligned access. */
    .globl arch_guest_copy
arch_guest_copy:
    orr     x3, x0, x1
    tst     x3, #7
    b.ne    2f
1:  cmp     x2, #16
    b.lo    2f
    ldp     x3, x4, [x1], #16
    stp     x3, x4, [x0], #16
    sub     x2, x2, #16
    b       1b
2:  cbz     x2, 3f
    ldrb    w3, [x1], #1
    strb    w3, [x0], #1
    sub     x2, x2, #1
    b       2b
3:  mov     x0, #0
    ret

/* int arch_guest_zero(void *dst, size_t n): 0, or -EFAULT on an abort. */
    .globl arch_guest_zero
arch_guest_zero:
    tst     x0, #7
    b.ne    2f
1:  cmp     x1, #16
    b.lo    2f
    stp     xzr, xzr, [x0], #16
    sub     x1, x1, #16
    b       1b
2:  cbz     x1, 3f
    strb    wzr, [x0], #1
    sub     x1, x1, #1
    b       2b
3:  mov     x0, #0
    ret

    .globl arm64_guest_access_end
arm64_guest_access_end:

    .globl arm64_guest_access_fault
arm64_guest_access_fault:
    mov     x0, #-EFAULT
    ret
