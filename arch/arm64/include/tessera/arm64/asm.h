/* Assembler helpers and constants shared between .S files and C. */
#ifndef TESSERA_ARM64_ASM_H
#define TESSERA_ARM64_ASM_H

#define R_AARCH64_RELATIVE 1027

/* Offsets in struct arm64_percpu (checked by static asserts in percpu.h). */
#define PERCPU_STACK_TOP 0
#define PERCPU_REGS      8

/* struct arm64_regs: x0-x30, elr, spsr, padding to 16 bytes. */
#define REGS_ELR  248
#define REGS_SPSR 256
#define REGS_SIZE 272

#ifdef __ASSEMBLER__
/* PC-relative address of a symbol anywhere in the image (+-4 GiB). */
// clang-format off
.macro adr_l reg, sym
    adrp    \reg, \sym
    add     \reg, \reg, :lo12:\sym
.endm
// clang-format on
#endif

#endif
