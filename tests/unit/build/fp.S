/* A function allowed FP/SIMD registers and one that is not (cmake/check_no_fp.cmake). */
    .text
    .globl ok_fp
ok_fp:
    stp     q0, q1, [x0]
    msr     fpcr, xzr
    ret

    .globl leaky
leaky:
    add     x0, x0, #1
    fmov    d0, x1
    ret
