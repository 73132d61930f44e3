# measure_inference.cmake - instructions per inference of the digits
# classifier on the Cortex-M0 (QEMU -M microbit), float against int8,
# counted exactly.
#
#   cmake -DQEMU=<qemu-system-arm> -DCOUNTER=<count_instructions> -DSIZE=<arm-none-eabi-size>
#         -DFLOAT_ELF=<...> -DINT8_ELF=<...> -DWORK_DIR=<dir> [-DTIMEOUT=<s>] -P measure_inference.cmake
#
# Method: QEMU runs the measurement firmware with -singlestep (one guest
# instruction per translation block) and -d exec,nochain (a log line for
# every block executed), so the log holds one line per instruction executed,
# with its function's name. count_instructions counts the lines in each
# window between the marker calls ctnn_measure_begin / ctnn_measure_end. The
# firmware opens three windows: empty (the markers' own cost: the call of
# the end marker), 100 `nop`s (must count exactly 100 more: the method
# counts exactly), and one inference (input quantisation or conversion
# included). Instructions per inference = that window − the empty one.
# The count does not depend on timing: QEMU's TCG executes the same
# instructions every run, with or without -icount.
#
# Prints for each model
#   inference board=microbit model=<float|int8> instructions=<n> text=<bytes> stack_peak=<bytes>
# (text and stack_peak: the measurement firmware's footprint line, text
# checked against `size`), and fails unless int8 needs at most a quarter of
# float's instructions and its parameters at most a third of float's bytes.
cmake_minimum_required(VERSION 3.20)
foreach(var QEMU COUNTER SIZE FLOAT_ELF INT8_ELF WORK_DIR)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "measure_inference.cmake: -D${var}=... is required")
    endif()
endforeach()
if(NOT DEFINED TIMEOUT)
    set(TIMEOUT 60)
endif()
file(MAKE_DIRECTORY ${WORK_DIR})

function(measure model elf)
    set(log ${WORK_DIR}/exec-${model}.log)
    file(REMOVE ${log})
    execute_process(
        COMMAND ${QEMU} -M microbit -nographic -monitor none -serial none
                -semihosting-config enable=on,target=native -singlestep -d exec,nochain -D ${log} -kernel ${elf}
        TIMEOUT ${TIMEOUT} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
    set(out "${out}${err}") # semihosting writes to either, depending on QEMU's build
    message("${out}")
    if(NOT status EQUAL 0 OR NOT out MATCHES "result: ok")
        message(FATAL_ERROR "${elf}: exit status ${status}, or no 'result: ok'")
    endif()
    if(NOT out MATCHES "model_bytes=([0-9]+)")
        message(FATAL_ERROR "${elf}: no model_bytes")
    endif()
    set(model_bytes ${CMAKE_MATCH_1})
    if(NOT out MATCHES "footprint board=microbit text=([0-9]+) data=([0-9]+) bss=([0-9]+) stack_peak=([0-9]+)")
        message(FATAL_ERROR "${elf}: no footprint line")
    endif()
    set(text ${CMAKE_MATCH_1})
    set(stack ${CMAKE_MATCH_4})
    execute_process(COMMAND ${SIZE} -B ${elf} OUTPUT_VARIABLE size_out)
    if(NOT size_out MATCHES "\n *([0-9]+)[ \t]")
        message(FATAL_ERROR "could not read sizes of ${elf}")
    endif()
    if(NOT text EQUAL CMAKE_MATCH_1)
        message(FATAL_ERROR "${elf}: footprint text=${text}, size says ${CMAKE_MATCH_1}")
    endif()
    execute_process(COMMAND ${COUNTER} ${log} RESULT_VARIABLE count_status OUTPUT_VARIABLE counts ERROR_VARIABLE count_err)
    file(REMOVE ${log}) # tens of megabytes for the float network
    if(NOT count_status EQUAL 0)
        message(FATAL_ERROR "counting ${log} failed: ${count_err}")
    endif()
    string(STRIP "${counts}" counts)
    string(REPLACE "\n" ";" counts "${counts}")
    list(LENGTH counts windows)
    if(NOT windows EQUAL 3)
        message(FATAL_ERROR "${elf}: expected 3 measured windows, found ${windows} (${counts})")
    endif()
    list(GET counts 0 empty)
    list(GET counts 1 nops)
    list(GET counts 2 inference)
    math(EXPR nop_count "${nops} - ${empty}")
    if(NOT nop_count EQUAL 100)
        message(FATAL_ERROR "${elf}: the window of 100 nops counted ${nop_count}: the count is not exact")
    endif()
    math(EXPR instructions "${inference} - ${empty}")
    message("windows: empty ${empty}, 100 nops ${nops} (exactly 100 more), inference ${inference}")
    set(${model}_instructions ${instructions} PARENT_SCOPE)
    set(${model}_text ${text} PARENT_SCOPE)
    set(${model}_stack ${stack} PARENT_SCOPE)
    set(${model}_model_bytes ${model_bytes} PARENT_SCOPE)
endfunction()

measure(float ${FLOAT_ELF})
measure(int8 ${INT8_ELF})
foreach(model float int8)
    message("inference board=microbit model=${model} instructions=${${model}_instructions} text=${${model}_text} stack_peak=${${model}_stack}")
endforeach()
message("parameters in flash: float ${float_model_bytes} bytes, int8 ${int8_model_bytes} bytes")

# The issue's targets: at least 4 times fewer instructions, at most a third of the bytes.
math(EXPR four_int8 "4 * ${int8_instructions}")
if(four_int8 GREATER float_instructions)
    message(FATAL_ERROR "int8 inference takes ${int8_instructions} instructions, more than a quarter of float's ${float_instructions}")
endif()
math(EXPR three_int8 "3 * ${int8_model_bytes}")
if(three_int8 GREATER float_model_bytes)
    message(FATAL_ERROR "int8 parameters take ${int8_model_bytes} bytes, more than a third of float's ${float_model_bytes}")
endif()
math(EXPR ratio_tenths "10 * ${float_instructions} / ${int8_instructions}")
math(EXPR whole "${ratio_tenths} / 10")
math(EXPR tenth "${ratio_tenths} % 10")
message("ok: float needs ${whole}.${tenth} times the instructions of int8 per inference")
