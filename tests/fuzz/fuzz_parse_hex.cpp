// libFuzzer target: ctnn's number parser (detail::io::parse_hex<T>, what
// read_text reads values with) against glibc's strtod/strtof. The input is one
// token. parse_hex<T> must accept it exactly when it is a well-formed number
// (hexadecimal with a p exponent, inf, infinity, nan; no decimals) that T holds
// exactly, and then give the bits strtod (strtof) gives. "Exact": strtold
// rounding down and rounding up agree, and that long double is a T.
// Any disagreement aborts (__builtin_trap): libFuzzer reports it as a crash.
#include <ctnn/io/chars.hpp>

#include <bit>
#include <cfenv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace {

// The grammar parse_hex reads, written independently of it.
bool well_formed(std::string_view s) {
    std::size_t k = 0;
    if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
    std::string lower;
    for (std::size_t j = k; j < s.size(); ++j) lower += static_cast<char>(s[j] >= 'A' && s[j] <= 'Z' ? s[j] + 32 : s[j]);
    if (lower == "inf" || lower == "infinity" || lower == "nan") return true;
    if (lower.size() < 2 || lower[0] != '0' || lower[1] != 'x') return false;
    std::size_t j = 2, digits = 0;
    const auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
    while (j < lower.size() && is_hex(lower[j])) ++j, ++digits;
    if (j < lower.size() && lower[j] == '.') ++j;
    while (j < lower.size() && is_hex(lower[j])) ++j, ++digits;
    if (digits == 0 || j == lower.size() || lower[j] != 'p') return false;
    ++j;
    if (j < lower.size() && (lower[j] == '+' || lower[j] == '-')) ++j;
    if (j == lower.size()) return false;
    for (; j < lower.size(); ++j)
        if (lower[j] < '0' || lower[j] > '9') return false;
    return true;
}

template <class T>
void check(const std::string& s) {
    using bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
    const auto got = ctnn::detail::io::parse_hex<T>(s);
    bool expect_ok = well_formed(s);
    T expected{};
    if (expect_ok) {
        char* end = nullptr;
        std::fesetround(FE_DOWNWARD);
        const long double down = std::strtold(s.c_str(), &end);
        std::fesetround(FE_UPWARD);
        const long double up = std::strtold(s.c_str(), nullptr);
        std::fesetround(FE_TONEAREST);
        if (end != s.c_str() + s.size()) __builtin_trap(); // the grammar above is wrong
        if constexpr (std::is_same_v<T, double>) expected = std::strtod(s.c_str(), nullptr);
        else expected = std::strtof(s.c_str(), nullptr);
        const bool nan = expected != expected;
        // strtold is exact to 64 bits and normal down to 2^-16382: a value it
        // cannot hold exactly (more than 64 significant bits) is not a T either.
        if (!nan && (down != up || static_cast<long double>(static_cast<T>(down)) != down)) expect_ok = false;
    }
    if (got.ok != expect_ok) __builtin_trap();
    if (!got.ok) return;
    if (expected != expected) {
        if (got.value == got.value) __builtin_trap();
        if ((std::bit_cast<bits>(got.value) >> (8 * sizeof(T) - 1)) != (std::bit_cast<bits>(expected) >> (8 * sizeof(T) - 1)))
            __builtin_trap();
    } else if (std::bit_cast<bits>(got.value) != std::bit_cast<bits>(expected)) {
        __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) return 0;
    const std::string s(reinterpret_cast<const char*>(data), size);
    if (s.find('\0') != std::string::npos) {
        // strtod stops at a NUL; parse_hex sees the whole token and must refuse it.
        if (ctnn::detail::io::parse_hex<double>(s).ok || ctnn::detail::io::parse_hex<float>(s).ok) __builtin_trap();
        return 0;
    }
    check<double>(s);
    check<float>(s);
    return 0;
}
