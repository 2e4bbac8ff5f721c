/* Entry of a secondary vCPU started by kit_cpu_on (x0 = its index, the PSCI context id): its
 * own stack, the kit's vectors, then kit_secondary_main. In a file of its own so that only
 * guests that start vCPUs link it and its stacks. */
    .text
    .globl kit_secondary_entry
kit_secondary_entry:
    mov     x19, x0
    adrp    x1, kit_cpu_stacks
    add     x1, x1, :lo12:kit_cpu_stacks
    lsl     x2, x0, #13                 /* KIT_CPU_STACK (8 KiB) per vCPU: slot n - 1's top */
    add     x1, x1, x2
    mov     sp, x1
    adrp    x1, kit_vectors
    add     x1, x1, :lo12:kit_vectors
    msr     vbar_el1, x1
    isb
    mov     x0, x19
    bl      kit_secondary_main
1:  wfi
    b       1b
