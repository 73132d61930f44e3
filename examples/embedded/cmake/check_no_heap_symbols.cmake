# check_no_heap_symbols.cmake - reads a firmware's symbol table and fails if
# any heap function or operator new/delete is in it, defined or referenced.
#
#   cmake -DNM=<arm-none-eabi-nm> -DELF=<firmware.elf> [-DEXPECT_HEAP=ON] -P check_no_heap_symbols.cmake
#
# EXPECT_HEAP=ON is the negative control: the ELF is known to allocate, and
# the check passes only if it finds the symbols.
cmake_minimum_required(VERSION 3.20)
foreach(var NM ELF)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "check_no_heap_symbols.cmake: -D${var}=... is required")
    endif()
endforeach()

execute_process(COMMAND ${NM} ${ELF} RESULT_VARIABLE status OUTPUT_VARIABLE symbols ERROR_VARIABLE err)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${NM} ${ELF} failed: ${err}")
endif()

# The C allocator and newlib's reentrant versions, the system call under it,
# and every operator new/delete (Itanium manglings; size_t is unsigned int on
# 32-bit ARM, unsigned long elsewhere).
set(heap_symbol_regex
    "^(_?malloc(_r)?|_?free(_r)?|_?calloc(_r)?|_?realloc(_r)?|_?memalign(_r)?|aligned_alloc|posix_memalign|_?sbrk(_r)?|_Zn[wa][jm].*|_Zd[la]Pv.*)$")
string(REPLACE "\n" ";" lines "${symbols}")
set(found "")
foreach(line IN LISTS lines)
    # "<address> <type> <name>" or "         U <name>"
    if(line MATCHES "^[0-9a-fA-F ]+ ([A-Za-z]) ([^ ]+)$")
        set(type ${CMAKE_MATCH_1})
        set(name ${CMAKE_MATCH_2})
        if(name MATCHES "${heap_symbol_regex}")
            list(APPEND found "${name} (${type})")
        endif()
    endif()
endforeach()

list(LENGTH lines count)
if(EXPECT_HEAP)
    if(found)
        string(REPLACE ";" ", " listed "${found}")
        message("ok (negative control): the check finds the heap in ${ELF}: ${listed}")
        return()
    endif()
    message(FATAL_ERROR "negative control: ${ELF} allocates, yet no heap symbol was found")
endif()
if(found)
    string(REPLACE ";" ", " listed "${found}")
    message(FATAL_ERROR "${ELF} contains heap symbols: ${listed}")
endif()
message("ok: none of ${count} symbols in ${ELF} belongs to a heap")
