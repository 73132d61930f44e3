// Compile-time test for ctnn/core/fma.hpp: ctnn::fma in constant evaluation
// (the software fma) gives the correctly rounded results, with the values the
// hardware instruction gives (the expected values below are x86-64 vfmadd's;
// tests/runtime/fma.cpp compares the two on random triples). Covers halfway
// cases, cancellation, subnormal results, overflow, signed zeros, infinities
// and NaN. Must compile on GCC and Clang with default constexpr limits.
#include <ctnn/core/fma.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <limits>

namespace {

template <class T>
struct triple {
    T a, b, c, expected;
};

constexpr std::array<triple<double>, 18> double_cases{{
    {0x1.0000000000001p+0, 0x1.0000000000001p+0, -0x1.0000000000002p+0, 0x1p-104}, // the ε² a product keeps
    {0x1.0000000000001p+0, 0x1.ffffffffffffep-1, -0x1p+0, -0x1p-104},
    {0x1p-53, 0x1p+0, 0x1p+0, 0x1p+0},                                             // a tie: to even (down)
    {0x1p-53, 0x1.0000000000001p+0, 0x1p+0, 0x1.0000000000001p+0},                 // a hair above the tie: up
    {0x1.8p-52, 0x1p+0, 0x1p+0, 0x1.0000000000002p+0},                             // a tie: to even (up)
    {0x1.999999999999ap-4, 0x1.4p+3, -0x1p+0, 0x1p-54},                            // 0.1·10 − 1
    {0x1p-1022, 0x1p-1, 0x0p+0, 0x0.8p-1022},                                      // subnormal result
    {0x1p-1022, 0x1p-1, -0x0.0000000000001p-1022, 0x0.7ffffffffffffp-1022},
    {0x0.0000000000001p-1022, 0x1p-1, 0x0p+0, 0x0p+0},                             // a tie below the least subnormal
    {0x0.0000000000001p-1022, 0x1p-1, 0x0.0000000000001p-1022, 0x0.0000000000002p-1022},
    {0x0.0000000000003p-1022, 0x1p-1, 0x0p+0, 0x0.0000000000002p-1022},
    {0x1.0000000000001p-1022, 0x1.8p-1, -0x1p-1022, -0x0.3ffffffffffffp-1022},     // cancellation into subnormals
    {0x1.fffffffffffffp+1023, 0x1p+1, -0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+1023}, // product beyond max
    {0x1.5555555555555p-2, 0x1.8p+1, -0x1p+0, -0x1p-54},
    {-0x0p+0, 0x1p+0, -0x0p+0, -0x0p+0},
    {0x1.fffffffffffffp-1, 0x1.fffffffffffffp-1, -0x1p+0, -0x1p-52},
    {0x1p-600, 0x1p-600, 0x1p+0, 0x1p+0},                                         // addend far above (sticky)
    {0x1p+0, 0x1p+0, -0x1p+0, 0x0p+0},                                            // exact cancellation: +0
}};

constexpr std::array<triple<float>, 12> float_cases{{
    {0x1.000002p+0f, 0x1.000002p+0f, -0x1.000004p+0f, 0x1p-46f},
    {0x1p-24f, 0x1p+0f, 0x1p+0f, 0x1p+0f},
    {0x1.8p-23f, 0x1p+0f, 0x1p+0f, 0x1.000004p+0f},
    {0x1.99999ap-4f, 0x1.4p+3f, -0x1p+0f, 0x1p-26f},
    {0x1p-126f, 0x1p-1f, 0x0p+0f, 0x1p-127f},
    {0x1p-149f, 0x1p-1f, 0x1p-149f, 0x1p-148f},
    {0x1.8p-148f, 0x1p-1f, 0x0p+0f, 0x1p-148f},
    {0x1.fffffep+127f, 0x1p+1f, -0x1.fffffep+127f, 0x1.fffffep+127f},
    {0x1.555556p-2f, 0x1.8p+1f, -0x1p+0f, 0x1p-25f},
    {0x1.fffffep-1f, 0x1.fffffep-1f, -0x1p+0f, -0x1p-23f},
    {0x1p-80f, 0x1p-80f, 0x1p+0f, 0x1p+0f},
    {-0x1p-80f, 0x1p-80f, 0x0p+0f, -0x0p+0f}, // underflow to zero keeps the exact result's sign
}};

template <class T, std::size_t N>
constexpr bool all_correct(const std::array<triple<T>, N>& cases) {
    using B = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    for (const auto& t : cases)
        if (std::bit_cast<B>(ctnn::fma(t.a, t.b, t.c)) != std::bit_cast<B>(t.expected)) return false;
    return true;
}

template <class T>
constexpr bool specials() {
    using B = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    constexpr T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN(),
                big = std::numeric_limits<T>::max();
    const auto is_nan = [](T x) { return x != x; };
    const auto bits = [](T x) { return std::bit_cast<B>(x); };
    return ctnn::fma(big, T(2), T(0)) == inf && ctnn::fma(-big, T(2), T(0)) == -inf &&  // overflow
           ctnn::fma(inf, T(2), T(1)) == inf && ctnn::fma(T(2), T(3), -inf) == -inf &&
           is_nan(ctnn::fma(inf, T(0), T(1))) && is_nan(ctnn::fma(inf, T(1), -inf)) &&  // invalid
           is_nan(ctnn::fma(nan, T(1), T(1))) && is_nan(ctnn::fma(T(1), T(1), nan)) &&
           bits(ctnn::fma(T(0), T(1), -T(0))) == bits(T(0)) &&                           // +0 + −0 = +0
           bits(ctnn::fma(-T(0), T(1), -T(0))) == bits(-T(0)) &&                         // −0 + −0 = −0
           bits(ctnn::fma(T(0), T(5), T(-3))) == bits(T(-3));
}

} // namespace

TEST_CASE("ctnn::fma is correctly rounded in constant evaluation", "[fma]") {
    STATIC_REQUIRE(all_correct(double_cases));
    STATIC_REQUIRE(all_correct(float_cases));
    STATIC_REQUIRE(specials<double>());
    STATIC_REQUIRE(specials<float>());
}

TEST_CASE("ctnn::multiply_add rounds once on the FMA path, twice otherwise", "[fma]") {
    STATIC_REQUIRE(ctnn::multiply_add(0x1.999999999999ap-4, 10.0, -1.0) == (ctnn::fma_path<double> ? 0x1p-54 : 0.0));
    STATIC_REQUIRE(ctnn::multiply_add(0x1.99999ap-4f, 10.0f, -1.0f) == (ctnn::fma_path<float> ? 0x1p-26f : 0.0f));
}
