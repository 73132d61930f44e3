# expect_link_failure.cmake - builds a target that must fail to link, and
# checks that it failed for the expected reason.
#
#   cmake -DBUILD_DIR=<firmware build dir> -DTARGET=<target> -DEXPECT=<regex> -P expect_link_failure.cmake
cmake_minimum_required(VERSION 3.20)
foreach(var BUILD_DIR TARGET EXPECT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "expect_link_failure.cmake: -D${var}=... is required")
    endif()
endforeach()

execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(output "${out}${err}")
if(status EQUAL 0)
    message("${output}")
    message(FATAL_ERROR "${TARGET} linked, but it allocates: the proof did not fire")
endif()
if(NOT output MATCHES "${EXPECT}")
    message("${output}")
    message(FATAL_ERROR "${TARGET} failed to build, but not with the expected message (${EXPECT})")
endif()
string(REGEX MATCH "[^\n]*${EXPECT}[^\n]*" line "${output}")
message("ok (negative control): ${TARGET} does not link: ${line}")
