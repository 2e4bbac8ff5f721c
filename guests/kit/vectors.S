/* Guest EL1 vectors: synchronous exceptions go to kit_sync_exception(), which may resume at a
 * new ELR (a test guest that provoked the fault on purpose); anything else ends the guest. */
.macro entry label
    .balign 0x80
    b       \label
.endm

/* The registers a C handler may clobber (AAPCS64 caller-saved, plus x29/x30), in a 192-byte
 * frame that keeps sp 16-byte aligned. */
.macro save_caller_saved
    sub     sp, sp, #192
    stp     x0, x1, [sp, #0]
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x29, [sp, #144]
    str     x30, [sp, #160]
.endm

.macro restore_caller_saved_eret
    ldp     x0, x1, [sp, #0]
    ldp     x2, x3, [sp, #16]
    ldp     x4, x5, [sp, #32]
    ldp     x6, x7, [sp, #48]
    ldp     x8, x9, [sp, #64]
    ldp     x10, x11, [sp, #80]
    ldp     x12, x13, [sp, #96]
    ldp     x14, x15, [sp, #112]
    ldp     x16, x17, [sp, #128]
    ldp     x18, x29, [sp, #144]
    ldr     x30, [sp, #160]
    add     sp, sp, #192
    eret
.endm

    .text
    .balign 0x800
    .globl kit_vectors
kit_vectors:
    entry unexpected    /* EL1t */
    entry unexpected
    entry unexpected
    entry unexpected
    entry sync          /* EL1h */
    entry irq
    entry unexpected
    entry unexpected
    entry unexpected    /* EL0 */
    entry unexpected
    entry unexpected
    entry unexpected
    entry unexpected
    entry unexpected
    entry unexpected
    entry unexpected

sync:
    save_caller_saved
    mrs     x0, esr_el1
    mrs     x1, far_el1
    mrs     x2, elr_el1
    bl      kit_sync_exception          /* returns the ELR to resume at */
    msr     elr_el1, x0
    restore_caller_saved_eret

/* IRQ at EL1h: the kit's handler (kit_irq) runs with the caller-saved registers saved. */
irq:
    save_caller_saved
    bl      kit_irq
    restore_caller_saved_eret

unexpected:
    mrs     x0, esr_el1
    mrs     x1, far_el1
    mrs     x2, elr_el1
    bl      kit_unexpected_exception
    b       .
