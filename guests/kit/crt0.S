/* Guest entry: counter at the first instruction, the SP and VBAR the guest was entered with,
 * stack, vectors, BSS, then main(dtb). */
    .section .text.entry, "ax"
    .globl _start
_start:
    mrs     x19, cntvct_el0             /* first instruction: when we started */
    mov     x20, x0
    mov     x21, sp                     /* SP_EL1 and VBAR_EL1 as found, before ours */
    mrs     x22, vbar_el1
    adrp    x1, __stack_top
    add     x1, x1, :lo12:__stack_top
    mov     sp, x1
    adrp    x1, kit_vectors
    add     x1, x1, :lo12:kit_vectors
    msr     vbar_el1, x1
    isb
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:  adrp    x0, kit_start_ticks
    add     x0, x0, :lo12:kit_start_ticks
    str     x19, [x0]
    adrp    x0, kit_entry_sp
    add     x0, x0, :lo12:kit_entry_sp
    str     x21, [x0]
    adrp    x0, kit_entry_vbar
    add     x0, x0, :lo12:kit_entry_vbar
    str     x22, [x0]
    mov     x0, x20
    bl      kit_main
3:  wfi
    b       3b
