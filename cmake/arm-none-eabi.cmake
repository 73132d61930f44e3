# CMake toolchain file for bare-metal ARM (Cortex-M) with the GNU Arm
# Embedded toolchain (Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi,
# libstdc++-arm-none-eabi-newlib).
#
#   cmake -S <project> -B <build> -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake
#
# The CPU is not chosen here: one firmware project builds for several cores
# (Cortex-M4F and Cortex-M0), so the -mcpu/-mfloat-abi flags belong to each
# target (compile and link options alike, so the linker picks the matching
# multilib of newlib and libstdc++). Do not pass -DCMAKE_CXX_FLAGS for CPU
# flags; use CTNN_ARM_CPU_FLAGS below if a project wants one CPU for all.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CTNN_ARM_TOOLCHAIN_PREFIX "arm-none-eabi-" CACHE STRING "Prefix of the bare-metal ARM tools")
find_program(CMAKE_C_COMPILER ${CTNN_ARM_TOOLCHAIN_PREFIX}gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER ${CTNN_ARM_TOOLCHAIN_PREFIX}g++ REQUIRED)
find_program(CMAKE_ASM_COMPILER ${CTNN_ARM_TOOLCHAIN_PREFIX}gcc REQUIRED)
find_program(CMAKE_OBJCOPY ${CTNN_ARM_TOOLCHAIN_PREFIX}objcopy)
find_program(CMAKE_SIZE ${CTNN_ARM_TOOLCHAIN_PREFIX}size)
find_program(CMAKE_NM ${CTNN_ARM_TOOLCHAIN_PREFIX}nm)

# There is no system-call layer to link a test program against (on purpose:
# see examples/embedded), so CMake's compiler checks build a static library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Optional CPU flags for every target of a single-CPU project, in the _INIT
# variables so that a user's CMAKE_CXX_FLAGS adds to them instead of
# replacing them.
set(CTNN_ARM_CPU_FLAGS "" CACHE STRING "CPU flags for all targets, e.g. -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
if(CTNN_ARM_CPU_FLAGS)
    set(CMAKE_C_FLAGS_INIT "${CTNN_ARM_CPU_FLAGS}")
    set(CMAKE_CXX_FLAGS_INIT "${CTNN_ARM_CPU_FLAGS}")
    set(CMAKE_ASM_FLAGS_INIT "${CTNN_ARM_CPU_FLAGS}")
    set(CMAKE_EXE_LINKER_FLAGS_INIT "${CTNN_ARM_CPU_FLAGS}")
endif()

# Never look for libraries or headers of the build machine: /usr/include
# would drag glibc's headers into the firmware.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
