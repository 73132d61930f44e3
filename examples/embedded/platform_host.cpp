// platform_host.cpp - the example as an ordinary host program.
#include "platform.hpp"

#include <cstdio>

namespace platform {

void write(const char* text) noexcept { std::fputs(text, stdout); }

bool measure(footprint&) noexcept { return false; }

} // namespace platform
