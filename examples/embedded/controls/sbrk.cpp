// sbrk.cpp - negative control: the system call newlib's malloc needs, over a
// static array. With it, a heap-using firmware links unless the no-heap guard
// stops it.
#include <cstddef>

namespace {
alignas(8) char arena[1024];
std::size_t used = 0;
}

extern "C" void* _sbrk(std::ptrdiff_t increment) {
    if (increment < 0 || used + static_cast<std::size_t>(increment) > sizeof arena) return reinterpret_cast<void*>(-1);
    void* p = arena + used;
    used += static_cast<std::size_t>(increment);
    return p;
}
