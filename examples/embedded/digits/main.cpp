// main.cpp - the digits classifier on a Cortex-M0, in float (software
// floating point) or in int8 (integer arithmetic only), chosen by
// CTNN_DIGITS_INT8. The same source is an ordinary host program (the QEMU
// tests require every line the device prints to be one the host prints).
//
// CTNN_DIGITS_MEASURE=0: inference on the 8 probe images, each output equal
//   bit for bit to the compiler's; then all 360 held-out images: correct
//   count and a checksum of every output; the footprint line.
// CTNN_DIGITS_MEASURE=1: three windows between the marker functions
//   ctnn_measure_begin and ctnn_measure_end, whose instructions the test
//   counts in QEMU's execution log (digits/measure_inference.cmake): an empty
//   window (the markers' own cost), 100 `nop`s (proves the count exact), and
//   one inference. The footprint line.
//
// The int8 build contains no float operation: its input is quantised by a
// table lookup, its outputs compared as integers, its report integers only
// (checked on the ELF: digits/check_no_float.cmake).
#include "../platform.hpp"
#include "images.hpp"
#include "model.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#ifndef CTNN_DIGITS_INT8
#define CTNN_DIGITS_INT8 1
#endif

// The window markers: real calls the compiler cannot remove or move
// (noinline, a memory clobber), named so that QEMU's log shows them.
extern "C" __attribute__((noinline)) void ctnn_measure_begin() noexcept { __asm__ volatile("" ::: "memory"); }
extern "C" __attribute__((noinline)) void ctnn_measure_end() noexcept { __asm__ volatile("" ::: "memory"); }

namespace {

using namespace digits_device;

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

[[maybe_unused]] void put_hex(std::uint32_t value) noexcept {
    char digits[11] = {'0', 'x'};
    for (int k = 0; k < 8; ++k) digits[2 + k] = "0123456789abcdef"[(value >> (28 - 4 * k)) & 0xF];
    digits[10] = '\0';
    put(digits);
}

#if CTNN_DIGITS_INT8
constexpr const char* model_name = "int8";
using output_type = int8_network::output_type;

__attribute__((noinline)) void infer(std::size_t image, output_type& y) noexcept {
    int8_network::input_type x;
    for (std::size_t i = 0; i < 64; ++i) x[i] = int8_pixel_codes[images[image][i]];
    y = int8_model.forward(x);
}

std::uint32_t bits(std::int8_t v) noexcept { return static_cast<std::uint8_t>(v); }
const output_type& expected(std::size_t n) noexcept { return int8_expected[n]; }
#else
constexpr const char* model_name = "float";
using output_type = float_network::output_type;

__attribute__((noinline)) void infer(std::size_t image, output_type& y) noexcept {
    float_network::input_type x;
    for (std::size_t i = 0; i < 64; ++i) x[i] = static_cast<float>(images[image][i]) * 0.0625f; // /16, exact
    y = float_model.forward(x);
}

std::uint32_t bits(float v) noexcept { return std::bit_cast<std::uint32_t>(v); }
const output_type& expected(std::size_t n) noexcept { return float_expected[n]; }
#endif

// The largest output's index, compared through the values' order as
// integers (int8) or as floats (float build only).
[[maybe_unused]] std::size_t predicted(const output_type& y) noexcept {
    std::size_t best = 0;
    for (std::size_t j = 1; j < y.size(); ++j)
        if (y[j] > y[best]) best = j;
    return best;
}

bool equal_bits(const output_type& a, const output_type& b) noexcept {
    for (std::size_t j = 0; j < a.size(); ++j)
        if (bits(a[j]) != bits(b[j])) return false;
    return true;
}

void put_footprint() noexcept {
    platform::footprint f{};
    if (!platform::measure(f)) return;
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

} // namespace

int main() {
    bool ok = true;
    output_type y{};
#if CTNN_DIGITS_MEASURE
    ctnn_measure_begin();
    ctnn_measure_end();
    ctnn_measure_begin();
    __asm__ volatile(".rept 100\n\tnop\n\t.endr" ::: "memory");
    ctnn_measure_end();
    ctnn_measure_begin();
    infer(0, y);
    ctnn_measure_end();
    const bool same = equal_bits(y, expected(0));
    put("digits model=");
    put(model_name);
    put(same ? ": measured inference, output equal to the compiler's" : ": measured inference, output DIFFERS from the compiler's");
    put("; parameters in flash: model_bytes=");
#if CTNN_DIGITS_INT8
    put_unsigned(static_cast<std::uint32_t>(sizeof int8_model));
#else
    put_unsigned(static_cast<std::uint32_t>(sizeof float_model));
#endif
    put("\n");
    ok = same;
#else
    std::size_t equal = 0;
    for (std::size_t n = 0; n < probe_count; ++n) {
        infer(n, y);
#ifdef CTNN_DIGITS_CONTROL_MISMATCH
        if (n == 3) y[0] = static_cast<output_type::value_type>(y[0] + 1);
#endif
        equal += equal_bits(y, expected(n));
    }
    put("digits model=");
    put(model_name);
    put(": ");
    put_unsigned(static_cast<std::uint32_t>(equal));
    put("/");
    put_unsigned(static_cast<std::uint32_t>(probe_count));
    put(equal == probe_count ? " probe outputs equal the compiler's, bit for bit\n"
                             : " probe outputs equal the compiler's: some DIFFER\n");
    ok = equal == probe_count;

    // FNV-1a over every output's bits, image by image.
    std::uint32_t checksum = 2166136261u;
    std::size_t correct = 0;
    for (std::size_t n = 0; n < image_count; ++n) {
        infer(n, y);
        correct += predicted(y) == labels[n];
        for (const auto v : y) {
            std::uint32_t b = bits(v);
            for (int k = 0; k < 4; ++k, b >>= 8) checksum = (checksum ^ (b & 0xFF)) * 16777619u;
        }
    }
    put("digits model=");
    put(model_name);
    put(": ");
    put_unsigned(static_cast<std::uint32_t>(correct));
    put("/");
    put_unsigned(static_cast<std::uint32_t>(image_count));
    put(" held-out images correct, outputs checksum ");
    put_hex(checksum);
    put("\n");
#endif
#ifdef CTNN_DIGITS_CONTROL_FLOAT
    // Negative control of the no-float proof: one float operation on the
    // result, which links a soft-float helper the ELF check must find.
    static volatile float scale = 0.5f;
    if (static_cast<float>(y[0]) * scale > 1e9f) put("(never)\n");
#endif
    put_footprint();
    put(ok ? "result: ok\n" : "result: FAILED\n");
    return ok ? 0 : 1;
}
