# cmake -DBUILD_DIR=<ctnn build tree> -DPREFIX=<dir> -P install_to_prefix.cmake
# Installs ctnn from its build tree into an empty prefix, as a user's
# `cmake --install` would.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" --component ctnn
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "cmake --install failed: ${result}")
endif()
foreach(file include/ctnn/ctnn.hpp include/ctnn/version.hpp
             share/cmake/ctnn/ctnnConfig.cmake share/cmake/ctnn/ctnnConfigVersion.cmake
             share/cmake/ctnn/ctnnTargets.cmake)
    if(NOT EXISTS "${PREFIX}/${file}")
        message(FATAL_ERROR "not installed: ${file}")
    endif()
endforeach()
# Every header of the source tree is installed (none is forgotten by a list).
file(GLOB_RECURSE headers RELATIVE "${SOURCE_DIR}/include" "${SOURCE_DIR}/include/*.hpp")
foreach(header IN LISTS headers)
    if(NOT EXISTS "${PREFIX}/include/${header}")
        message(FATAL_ERROR "not installed: include/${header}")
    endif()
endforeach()
list(LENGTH headers count)
message(STATUS "installed ${count} headers and the CMake package into ${PREFIX}")
