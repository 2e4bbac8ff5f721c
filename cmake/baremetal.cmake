# Settings shared by every bare-metal target: the compiler's own freestanding headers, the
# aarch64 libfdt from Debian's libfdt-dev:arm64 (fetched into the build tree), and a helper
# that turns an ELF into a flat binary.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE TESSERA_GCC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)

set(TESSERA_DEPS_DIR ${CMAKE_BINARY_DIR}/deps/arm64)
if(NOT EXISTS ${TESSERA_DEPS_DIR}/usr/lib/aarch64-linux-gnu/libfdt.a)
    execute_process(COMMAND sh ${CMAKE_SOURCE_DIR}/scripts/fetch-deb.sh libfdt-dev:arm64
                            ${TESSERA_DEPS_DIR}
                    RESULT_VARIABLE fetch_rc)
    if(NOT fetch_rc EQUAL 0)
        message(FATAL_ERROR "could not fetch libfdt-dev:arm64 (see the message above)")
    endif()
endif()
add_library(fdt_arm64 STATIC IMPORTED GLOBAL)
set_target_properties(fdt_arm64 PROPERTIES
    IMPORTED_LOCATION ${TESSERA_DEPS_DIR}/usr/lib/aarch64-linux-gnu/libfdt.a
    INTERFACE_INCLUDE_DIRECTORIES ${TESSERA_DEPS_DIR}/usr/include
    INTERFACE_LINK_LIBRARIES tlib) # libfdt.a needs memcpy, strlen, ... and the stack guard

# Compiler-provided freestanding headers (stdint.h, stddef.h, stdarg.h, ...) for every target.
include_directories(SYSTEM ${TESSERA_GCC_INCLUDE})

# tessera_flat_binary(TARGET OUTPUT): writes the flat binary OUTPUT from TARGET's ELF.
function(tessera_flat_binary target output)
    add_custom_command(TARGET ${target} POST_BUILD
        COMMAND ${CMAKE_OBJCOPY} -O binary $<TARGET_FILE:${target}> ${output}
        COMMENT "flat binary ${output}")
endfunction()
