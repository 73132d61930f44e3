// startup.cpp - from reset to main and back out, for a Cortex-M with no
// operating system, no C runtime start-up files and no system-call layer.
//
// Reset: enable the FPU (Cortex-M4F: any float instruction before this is a
// HardFault), paint the unused stack with a pattern, copy .data from flash,
// zero .bss, run static constructors, call main, and leave through
// semihosting with main's status. The linker script (sections.ld) provides
// the symbols used here.
#include "../platform.hpp"
#include "semihosting.hpp"

#include <cstddef>
#include <cstdint>

extern "C" {
extern std::uint32_t __flash_start[], __text_end[];
extern std::uint32_t __data_start[], __data_end[], __data_load[];
extern std::uint32_t __bss_start[], __bss_end[];
extern std::uint32_t __stack_limit[], __stack_top[];
using constructor = void (*)();
extern constructor __init_array_start[], __init_array_end[];

[[noreturn]] void Reset_Handler() noexcept;
[[noreturn]] void Fault_Handler() noexcept;
void Ignore_Handler() noexcept;
}

// main, by its symbol: C++ forbids naming ::main in an expression.
int application_main() __asm__("main");

namespace {

constexpr std::uint32_t stack_pattern = 0xC7A5C7A5;

using handler = void (*)();

// ARMv6-M and ARMv7-M: initial stack pointer, then 15 system exceptions.
// No interrupt is enabled, so no IRQ vectors follow.
struct vector_table {
    std::uint32_t* initial_stack_pointer;
    handler exceptions[15];
};

} // namespace

extern "C" constinit const vector_table vectors __attribute__((section(".vectors"), used)) = {
    __stack_top,
    {
        Reset_Handler,
        Ignore_Handler, // NMI
        Fault_Handler,  // HardFault
        Fault_Handler,  // MemManage (M3/M4)
        Fault_Handler,  // BusFault (M3/M4)
        Fault_Handler,  // UsageFault (M3/M4)
        nullptr, nullptr, nullptr, nullptr,
        Ignore_Handler, // SVCall
        Ignore_Handler, // DebugMonitor
        nullptr,
        Ignore_Handler, // PendSV
        Ignore_Handler, // SysTick
    },
};

extern "C" void Reset_Handler() noexcept {
#if defined(__ARM_FP)
    // CPACR: full access to coprocessors 10 and 11 (the FPU).
    auto* const cpacr = reinterpret_cast<volatile std::uint32_t*>(0xE000ED88);
    *cpacr = *cpacr | (0xFu << 20);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    // Paint the stack below this function's frame. Volatile stores, so that
    // the compiler does not turn the loop into a call to memset, whose own
    // frame would lie in the region it paints.
    std::uint32_t* sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (volatile std::uint32_t* p = __stack_limit; p < sp; ++p) *p = stack_pattern;

    const std::uint32_t* from = __data_load;
    for (std::uint32_t* to = __data_start; to < __data_end;) *to++ = *from++;
    for (std::uint32_t* p = __bss_start; p < __bss_end;) *p++ = 0;
    for (constructor* c = __init_array_start; c < __init_array_end; ++c) (*c)();

    semihosting::exit(application_main());
}

extern "C" void Fault_Handler() noexcept {
    semihosting::write("ctnn firmware: fault exception (HardFault or a configurable fault)\n");
    semihosting::exit(3);
}

extern "C" void Ignore_Handler() noexcept {}

namespace platform {

void write(const char* text) noexcept { semihosting::write(text); }

bool measure(footprint& out) noexcept {
    const auto bytes = [](const void* begin, const void* end) {
        return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(end) -
                                          reinterpret_cast<std::uintptr_t>(begin));
    };
    const std::uint32_t* untouched = __stack_limit;
    while (untouched < __stack_top && *untouched == stack_pattern) ++untouched;
    out.board = CTNN_EMBEDDED_BOARD;
    out.text = bytes(__flash_start, __text_end);
    out.data = bytes(__data_start, __data_end) + bytes(__init_array_start, __init_array_end);
    out.bss = bytes(__bss_start, __bss_end);
    out.stack_peak = bytes(untouched, __stack_top);
    out.stack_size = bytes(__stack_limit, __stack_top);
    return true;
}

} // namespace platform
