// platform.hpp - the little the example needs from where it runs.
//
// On the device (device/startup.cpp) text goes out through semihosting and
// the footprint comes from the linker's symbols and the painted stack; on the
// host (platform_host.cpp) text goes to stdout and there is no footprint.
#pragma once

#include <cstdint>

namespace platform {

// Writes a NUL-terminated string, as is.
void write(const char* text) noexcept;

struct footprint {
    const char* board;
    std::uint32_t text;       // flash: code and read-only data (weights included)
    std::uint32_t data;       // RAM initialised from flash (also occupies flash)
    std::uint32_t bss;        // RAM zeroed at start-up
    std::uint32_t stack_peak; // deepest stack use seen since reset
    std::uint32_t stack_size; // stack reserved by the linker script
};

// False where there is nothing to measure (the host).
bool measure(footprint& out) noexcept;

} // namespace platform
