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

// [-+]?[0-9]+ with at most 18 digits (a size or a layer's argument).
constexpr parsed_integer parse_integer(std::string_view s) noexcept {
    std::size_t k = 0;
    const bool negative = !s.empty() && s[0] == '-';
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) k = 1;
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

// a == b, ignoring ASCII case (b in lower case).
constexpr bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t k = 0; k < a.size(); ++k) {
        const char c = a[k] >= 'A' && a[k] <= 'Z' ? static_cast<char>(a[k] - 'A' + 'a') : a[k];
        if (c != b[k]) return false;
    }
    return true;
}

template <class T>
struct binary_format; // IEEE 754 binary32 and binary64
template <>
struct binary_format<double> {
    using bits = std::uint64_t;
    static constexpr int precision = 53, min_exponent = -1022, max_exponent = 1023;
};
template <>
struct binary_format<float> {
    using bits = std::uint32_t;
    static constexpr int precision = 24, min_exponent = -126, max_exponent = 127;
};

template <class T = double>
struct parsed_number {
    bool ok;
    T value;
};

// One value of the text format: [-+]0x<hex>[.<hex>]p[-+]<decimal> (at least
// one hex digit; 0X and P too), or inf, infinity, nan (any case, with a sign).
// The value must be one T holds exactly: the reader never rounds, so any number
// of digits is read, and a value that would be rounded, overflow to infinity or
// underflow to zero is refused (ok = false) like a malformed one. Every value
// write_text and Python's float.hex() write for a T is exact. Differential test
// against strtod/strtof: tests/runtime/io_text.cpp and tests/fuzz.
template <class T = double>
constexpr parsed_number<T> parse_hex(std::string_view s) noexcept {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
    using F = binary_format<T>;
    using bits_t = typename F::bits;
    constexpr parsed_number<T> refused{false, T(0)};
    constexpr int sign_shift = static_cast<int>(sizeof(T) * 8 - 1);
    std::size_t k = 0;
    bool negative = false;
    if (k < s.size() && (s[k] == '-' || s[k] == '+')) negative = s[k++] == '-';
    const bits_t sign = negative ? bits_t(1) << sign_shift : bits_t(0);
    const std::string_view rest = s.substr(k);
    if (equals_ignoring_case(rest, "inf") || equals_ignoring_case(rest, "infinity"))
        return {true, std::bit_cast<T>(sign | std::bit_cast<bits_t>(std::numeric_limits<T>::infinity()))};
    if (equals_ignoring_case(rest, "nan"))
        return {true, std::bit_cast<T>(sign | std::bit_cast<bits_t>(std::numeric_limits<T>::quiet_NaN()))};
    if (rest.size() < 2 || rest[0] != '0' || (rest[1] != 'x' && rest[1] != 'X')) return refused;
    k += 2;

    // The digits as m * 2^scale. m keeps the first 15 significant hex digits
    // (60 bits); a non-zero digit after them means more than 57 significant
    // bits, which no float or double holds exactly.
    std::uint64_t m = 0;
    long long scale = 0;
    int significant = 0;
    bool digits = false, point = false, inexact = false;
    for (; k < s.size() && s[k] != 'p' && s[k] != 'P'; ++k) {
        if (s[k] == '.' && !point) {
            point = true;
            continue;
        }
        const int d = hex_digit(s[k]);
        if (d < 0) return refused;
        digits = true;
        if (m == 0 && d == 0) { // a leading zero
            if (point) scale -= 4;
        } else if (significant < 15) {
            m = m * 16 + static_cast<std::uint64_t>(d);
            ++significant;
            if (point) scale -= 4;
        } else { // dropped: its place still counts before the point
            if (d != 0) inexact = true;
            if (!point) scale += 4;
        }
    }
    if (!digits || k == s.size()) return refused; // needs digits and "p<exponent>"
    ++k;
    bool exponent_negative = false;
    if (k < s.size() && (s[k] == '-' || s[k] == '+')) exponent_negative = s[k++] == '-';
    if (k == s.size()) return refused;
    long long exponent = 0; // saturates: anything beyond 2^40 is out of range for every m != 0
    for (; k < s.size(); ++k) {
        if (s[k] < '0' || s[k] > '9') return refused;
        if (exponent < (1LL << 40)) exponent = exponent * 10 + (s[k] - '0');
    }
    if (m == 0) return {true, std::bit_cast<T>(sign)}; // +-0, whatever the exponent
    if (inexact) return refused;
    long long lsb = scale + (exponent_negative ? -exponent : exponent); // value = m * 2^lsb
    while ((m & 1) == 0) {
        m >>= 1;
        ++lsb;
    }
    int length = 0;
    for (std::uint64_t t = m; t != 0; t >>= 1) ++length;
    const long long top = lsb + length - 1; // value in [2^top, 2^(top + 1))
    constexpr int min_lsb = F::min_exponent - (F::precision - 1);
    if (length > F::precision || top > F::max_exponent || lsb < min_lsb) return refused; // rounded, inf or 0
    bits_t b = 0;
    if (top >= F::min_exponent) { // normal: the leading 1 is implicit
        const bits_t fraction = static_cast<bits_t>(m << (F::precision - length)) & ((bits_t(1) << (F::precision - 1)) - 1);
        const auto biased = static_cast<bits_t>(top - F::min_exponent + 1);
        b = (biased << (F::precision - 1)) | fraction;
    } else { // subnormal: m * 2^lsb = (m << (lsb - min_lsb)) * 2^min_lsb
        b = static_cast<bits_t>(m << (lsb - min_lsb));
    }
    return {true, std::bit_cast<T>(sign | b)};
}

template <class T>
constexpr const char* scalar_name() {
    return std::is_same_v<T, float> ? "float" : "double";
}

} // namespace detail::io

} // namespace ctnn
