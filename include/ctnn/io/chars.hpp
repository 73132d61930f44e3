// ctnn/io/chars.hpp - characters in and out: the sinks writers emit into,
// and exact hexadecimal floating point both ways.
//
// Writers emit one char at a time through `put`, any callable taking a char
// (ctnn::char_sink): a UART, a file (`[&](char c) { std::fputc(c, f); }`), or a
// fixed-size ctnn::char_buffer<N>. No heap, no exceptions, no iostreams, and
// everything is constexpr. Numbers are hexadecimal floating point
// (0x1.8p+1 = 3): exact, so a value read back holds the very same bits.
#pragma once

#include <ctnn/core/math.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

namespace ctnn {

// A sink for the writers: keeps the first N chars, counts the rest.
template <std::size_t N>
struct char_buffer {
    std::array<char, N> data{};
    std::size_t size = 0;
    bool overflowed = false; // true: the text was longer than N and is cut off

    constexpr void operator()(char c) noexcept {
        if (size < N) data[size++] = c;
        else overflowed = true;
    }
    constexpr std::string_view view() const noexcept { return {data.data(), size}; }
};

// A sink that only counts: the buffer size a text needs.
struct char_counter {
    std::size_t count = 0;
    constexpr void operator()(char) noexcept { ++count; }
};

namespace detail::io {

template <class Put>
constexpr void put_string(Put& put, std::string_view s) {
    for (char c : s) put(c);
}

template <class Put>
constexpr void put_unsigned(Put& put, unsigned long long v) {
    char digits[20]{};
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
        v /= 10;
    } while (v != 0);
    while (n > 0) put(digits[--n]);
}

template <class Put>
constexpr void put_signed(Put& put, long long v) {
    if (v < 0) {
        put('-');
        put_unsigned(put, static_cast<unsigned long long>(-(v + 1)) + 1u);
    } else {
        put_unsigned(put, static_cast<unsigned long long>(v));
    }
}

// The exact value of x in hexadecimal floating point, as C99's %a and Python's
// float.hex() (trailing zero digits dropped): -0x1.8p+1, 0x1p-3, 0x0p+0. A float
// is written through its (exact) double. Non-finite: inf, -inf, nan.
template <class Put>
constexpr void put_hex(Put& put, double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    if (bits >> 63) put('-');
    auto exponent_field = static_cast<int>((bits >> 52) & 0x7FF);
    std::uint64_t fraction = bits & 0x000FFFFFFFFFFFFFull;
    if (exponent_field == 0x7FF) {
        put_string(put, fraction != 0 ? "nan" : "inf");
        return;
    }
    if (exponent_field == 0 && fraction == 0) {
        put_string(put, "0x0p+0");
        return;
    }
    int exponent = exponent_field - 1023;
    if (exponent_field == 0) { // subnormal: normalise, the exponent goes below -1022
        exponent = -1022;
        while ((fraction & (1ull << 52)) == 0) {
            fraction <<= 1;
            --exponent;
        }
        fraction &= 0x000FFFFFFFFFFFFFull;
    }
    put_string(put, "0x1");
    if (fraction != 0) {
        put('.');
        int last = 12; // index of the last non-zero hex digit
        while (((fraction >> (48 - 4 * last)) & 0xF) == 0) --last;
        for (int k = 0; k <= last; ++k) {
            const auto digit = static_cast<int>((fraction >> (48 - 4 * k)) & 0xF);
            put(static_cast<char>(digit < 10 ? '0' + digit : 'a' + digit - 10));
        }
    }
    put('p');
    put(exponent < 0 ? '-' : '+');
    put_unsigned(put, static_cast<unsigned long long>(exponent < 0 ? -exponent : exponent));
}

struct parsed_integer {
    bool ok;
    long long value;
};

constexpr parsed_integer parse_integer(std::string_view s) noexcept {
    std::size_t k = 0;
    const bool negative = !s.empty() && s[0] == '-';
    if (negative) k = 1;
    if (k == s.size() || s.size() - k > 18) return {false, 0};
    long long v = 0;
    for (; k < s.size(); ++k) {
        if (s[k] < '0' || s[k] > '9') return {false, 0};
        v = v * 10 + (s[k] - '0');
    }
    return {true, negative ? -v : v};
}

constexpr int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

struct parsed_number {
    bool ok;
    double value;
};

// [-+]0x<hex>[.<hex>]p[-+]<decimal>, inf, nan. Exact for every value that has at
// most 16 significant hex digits and is representable (all that write_text and
// float.hex() produce).
constexpr parsed_number parse_hex(std::string_view s) noexcept {
    std::size_t k = 0;
    bool negative = false;
    if (k < s.size() && (s[k] == '-' || s[k] == '+')) negative = s[k++] == '-';
    const std::string_view rest = s.substr(k);
    if (rest == "inf" || rest == "infinity")
        return {true, negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity()};
    if (rest == "nan") return {true, std::numeric_limits<double>::quiet_NaN()};
    if (rest.size() < 2 || rest[0] != '0' || (rest[1] != 'x' && rest[1] != 'X')) return {false, 0.0};
    k += 2;
    std::uint64_t mantissa = 0;
    int significant = 0, fraction_digits = 0, digits = 0;
    bool in_fraction = false;
    for (; k < s.size() && s[k] != 'p' && s[k] != 'P'; ++k) {
        if (s[k] == '.' && !in_fraction) {
            in_fraction = true;
            continue;
        }
        const int d = hex_digit(s[k]);
        if (d < 0) return {false, 0.0};
        ++digits;
        if (mantissa == 0 && d == 0) {
            if (in_fraction) ++fraction_digits;
            continue;
        }
        if (++significant > 16) return {false, 0.0};
        mantissa = mantissa * 16 + static_cast<std::uint64_t>(d);
        if (in_fraction) ++fraction_digits;
    }
    if (digits == 0 || k + 1 >= s.size()) return {false, 0.0}; // needs digits and "p<exponent>"
    const parsed_integer e = parse_integer(s[k + 1] == '+' ? s.substr(k + 2) : s.substr(k + 1));
    if (!e.ok) return {false, 0.0};
    const long long exponent = e.value - 4LL * fraction_digits;
    const int clamped = exponent > 4000 ? 4000 : (exponent < -4000 ? -4000 : static_cast<int>(exponent));
    const double magnitude = math::ldexp(static_cast<double>(mantissa), clamped);
    return {true, negative ? -magnitude : magnitude};
}

template <class T>
constexpr const char* scalar_name() {
    return std::is_same_v<T, float> ? "float" : "double";
}

} // namespace detail::io

} // namespace ctnn
