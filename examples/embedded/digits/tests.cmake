# tests.cmake - the digits classifier on the Cortex-M0 in QEMU, float and
# int8 (docs/embedded.md, "int8 on the Cortex-M0"); included by
# examples/embedded/CMakeLists.txt, which defines the variables used here and
# labels every test in embedded_tests `embedded`.
#
# Host side: the same main.cpp as two host programs, whose every line the
# device must also print (outputs' checksum, correct counts). Device side:
#   embedded_qemu_microbit_digits_{int8,float}  probes bit for bit, 360 images, host lines
#   embedded_control_mismatch_microbit_digits   one probe off by one: the run fails
#   embedded_digits_no_float_microbit_*         no soft-float symbol in the int8 ELFs
#   embedded_control_digits_float_symbols       a float operation added: found
#   embedded_digits_inference_microbit          instructions per inference, float vs int8
set(digits_dir ${CMAKE_CURRENT_SOURCE_DIR}/digits)
# The models, quantised by the (host) compiler once for both programs.
add_library(embedded_digits_host_models OBJECT ${digits_dir}/images.cpp ${digits_dir}/model_float.cpp
                                               ${digits_dir}/model_int8.cpp)
add_dependencies(embedded_digits_host_models digits_int8_model)
foreach(model float int8)
    if(model STREQUAL "int8")
        set(is_int8 1)
    else()
        set(is_int8 0)
    endif()
    set(host embedded_digits_host_${model})
    add_executable(${host} ${digits_dir}/main.cpp platform_host.cpp $<TARGET_OBJECTS:embedded_digits_host_models>)
    target_compile_definitions(${host} PRIVATE CTNN_DIGITS_INT8=${is_int8})
    add_test(NAME ${host} COMMAND ${host})
    set_tests_properties(${host} PROPERTIES LABELS embedded TIMEOUT 60)
endforeach()
foreach(target embedded_digits_host_models embedded_digits_host_float embedded_digits_host_int8)
    target_link_libraries(${target} PRIVATE ctnn::ctnn ctnn_project_options)
    target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/examples/digits_int8 ${CTNN_DIGITS_FLOAT_MODEL_DIR})
    # Two roundings as on the Cortex-M0 (no FMA there), whatever flags the
    # host is built with (-march=native would otherwise select the FMA path).
    target_compile_definitions(${target} PRIVATE CTNN_DIGITS_MEASURE=0 CTNN_FMA=0)
    target_compile_options(${target} PRIVATE -fno-exceptions -fno-rtti)
endforeach()
add_executable(embedded_count_instructions ${digits_dir}/count_instructions.cpp)
target_link_libraries(embedded_count_instructions PRIVATE ctnn_project_options)

foreach(model float int8)
    add_test(NAME embedded_qemu_microbit_digits_${model}
             COMMAND ${CMAKE_COMMAND} -DQEMU=${CTNN_QEMU_ARM} -DMACHINE=microbit
                     -DELF=${firmware_dir}/microbit-digits-${model}.elf -DSIZE=${CTNN_ARM_SIZE} -DTIMEOUT=60
                     -DHOST_PROGRAM=$<TARGET_FILE:embedded_digits_host_${model}> -P ${scripts}/run_firmware.cmake)
    list(APPEND embedded_tests embedded_qemu_microbit_digits_${model})
endforeach()
add_test(NAME embedded_control_mismatch_microbit_digits
         COMMAND ${CMAKE_COMMAND} -DQEMU=${CTNN_QEMU_ARM} -DMACHINE=microbit
                 -DELF=${firmware_dir}/microbit-digits-control-mismatch.elf -DTIMEOUT=60 -DEXPECT=mismatch
                 -P ${scripts}/run_firmware.cmake)
foreach(elf int8 int8-measure)
    add_test(NAME embedded_digits_no_float_microbit_${elf}
             COMMAND ${CMAKE_COMMAND} -DNM=${CTNN_ARM_NM} -DELF=${firmware_dir}/microbit-digits-${elf}.elf
                     -P ${digits_dir}/check_no_float.cmake)
    list(APPEND embedded_tests embedded_digits_no_float_microbit_${elf})
endforeach()
add_test(NAME embedded_control_digits_float_symbols
         COMMAND ${CMAKE_COMMAND} -DNM=${CTNN_ARM_NM} -DELF=${firmware_dir}/microbit-digits-control-float.elf
                 -DEXPECT_FLOAT=ON -P ${digits_dir}/check_no_float.cmake)
add_test(NAME embedded_digits_inference_microbit
         COMMAND ${CMAKE_COMMAND} -DQEMU=${CTNN_QEMU_ARM} -DCOUNTER=$<TARGET_FILE:embedded_count_instructions>
                 -DSIZE=${CTNN_ARM_SIZE} -DFLOAT_ELF=${firmware_dir}/microbit-digits-float-measure.elf
                 -DINT8_ELF=${firmware_dir}/microbit-digits-int8-measure.elf
                 -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/digits_measure -P ${digits_dir}/measure_inference.cmake)
list(APPEND embedded_tests embedded_control_mismatch_microbit_digits embedded_control_digits_float_symbols
            embedded_digits_inference_microbit)
