# Toolchain for the bare-metal aarch64 image and guests: Debian's aarch64-linux-gnu-gcc used
# freestanding (no libc, no start files).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy CACHE FILEPATH "")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "-ffreestanding -fno-builtin -nostdinc -mgeneral-regs-only -mstrict-align -mno-outline-atomics -fno-stack-protector -fpie")
set(CMAKE_ASM_FLAGS_INIT "-ffreestanding -nostdinc")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -nostartfiles -static")
