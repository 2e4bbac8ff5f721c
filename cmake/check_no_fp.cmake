# check_no_fp.cmake: fails when an EL2 image holds an FP/SIMD or SVE instruction outside the
# functions allowed to have them (the vCPU context switch's own, arch/arm64/fpsimd.S). The
# hypervisor's C code is built with -mgeneral-regs-only; anything else touching those registers
# at EL2 would overwrite a guest's, which are switched only when a vCPU enters or leaves.
#   cmake -DOBJDUMP=aarch64-linux-gnu-objdump -DELF=tessera.elf -DALLOWED=f,g -P check_no_fp.cmake
cmake_minimum_required(VERSION 3.25)
if(NOT OBJDUMP OR NOT ELF)
    message(FATAL_ERROR "check_no_fp.cmake: OBJDUMP and ELF must be given")
endif()
string(REPLACE "," ";" ALLOWED "${ALLOWED}")
execute_process(COMMAND ${OBJDUMP} -d --no-show-raw-insn ${ELF}
                OUTPUT_VARIABLE dis ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${OBJDUMP} -d ${ELF} failed: ${err}")
endif()
# One list element per line (a ';' in the text would split one).
string(REPLACE ";" "," dis "${dis}")
string(REPLACE "\n" ";" lines "${dis}")
set(fn "")
set(found "")
foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-f]+ <([^>]+)>:$")
        set(fn "${CMAKE_MATCH_1}")
    elseif(NOT fn IN_LIST ALLOWED)
        # An operand that is a SIMD&FP register (b/h/s/d/q/v 0-31), an SVE register (z0-z31,
        # p0-p15) or FPCR/FPSR. Branch targets ("d20 <sym>") are followed by a space, not ','.
        if(line MATCHES "[\t ,{]([bhsdqvz]([0-9]|[12][0-9]|3[01])|p([0-9]|1[0-5]))([.,}/]|$)"
           OR line MATCHES "[\t ,](fpcr|fpsr)(,|$)")
            string(STRIP "${line}" line)
            string(APPEND found "\n  ${fn}: ${line}")
        endif()
    endif()
endforeach()
if(found)
    message(FATAL_ERROR "${ELF}: FP/SIMD instruction outside ${ALLOWED}:${found}\n"
                        "EL2 code must not touch the FP/SIMD registers: they hold a guest's.")
endif()
