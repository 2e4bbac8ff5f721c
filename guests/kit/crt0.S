/* Guest entry: counter at the first instruction, stack, vectors, BSS, then main(dtb). */
    .section .text.entry, "ax"
    .globl _start
_start:
    mrs     x19, cntvct_el0             /* first instruction: when we started */
    mov     x20, x0
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
    mov     x0, x20
    bl      kit_main
3:  wfi
    b       3b

/* A secondary vCPU started by kit_cpu_on: x0 = its index (PSCI context id). */
    .globl kit_secondary_entry
kit_secondary_entry:
    mov     x19, x0
    adrp    x1, kit_cpu_stacks
    add     x1, x1, :lo12:kit_cpu_stacks
    add     x2, x0, #1
    lsl     x2, x2, #13                 /* 8 KiB per vCPU: the top of its stack */
    add     x1, x1, x2
    mov     sp, x1
    adrp    x1, kit_vectors
    add     x1, x1, :lo12:kit_vectors
    msr     vbar_el1, x1
    isb
    mov     x0, x19
    bl      kit_secondary_main
4:  wfi
    b       4b
