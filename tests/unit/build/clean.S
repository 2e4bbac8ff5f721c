/* General-purpose instructions only, some with operands that look like FP registers to a
 * careless reader (immediates, branch targets): cmake/check_no_fp.cmake must accept it. */
    .text
    .globl clean
clean:
    add     x0, x1, #0xd0
    ldr     x2, [x3, #16]
    stp     x29, x30, [sp, #-16]!
    ldp     x29, x30, [sp], #16
    tbz     w3, #1, 1f
    mrs     x4, vbar_el2
1:  b       clean
    ret
