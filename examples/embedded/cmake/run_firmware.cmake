# run_firmware.cmake - runs a firmware in QEMU and judges it by its exit
# status (CTest's PASS_REGULAR_EXPRESSION would ignore the status).
#
#   cmake -DQEMU=<qemu-system-arm> -DMACHINE=<board> -DELF=<firmware.elf>
#         -DSIZE=<arm-none-eabi-size> -DTIMEOUT=<seconds>
#         [-DEXPECT=ok|mismatch|hang] [-DMAX_TEXT=<bytes>] [-DMAX_STACK=<bytes>]
#         [-DHOST_PROGRAM=<embedded_host>] -P run_firmware.cmake
#
# EXPECT=ok (default): exit status 0, "result: ok", and a footprint line whose
#   text/data/bss equal what `size` reads from the ELF (within MAX_TEXT and
#   MAX_STACK when given). With HOST_PROGRAM, every line of the report (the
#   outputs' bits, losses, counts) must also be one the host program prints:
#   the ARM compiler, the host compiler and both machines agree.
# EXPECT=mismatch: the firmware must report a difference and exit with 1.
# EXPECT=hang: the firmware must be stopped by the timeout.
# EXPECT=host_mismatch: as ok, but some line of the report must NOT be one the
#   HOST_PROGRAM prints (a control: two programs that should differ do).
cmake_minimum_required(VERSION 3.20)
foreach(var QEMU MACHINE ELF TIMEOUT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "run_firmware.cmake: -D${var}=... is required")
    endif()
endforeach()
if(NOT DEFINED EXPECT)
    set(EXPECT ok)
endif()

execute_process(
    COMMAND ${QEMU} -M ${MACHINE} -nographic -monitor none -serial none
            -semihosting-config enable=on,target=native -kernel ${ELF}
    TIMEOUT ${TIMEOUT}
    RESULT_VARIABLE status
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
set(output "${out}${err}")
message("${output}")
message("qemu-system-arm -M ${MACHINE}: exit status ${status}")

function(fail why)
    message(FATAL_ERROR "${ELF}: ${why}")
endfunction()

if(EXPECT STREQUAL "hang")
    if(status MATCHES "timeout")
        message("ok: the hung firmware was stopped after ${TIMEOUT} s and fails its test")
        return()
    endif()
    fail("expected the run to time out, got status '${status}'")
endif()
if(status MATCHES "timeout")
    fail("no exit within ${TIMEOUT} s (hung firmware)")
endif()

if(EXPECT STREQUAL "mismatch")
    if(status EQUAL 1 AND output MATCHES "DIFFER" AND output MATCHES "result: FAILED")
        message("ok: the difference is caught and the exit status says so")
        return()
    endif()
    fail("expected a reported difference and exit status 1, got '${status}'")
endif()

if(NOT status EQUAL 0)
    fail("exit status ${status}")
endif()
if(NOT output MATCHES "result: ok")
    fail("exit status 0 but no 'result: ok'")
endif()
if(NOT output MATCHES "footprint board=([^ ]+) text=([0-9]+) data=([0-9]+) bss=([0-9]+) stack_peak=([0-9]+)")
    fail("no footprint line")
endif()
set(board ${CMAKE_MATCH_1})
set(text ${CMAKE_MATCH_2})
set(data ${CMAKE_MATCH_3})
set(bss ${CMAKE_MATCH_4})
set(stack ${CMAKE_MATCH_5})
if(NOT board STREQUAL MACHINE)
    fail("footprint line names board ${board}, QEMU ran ${MACHINE}")
endif()

# The firmware measures its sizes from linker symbols; `size` must agree.
if(DEFINED SIZE)
    execute_process(COMMAND ${SIZE} -B ${ELF} RESULT_VARIABLE size_status OUTPUT_VARIABLE size_out)
    if(NOT size_status EQUAL 0 OR NOT size_out MATCHES "\n *([0-9]+)[ \t]+([0-9]+)[ \t]+([0-9]+)")
        fail("could not read sizes with ${SIZE}")
    endif()
    if(NOT (text EQUAL CMAKE_MATCH_1 AND data EQUAL CMAKE_MATCH_2 AND bss EQUAL CMAKE_MATCH_3))
        fail("footprint text=${text} data=${data} bss=${bss}, but size says text=${CMAKE_MATCH_1} "
             "data=${CMAKE_MATCH_2} bss=${CMAKE_MATCH_3}")
    endif()
endif()
if(DEFINED MAX_TEXT AND text GREATER MAX_TEXT)
    fail("text is ${text} bytes, over the budget of ${MAX_TEXT}")
endif()
if(DEFINED MAX_STACK AND stack GREATER MAX_STACK)
    fail("peak stack is ${stack} bytes, over the budget of ${MAX_STACK}")
endif()

if(DEFINED HOST_PROGRAM)
    execute_process(COMMAND ${HOST_PROGRAM} TIMEOUT ${TIMEOUT} RESULT_VARIABLE host_status OUTPUT_VARIABLE host_out)
    if(NOT host_status EQUAL 0)
        fail("the host program ${HOST_PROGRAM} failed (${host_status})")
    endif()
    string(REPLACE "\n" ";" host_lines "${host_out}")
    string(REPLACE "\n" ";" device_lines "${output}")
    set(compared 0)
    set(unmatched 0)
    foreach(line IN LISTS device_lines)
        if(line STREQUAL "" OR line MATCHES "^footprint ")
            continue()
        endif()
        list(FIND host_lines "${line}" at)
        if(at EQUAL -1)
            if(NOT EXPECT STREQUAL "host_mismatch")
                fail("the device printed a line the host program does not:\n  ${line}")
            endif()
            math(EXPR unmatched "${unmatched} + 1")
        endif()
        math(EXPR compared "${compared} + 1")
    endforeach()
    if(EXPECT STREQUAL "host_mismatch")
        if(unmatched EQUAL 0)
            fail("expected some of the ${compared} lines to differ from the host program's; all are equal")
        endif()
        message("ok: ${unmatched} of ${compared} lines differ from the host program's, as expected")
        return()
    endif()
    message("ok: all ${compared} lines of the report are the host program's too")
endif()
