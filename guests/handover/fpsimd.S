/* FP/SIMD access for the handover guest (its C code is built without FP registers): fill
 * V0-V31 from a seed, store them, and read or write FPCR and FPSR. CPACR_EL1.FPEN must allow
 * FP/SIMD at EL1 first. */
    .text

/* ho_fp_fill(seed): Vn = {seed + 2n, seed + 2n + 1} as two 64-bit halves. */
    .globl ho_fp_fill
ho_fp_fill:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    add     x1, x0, #(2 * \n)
    add     x2, x0, #(2 * \n + 1)
    fmov    d\n, x1
    mov     v\n\().d[1], x2
    .endr
    ret

/* ho_fp_store(out): out[0..63] = V0-V31, low half first. */
    .globl ho_fp_store
ho_fp_store:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    str     q\n, [x0], #16
    .endr
    ret

    .globl ho_fpcr_read
ho_fpcr_read:
    mrs     x0, fpcr
    ret

    .globl ho_fpcr_write
ho_fpcr_write:
    msr     fpcr, x0
    ret

    .globl ho_fpsr_read
ho_fpsr_read:
    mrs     x0, fpsr
    ret

    .globl ho_fpsr_write
ho_fpsr_write:
    msr     fpsr, x0
    ret
