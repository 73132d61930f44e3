// gru_stream.cpp - a GRU streaming one sample at a time on a microcontroller;
// the same source is the firmware (device/, run in QEMU on the Cortex-M4F)
// and an ordinary host program (embedded_host_gru).
//
// The device draws the input samples itself, steps ctnn::stream over them
// from a zero state and compares each output with the compiler's (in flash),
// bit for bit. It prints a few outputs, the count, a footprint line (device
// only) and "result: ok"; exit status 0 only if every output matched.
// No printf, no heap, no exceptions (see main.cpp).
#include "gru_model.hpp"
#include "platform.hpp"

#include <bit>
#include <cstdint>

namespace {

void put(const char* text) noexcept { platform::write(text); }

void put_unsigned(std::uint32_t value) noexcept {
    char digits[11];
    char* p = digits + sizeof digits;
    *--p = '\0';
    do {
        *--p = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    put(p);
}

void put_hex(std::uint32_t value) noexcept {
    char digits[11] = {'0', 'x'};
    for (int k = 0; k < 8; ++k) digits[2 + k] = "0123456789abcdef"[(value >> (28 - 4 * k)) & 0xF];
    digits[10] = '\0';
    put(digits);
}

std::uint32_t bits(float value) noexcept { return std::bit_cast<std::uint32_t>(value); }

template <class T>
T opaque(T value) noexcept {
    volatile T copy = value;
    return copy;
}

} // namespace

int main() {
    using namespace embedded_gru;
    put("ctnn embedded example: streaming GRU, float, ");
    put_unsigned(static_cast<std::uint32_t>(hidden));
    put(" hidden units, ");
    put_unsigned(static_cast<std::uint32_t>(network::parameter_count));
    put(" parameters, one sample at a time\n");

    ctnn::stream s(trained); // the state (and a prepared copy of the parameters) in RAM
    signal x{ctnn::splitmix64{signal_seed}};
    std::uint32_t exact = 0;
    for (std::size_t n = 0; n < sample_count; ++n) {
        float y = s.step(x.next());
#ifdef CTNN_EMBEDDED_CONTROL_MISMATCH
        // Negative control: one output one unit in the last place off.
        if (n == sample_count / 2) y = std::bit_cast<float>(opaque(bits(y)) ^ 1u);
#endif
        const bool same = bits(y) == bits(expected_outputs[n]);
        exact += same ? 1 : 0;
        if (n % 64 == 63 || !same) {
            put("  sample ");
            put_unsigned(static_cast<std::uint32_t>(n));
            put(": device y=");
            put_hex(bits(y));
            put("  compile-time y=");
            put_hex(bits(expected_outputs[n]));
            put(same ? "  same\n" : "  DIFFERENT\n");
        }
    }
    put("gru stream: ");
    put_unsigned(exact);
    put("/");
    put_unsigned(static_cast<std::uint32_t>(sample_count));
    put(" outputs equal the compiler's, bit for bit\n");

    platform::footprint f{};
    if (platform::measure(f)) {
        put("footprint board=");
        put(f.board);
        put(" text=");
        put_unsigned(f.text);
        put(" data=");
        put_unsigned(f.data);
        put(" bss=");
        put_unsigned(f.bss);
        put(" stack_peak=");
        put_unsigned(f.stack_peak);
        put("\n");
    }
    const bool ok = exact == sample_count;
    put(ok ? "result: ok\n" : "result: FAILED\n");
    return ok ? 0 : 1;
}
