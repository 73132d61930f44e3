# firmware.cmake - the digits classifier on the Cortex-M0 (microbit), float
# and int8; included by device/CMakeLists.txt, which defines firmware() and
# the boards. Needs CTNN_DIGITS_FLOAT_MODEL_DIR: the folder where the host
# build's examples/digits_int8 writes digits_float_model.hpp.
if(NOT CTNN_DIGITS_FLOAT_MODEL_DIR OR NOT EXISTS ${CTNN_DIGITS_FLOAT_MODEL_DIR}/digits_float_model.hpp)
    message(STATUS "ctnn firmware: no digits_float_model.hpp (CTNN_DIGITS_FLOAT_MODEL_DIR='${CTNN_DIGITS_FLOAT_MODEL_DIR}'): "
                   "the digits firmware is not built")
    return()
endif()
set(digits_dir ${example_dir}/digits)
add_library(digits_options INTERFACE)
target_include_directories(digits_options INTERFACE ${ctnn_dir}/examples/digits_int8 ${CTNN_DIGITS_FLOAT_MODEL_DIR})

# The models (compile-time quantisation: a few seconds), built once.
foreach(model float int8)
    add_library(digits_model_${model} OBJECT ${digits_dir}/model_${model}.cpp)
    target_link_libraries(digits_model_${model} PRIVATE firmware_options digits_options)
    target_compile_options(digits_model_${model} PRIVATE ${microbit_cpu} -ffp-contract=off)
    set_property(SOURCE ${digits_dir}/model_${model}.cpp APPEND PROPERTY OBJECT_DEPENDS
                 ${CTNN_DIGITS_FLOAT_MODEL_DIR}/digits_float_model.hpp)
endforeach()

# firmware(microbit-digits-<model>[-measure] ...): all 360 held-out images, or
# (-measure) one image and the instruction-count windows.
foreach(model float int8)
    if(model STREQUAL "int8")
        set(is_int8 1)
    else()
        set(is_int8 0)
    endif()
    foreach(measure 0 1)
        set(name microbit-digits-${model})
        if(measure)
            set(name ${name}-measure)
        endif()
        firmware(${name} BOARD microbit
                 SOURCES ${digits_dir}/main.cpp ${digits_dir}/images.cpp $<TARGET_OBJECTS:digits_model_float>
                         $<TARGET_OBJECTS:digits_model_int8>
                 DEFINITIONS CTNN_DIGITS_INT8=${is_int8} CTNN_DIGITS_MEASURE=${measure})
        target_link_libraries(${name} PRIVATE digits_options)
    endforeach()
endforeach()
# Negative controls: one probe output off by one must fail the run; one float
# operation in the int8 firmware must be found by the no-float check.
firmware(microbit-digits-control-mismatch BOARD microbit
         SOURCES ${digits_dir}/main.cpp ${digits_dir}/images.cpp $<TARGET_OBJECTS:digits_model_float>
                 $<TARGET_OBJECTS:digits_model_int8>
         DEFINITIONS CTNN_DIGITS_INT8=1 CTNN_DIGITS_MEASURE=0 CTNN_DIGITS_CONTROL_MISMATCH)
target_link_libraries(microbit-digits-control-mismatch PRIVATE digits_options)
firmware(microbit-digits-control-float BOARD microbit
         SOURCES ${digits_dir}/main.cpp ${digits_dir}/images.cpp $<TARGET_OBJECTS:digits_model_float>
                 $<TARGET_OBJECTS:digits_model_int8>
         DEFINITIONS CTNN_DIGITS_INT8=1 CTNN_DIGITS_MEASURE=0 CTNN_DIGITS_CONTROL_FLOAT)
target_link_libraries(microbit-digits-control-float PRIVATE digits_options)
