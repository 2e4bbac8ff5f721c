/* EL2 exception vectors. While a guest runs, SP_EL2 points at the end of its vCPU's register
 * block, so a trap saves the guest's registers straight into the vCPU; the handler then runs on
 * the pCPU's own stack. Exceptions taken from EL2 itself are hypervisor faults, except an abort
 * inside the guest-memory copy routines (guest_access.S), which resumes at their fixup. */
#include <tessera/arm64/asm.h>

/* Save x0-x30, ELR_EL2, SPSR_EL2 in a register block made below sp; its address in x0. */
.macro regs_save
    sub     sp, sp, #REGS_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x0, elr_el2
    stp     x30, x0, [sp, #16 * 15]
    mrs     x1, spsr_el2
    str     x1, [sp, #REGS_SPSR]
    mov     x0, sp
.endm

/* Save the guest's registers at sp (the vCPU's register block), then switch to the pCPU stack
 * and leave the block's address in x0. */
.macro guest_save
    regs_save
    mrs     x1, tpidr_el2
    ldr     x2, [x1, #PERCPU_STACK_TOP]
    mov     sp, x2
.endm

/* A hypervisor fault: save what we can on the current stack and report. */
.macro hyp_fault kind
    sub     sp, sp, #REGS_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x29, x30, [sp, #16 * 14]
    mrs     x0, elr_el2
    str     x0, [sp, #REGS_ELR]
    mrs     x0, spsr_el2
    str     x0, [sp, #REGS_SPSR]
    mov     x0, sp
    mov     x1, #\kind
    bl      arm64_trap_hyp
    b       .
.endm

/* A synchronous exception at EL2 with SP_EL2: every register saved on the current stack, so
 * that arm64_trap_hyp_sync can resume a guest-memory copy at its fixup (it returns only then;
 * anything else stops the pCPU) and the interrupted code continues with its registers intact. */
.macro hyp_sync_fixup
    regs_save
    bl      arm64_trap_hyp_sync
    ldr     x1, [sp, #REGS_SPSR]
    msr     spsr_el2, x1
    ldp     x30, x0, [sp, #16 * 15]
    msr     elr_el2, x0
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    add     sp, sp, #REGS_SIZE
    eret
.endm

.macro vector_entry label
    .balign 0x80
    b       \label
.endm

    .text
    .balign 0x800
    .globl arm64_vectors
arm64_vectors:
    vector_entry hyp_sp0_sync           /* current EL with SP_EL0 */
    vector_entry hyp_sp0_irq
    vector_entry hyp_sp0_fiq
    vector_entry hyp_sp0_serror
    vector_entry hyp_spx_sync           /* current EL with SP_ELx */
    vector_entry hyp_spx_irq
    vector_entry hyp_spx_fiq
    vector_entry hyp_spx_serror
    vector_entry guest_sync             /* lower EL, AArch64 */
    vector_entry guest_irq
    vector_entry guest_fiq
    vector_entry guest_serror
    vector_entry guest32_unsupported    /* lower EL, AArch32 */
    vector_entry guest32_unsupported
    vector_entry guest32_unsupported
    vector_entry guest32_unsupported

hyp_sp0_sync:   hyp_fault 0
hyp_sp0_irq:    hyp_fault 1
hyp_sp0_fiq:    hyp_fault 2
hyp_sp0_serror: hyp_fault 3
hyp_spx_sync:   hyp_sync_fixup
hyp_spx_irq:    hyp_fault 1
hyp_spx_fiq:    hyp_fault 2
hyp_spx_serror: hyp_fault 3

guest_sync:
    guest_save
    bl      arm64_trap_guest_sync
    bl      arm64_trap_exit
    b       arm64_return_to_guest

guest_irq:
    guest_save
    bl      arm64_trap_guest_irq
    bl      arm64_trap_exit
    b       arm64_return_to_guest

guest_fiq:
    guest_save
    bl      arm64_trap_guest_fiq
    bl      arm64_trap_exit
    b       arm64_return_to_guest

guest_serror:
    guest_save
    bl      arm64_trap_guest_serror
    bl      arm64_trap_exit
    b       arm64_return_to_guest

guest32_unsupported:
    guest_save
    bl      arm64_trap_guest_aarch32
    b       arm64_return_to_guest

/* Resume the vCPU whose register block this pCPU's percpu->regs points at. Never returns;
 * whatever was on the pCPU stack is abandoned, which is how the idle loop hands over too. */
    .globl arm64_return_to_guest
arm64_return_to_guest:
    mrs     x1, tpidr_el2
    ldr     x0, [x1, #PERCPU_REGS]
    mov     sp, x0
    ldr     x1, [sp, #REGS_SPSR]
    msr     spsr_el2, x1
    ldp     x30, x0, [sp, #16 * 15]
    msr     elr_el2, x0
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    add     sp, sp, #REGS_SIZE
    eret

    .section .noinit, "aw", %nobits
    .balign 16
arm64_boot_stack:
    .space  16384
    .globl arm64_boot_stack_top
arm64_boot_stack_top:
