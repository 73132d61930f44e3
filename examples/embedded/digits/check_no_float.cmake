# check_no_float.cmake - proves an ELF does no floating-point arithmetic: on a
# Cortex-M0 (no FPU) every float or double operation is a call into libgcc's
# software floating point, so none of its symbols may be in the symbol table.
#
#   cmake -DNM=<arm-none-eabi-nm> -DELF=<firmware.elf> [-DEXPECT_FLOAT=ON] -P check_no_float.cmake
#
# The names: the ARM EABI helpers (__aeabi_fadd, __aeabi_fmul, __aeabi_f2iz,
# __aeabi_i2f, __aeabi_dadd, __aeabi_d2f, __aeabi_fcmplt, ... : __aeabi_ then
# f or d, or a conversion ending in 2f/2d/2iz/2uiz/2lz/2ulz, or a d/f
# comparison) and libgcc's generic ones (__addsf3, __mulsf3, __divdf3,
# __floatsisf, __fixsfsi, __eqsf2, __extendsfdf2, __truncdfsf2, ...).
# EXPECT_FLOAT=ON (the negative control): the ELF must contain some.
cmake_minimum_required(VERSION 3.20)
foreach(var NM ELF)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "check_no_float.cmake: -D${var}=... is required")
    endif()
endforeach()
execute_process(COMMAND ${NM} ${ELF} RESULT_VARIABLE status OUTPUT_VARIABLE symbols ERROR_VARIABLE err)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${NM} ${ELF} failed: ${err}")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(found "")
foreach(line IN LISTS lines)
    if(line MATCHES "[ \t]([A-Za-z_][A-Za-z0-9_]*)$")
        set(name ${CMAKE_MATCH_1})
        if(name MATCHES "^__aeabi_([fd][a-z0-9]*|[a-z0-9]*2(f|d|iz|uiz|lz|ulz))$"
           OR name MATCHES "^__(add|sub|mul|div|neg|eq|ne|lt|le|gt|ge|un|cmp)[sdtx]f[23]$"
           OR name MATCHES "^__(float|fix|fixuns)[a-z]*[sdtx]f[a-z]*$"
           OR name MATCHES "^__(extend|trunc)[sdtx]f[sdtx]f2$")
            list(APPEND found ${name})
        endif()
    endif()
endforeach()
list(REMOVE_DUPLICATES found)
if(EXPECT_FLOAT)
    if(found)
        list(JOIN found ", " found_text)
        message("ok: the control's software floating point is found: ${found_text}")
        return()
    endif()
    message(FATAL_ERROR "${ELF}: expected software floating-point symbols (the control does a float operation), found none")
endif()
if(found)
    list(JOIN found ", " found_text)
    message(FATAL_ERROR "${ELF}: floating-point arithmetic is linked in: ${found_text}")
endif()
message("ok: no software floating-point symbol in ${ELF}")
