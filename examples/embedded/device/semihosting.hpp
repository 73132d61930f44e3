// semihosting.hpp - the two ARM semihosting calls the firmware needs, and
// nothing else (no newlib rdimon, no system-call layer).
//
// A semihosting call is `bkpt 0xab` with the operation in r0 and its argument
// in r1; a debugger or QEMU (-semihosting-config enable=on) performs it.
#pragma once

#include <cstdint>

namespace semihosting {

enum operation : std::uint32_t {
    write0 = 0x04,        // SYS_WRITE0: r1 = NUL-terminated string
    exit_extended = 0x20, // SYS_EXIT_EXTENDED: r1 = {reason, exit code}
};

inline std::uint32_t call(std::uint32_t op, const void* argument) noexcept {
    std::uint32_t result;
    __asm__ volatile("mov r0, %1\n\t"
                     "mov r1, %2\n\t"
                     "bkpt 0xab\n\t"
                     "mov %0, r0"
                     : "=r"(result)
                     : "r"(op), "r"(argument)
                     : "r0", "r1", "memory");
    return result;
}

inline void write(const char* text) noexcept { call(write0, text); }

// ADP_Stopped_ApplicationExit with a status: QEMU exits with that status.
// (Plain SYS_EXIT only tells success from failure.)
[[noreturn]] inline void exit(int status) noexcept {
    const std::uint32_t block[2] = {0x20026, static_cast<std::uint32_t>(status)};
    call(exit_extended, block);
    for (;;) __asm__ volatile("bkpt 0"); // no semihosting host: stop here
}

} // namespace semihosting
