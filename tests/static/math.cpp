// Compile-time test for ctnn/core/math.hpp: every check is a static_assert
// (STATIC_REQUIRE), so this file only compiles if the functions are usable in
// constant evaluation and give the expected values, including all special
// values.  Must compile on GCC and Clang with default constexpr limits.

#include <ctnn/core/math.hpp>

#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace {

namespace cm = ctnn::math;

template <class T>
using bits_t = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;

template <class T>
constexpr std::int64_t ordinal(T x) {
    const auto b = std::bit_cast<bits_t<T>>(x);
    constexpr bits_t<T> sign = bits_t<T>(1) << (sizeof(T) * 8 - 1);
    const auto mag = static_cast<std::int64_t>(b & ~sign);
    return (b & sign) != 0 ? -mag : mag;
}

// |a - b| in ulp (false for NaN).
template <class T>
constexpr bool within_ulp(T a, T b, std::int64_t n) {
    if (a != a || b != b) return false;
    const std::int64_t d = ordinal(a) - ordinal(b);
    return (d < 0 ? -d : d) <= n;
}

template <class T>
constexpr bool same_bits(T a, T b) {
    return std::bit_cast<bits_t<T>>(a) == std::bit_cast<bits_t<T>>(b);
}

template <class T>
constexpr T pinf = std::numeric_limits<T>::infinity();
template <class T>
constexpr T qnan = std::numeric_limits<T>::quiet_NaN();
template <class T>
constexpr T tiny = std::numeric_limits<T>::denorm_min();
template <class T>
constexpr T nz = -T(0);

}  // namespace

TEST_CASE("math: helpers are constexpr", "[math][static]") {
    STATIC_REQUIRE(cm::isnan(qnan<double>));
    STATIC_REQUIRE(cm::isnan(qnan<float>));
    STATIC_REQUIRE(!cm::isnan(pinf<double>));
    STATIC_REQUIRE(cm::isfinite(std::numeric_limits<double>::max()));
    STATIC_REQUIRE(cm::isfinite(tiny<float>));
    STATIC_REQUIRE(!cm::isfinite(pinf<double>));
    STATIC_REQUIRE(!cm::isfinite(qnan<float>));
    STATIC_REQUIRE(same_bits(cm::abs(nz<double>), 0.0));
    STATIC_REQUIRE(cm::abs(-2.5f) == 2.5f);
    STATIC_REQUIRE(cm::abs(-pinf<double>) == pinf<double>);
    STATIC_REQUIRE(cm::isnan(cm::abs(qnan<double>)));

    STATIC_REQUIRE(cm::ldexp(1.0, -1074) == tiny<double>);
    STATIC_REQUIRE(cm::ldexp(1.0, -1075) == 0.0);                 // tie -> even (0)
    STATIC_REQUIRE(cm::ldexp(1.5, -1075) == tiny<double>);        // above the tie
    STATIC_REQUIRE(cm::ldexp(1.0, 1023) == 0x1p1023);
    STATIC_REQUIRE(cm::ldexp(1.0, 1024) == pinf<double>);
    STATIC_REQUIRE(cm::ldexp(-1.0, 5000) == -pinf<double>);
    STATIC_REQUIRE(cm::ldexp(tiny<double>, 1074) == 1.0);
    STATIC_REQUIRE(cm::ldexp(3.0, -2) == 0.75);
    STATIC_REQUIRE(same_bits(cm::ldexp(-1.0, -5000), -0.0));
    STATIC_REQUIRE(cm::isnan(cm::ldexp(qnan<double>, 3)));
    STATIC_REQUIRE(cm::ldexp(1.0f, -149) == tiny<float>);
    STATIC_REQUIRE(cm::ldexp(1.0f, 128) == pinf<float>);
    STATIC_REQUIRE(cm::ldexp(0x1.fffffep127f, 0) == std::numeric_limits<float>::max());
    STATIC_REQUIRE(cm::ldexp(tiny<float>, 149) == 1.0f);

    STATIC_REQUIRE([] {
        int e = 99;
        const double m = cm::frexp(8.0, &e);
        return m == 0.5 && e == 4;
    }());
    STATIC_REQUIRE([] {
        int e = 0;
        const double m = cm::frexp(-tiny<double>, &e);
        return m == -0.5 && e == -1073;
    }());
    STATIC_REQUIRE([] {
        int e = 0;
        const float m = cm::frexp(tiny<float>, &e);
        return m == 0.5f && e == -148;
    }());
    STATIC_REQUIRE([] {
        int e = 7;
        const double m = cm::frexp(pinf<double>, &e);
        return m == pinf<double> && e == 0;
    }());
}

TEST_CASE("math: exp", "[math][static]") {
    STATIC_REQUIRE(cm::exp(0.0) == 1.0);
    STATIC_REQUIRE(cm::exp(-0.0) == 1.0);
    STATIC_REQUIRE(cm::exp(0.0f) == 1.0f);
    STATIC_REQUIRE(within_ulp(cm::exp(1.0), 0x1.5bf0a8b145769p+1, 1));  // e
    STATIC_REQUIRE(within_ulp(cm::exp(1.0f), 0x1.5bf0a8p+1f, 1));
    STATIC_REQUIRE(within_ulp(cm::exp(-1.0), 0x1.78b56362cef38p-2, 1));
    STATIC_REQUIRE(within_ulp(cm::exp(10.0), 22026.465794806718, 1));
    STATIC_REQUIRE(within_ulp(cm::exp(0x1.62e42fefa39efp-1), 2.0, 1));  // exp(ln 2)
    STATIC_REQUIRE(cm::exp(-pinf<double>) == 0.0);
    STATIC_REQUIRE(cm::exp(pinf<double>) == pinf<double>);
    STATIC_REQUIRE(cm::exp(-pinf<float>) == 0.0f);
    STATIC_REQUIRE(cm::exp(pinf<float>) == pinf<float>);
    STATIC_REQUIRE(cm::isnan(cm::exp(qnan<double>)));
    STATIC_REQUIRE(cm::isnan(cm::exp(qnan<float>)));
    // overflow / underflow boundaries
    STATIC_REQUIRE(cm::exp(709.78) < pinf<double>);
    STATIC_REQUIRE(cm::exp(709.79) == pinf<double>);
    STATIC_REQUIRE(cm::exp(1e300) == pinf<double>);
    STATIC_REQUIRE(cm::exp(88.72283f) < pinf<float>);
    STATIC_REQUIRE(cm::exp(88.7229f) == pinf<float>);
    STATIC_REQUIRE(cm::exp(-745.0) == tiny<double>);  // subnormal result
    STATIC_REQUIRE(cm::exp(-746.0) == 0.0);
    STATIC_REQUIRE(cm::exp(-1e300) == 0.0);
    STATIC_REQUIRE((cm::exp(-708.5) > 0.0 && cm::exp(-708.5) < std::numeric_limits<double>::min()));
    STATIC_REQUIRE((cm::exp(-103.0f) > 0.0f && cm::exp(-103.0f) < std::numeric_limits<float>::min()));
    STATIC_REQUIRE(cm::exp(-104.0f) == 0.0f);
    STATIC_REQUIRE(within_ulp(cm::exp(-700.0), 0x1.14f2b0fb9307fp-1010, 1));
    // monotone around the reduction boundary k: 0 -> 1
    STATIC_REQUIRE(cm::exp(0.34657359027997264) <= cm::exp(0.34657359027997270));
}

TEST_CASE("math: expm1", "[math][static]") {
    STATIC_REQUIRE(same_bits(cm::expm1(0.0), 0.0));
    STATIC_REQUIRE(same_bits(cm::expm1(-0.0), -0.0));
    STATIC_REQUIRE(same_bits(cm::expm1(-0.0f), -0.0f));
    STATIC_REQUIRE(cm::expm1(1e-300) == 1e-300);
    STATIC_REQUIRE(cm::expm1(tiny<double>) == tiny<double>);
    STATIC_REQUIRE(within_ulp(cm::expm1(1e-10), 1.00000000005e-10, 1));
    STATIC_REQUIRE(within_ulp(cm::expm1(1.0), 0x1.b7e151628aed3p+0, 1));  // e - 1
    STATIC_REQUIRE(within_ulp(cm::expm1(1e-5f), 1.00000498e-5f, 1));
    STATIC_REQUIRE(cm::expm1(-pinf<double>) == -1.0);
    STATIC_REQUIRE(cm::expm1(pinf<double>) == pinf<double>);
    STATIC_REQUIRE(cm::expm1(-pinf<float>) == -1.0f);
    STATIC_REQUIRE(cm::expm1(pinf<float>) == pinf<float>);
    STATIC_REQUIRE(cm::expm1(-50.0) == -1.0);
    STATIC_REQUIRE(cm::expm1(-20.0f) == -1.0f);
    STATIC_REQUIRE(cm::expm1(710.0) == pinf<double>);
    STATIC_REQUIRE(cm::expm1(89.0f) == pinf<float>);
    STATIC_REQUIRE(cm::expm1(709.7) < pinf<double>);
    STATIC_REQUIRE(cm::isnan(cm::expm1(qnan<double>)));
    STATIC_REQUIRE(cm::isnan(cm::expm1(qnan<float>)));
}

TEST_CASE("math: log", "[math][static]") {
    STATIC_REQUIRE(same_bits(cm::log(1.0), 0.0));
    STATIC_REQUIRE(same_bits(cm::log(1.0f), 0.0f));
    STATIC_REQUIRE(within_ulp(cm::log(2.0), 0x1.62e42fefa39efp-1, 1));  // ln 2
    STATIC_REQUIRE(within_ulp(cm::log(0x1.5bf0a8b145769p+1), 1.0, 1));  // ln e
    STATIC_REQUIRE(within_ulp(cm::log(10.0), 2.302585092994046, 1));
    STATIC_REQUIRE(within_ulp(cm::log(10.0f), 2.30258509f, 1));
    STATIC_REQUIRE(within_ulp(cm::log(0.5), -0x1.62e42fefa39efp-1, 1));
    STATIC_REQUIRE(cm::log(0.0) == -pinf<double>);
    STATIC_REQUIRE(cm::log(-0.0) == -pinf<double>);
    STATIC_REQUIRE(cm::log(0.0f) == -pinf<float>);
    STATIC_REQUIRE(cm::isnan(cm::log(-1.0)));
    STATIC_REQUIRE(cm::isnan(cm::log(-tiny<double>)));
    STATIC_REQUIRE(cm::isnan(cm::log(-pinf<double>)));
    STATIC_REQUIRE(cm::isnan(cm::log(-1.0f)));
    STATIC_REQUIRE(cm::log(pinf<double>) == pinf<double>);
    STATIC_REQUIRE(cm::log(pinf<float>) == pinf<float>);
    STATIC_REQUIRE(cm::isnan(cm::log(qnan<double>)));
    STATIC_REQUIRE(cm::isnan(cm::log(qnan<float>)));
    // subnormal and extreme inputs
    STATIC_REQUIRE(within_ulp(cm::log(tiny<double>), -744.4400719213812, 1));
    STATIC_REQUIRE(within_ulp(cm::log(tiny<float>), -103.278931f, 1));
    STATIC_REQUIRE(within_ulp(cm::log(std::numeric_limits<double>::max()), 709.782712893384, 1));
    STATIC_REQUIRE(within_ulp(cm::log(std::numeric_limits<float>::max()), 88.7228394f, 1));
    STATIC_REQUIRE(within_ulp(cm::log(0x1p-1000), -693.1471805599453, 1));
}

TEST_CASE("math: log1p", "[math][static]") {
    STATIC_REQUIRE(same_bits(cm::log1p(0.0), 0.0));
    STATIC_REQUIRE(same_bits(cm::log1p(-0.0), -0.0));
    STATIC_REQUIRE(same_bits(cm::log1p(-0.0f), -0.0f));
    STATIC_REQUIRE(cm::log1p(tiny<double>) == tiny<double>);
    STATIC_REQUIRE(within_ulp(cm::log1p(1e-10), 9.9999999995e-11, 1));
    STATIC_REQUIRE(within_ulp(cm::log1p(1.0), 0x1.62e42fefa39efp-1, 1));
    STATIC_REQUIRE(within_ulp(cm::log1p(-0.5), -0x1.62e42fefa39efp-1, 1));
    STATIC_REQUIRE(within_ulp(cm::log1p(1e-6f), 9.99999543e-7f, 1));
    STATIC_REQUIRE(cm::log1p(-1.0) == -pinf<double>);
    STATIC_REQUIRE(cm::log1p(-1.0f) == -pinf<float>);
    STATIC_REQUIRE(cm::isnan(cm::log1p(-2.0)));
    STATIC_REQUIRE(cm::isnan(cm::log1p(-pinf<double>)));
    STATIC_REQUIRE(cm::isnan(cm::log1p(-1.5f)));
    STATIC_REQUIRE(cm::log1p(pinf<double>) == pinf<double>);
    STATIC_REQUIRE(cm::log1p(pinf<float>) == pinf<float>);
    STATIC_REQUIRE(cm::isnan(cm::log1p(qnan<double>)));
    STATIC_REQUIRE(cm::isnan(cm::log1p(qnan<float>)));
    STATIC_REQUIRE(within_ulp(cm::log1p(std::numeric_limits<double>::max()), 709.782712893384, 1));
}

TEST_CASE("math: sqrt", "[math][static]") {
    STATIC_REQUIRE(cm::sqrt(4.0) == 2.0);
    STATIC_REQUIRE(cm::sqrt(4.0f) == 2.0f);
    STATIC_REQUIRE(cm::sqrt(1.0) == 1.0);
    STATIC_REQUIRE(cm::sqrt(2.0) == 0x1.6a09e667f3bcdp+0);  // correctly rounded
    STATIC_REQUIRE(cm::sqrt(2.0f) == 0x1.6a09e6p+0f);
    STATIC_REQUIRE(cm::sqrt(3.0) == 0x1.bb67ae8584caap+0);
    STATIC_REQUIRE(cm::sqrt(0.5) == 0x1.6a09e667f3bcdp-1);
    STATIC_REQUIRE(cm::sqrt(1e300) == 1e150);
    STATIC_REQUIRE(cm::sqrt(152415787532388367501905199875019052100.0) == 12345678901234567890.0);
    STATIC_REQUIRE(cm::sqrt(tiny<double>) == 0x1p-537);
    STATIC_REQUIRE(cm::sqrt(tiny<float>) == 0x1.6a09e6p-75f);
    STATIC_REQUIRE(cm::sqrt(std::numeric_limits<double>::max()) == 0x1.fffffffffffffp+511);
    STATIC_REQUIRE(cm::sqrt(std::numeric_limits<float>::max()) == 0x1.fffffep+63f);
    STATIC_REQUIRE(same_bits(cm::sqrt(0.0), 0.0));
    STATIC_REQUIRE(same_bits(cm::sqrt(-0.0), -0.0));
    STATIC_REQUIRE(same_bits(cm::sqrt(-0.0f), -0.0f));
    STATIC_REQUIRE(cm::isnan(cm::sqrt(-1.0)));
    STATIC_REQUIRE(cm::isnan(cm::sqrt(-tiny<double>)));
    STATIC_REQUIRE(cm::isnan(cm::sqrt(-pinf<double>)));
    STATIC_REQUIRE(cm::isnan(cm::sqrt(-1.0f)));
    STATIC_REQUIRE(cm::sqrt(pinf<double>) == pinf<double>);
    STATIC_REQUIRE(cm::sqrt(pinf<float>) == pinf<float>);
    STATIC_REQUIRE(cm::isnan(cm::sqrt(qnan<double>)));
    STATIC_REQUIRE(cm::isnan(cm::sqrt(qnan<float>)));
    STATIC_REQUIRE([] {
        for (int i = 1; i < 200; ++i) {
            const double d = i;
            if (cm::sqrt(d * d) != d) return false;
            const float f = static_cast<float>(i);
            if (cm::sqrt(f * f) != f) return false;
        }
        return true;
    }());
}

TEST_CASE("math: tanh", "[math][static]") {
    STATIC_REQUIRE(same_bits(cm::tanh(0.0), 0.0));
    STATIC_REQUIRE(same_bits(cm::tanh(-0.0), -0.0));
    STATIC_REQUIRE(same_bits(cm::tanh(-0.0f), -0.0f));
    STATIC_REQUIRE(cm::tanh(pinf<double>) == 1.0);
    STATIC_REQUIRE(cm::tanh(-pinf<double>) == -1.0);
    STATIC_REQUIRE(cm::tanh(pinf<float>) == 1.0f);
    STATIC_REQUIRE(cm::tanh(-pinf<float>) == -1.0f);
    STATIC_REQUIRE(cm::tanh(30.0) == 1.0);
    STATIC_REQUIRE(cm::tanh(-10.0f) == -1.0f);
    STATIC_REQUIRE(cm::tanh(1e-300) == 1e-300);
    STATIC_REQUIRE(cm::tanh(-tiny<double>) == -tiny<double>);
    STATIC_REQUIRE(cm::isnan(cm::tanh(qnan<double>)));
    STATIC_REQUIRE(cm::isnan(cm::tanh(qnan<float>)));
    STATIC_REQUIRE(within_ulp(cm::tanh(0.5), 0.46211715726000974, 2));
    STATIC_REQUIRE(within_ulp(cm::tanh(1.0), 0.76159415595576485, 2));
    STATIC_REQUIRE(within_ulp(cm::tanh(1.0f), 0.761594176f, 1));
    STATIC_REQUIRE(within_ulp(cm::tanh(5.0), 0.99990920426259511, 2));
    STATIC_REQUIRE([] {  // odd symmetry, bounded by 1, monotone
        double prev = -1.0;
        for (int i = -400; i <= 400; ++i) {
            const double x = i / 16.0;
            const double t = cm::tanh(x);
            if (cm::tanh(-x) != -t || t < prev || t > 1.0 || t < -1.0) return false;
            const float xf = static_cast<float>(x);
            if (cm::tanh(-xf) != -cm::tanh(xf)) return false;
            prev = t;
        }
        return true;
    }());
}

TEST_CASE("math: sigmoid", "[math][static]") {
    STATIC_REQUIRE(cm::sigmoid(0.0) == 0.5);
    STATIC_REQUIRE(cm::sigmoid(-0.0) == 0.5);
    STATIC_REQUIRE(cm::sigmoid(0.0f) == 0.5f);
    STATIC_REQUIRE(cm::sigmoid(pinf<double>) == 1.0);
    STATIC_REQUIRE(cm::sigmoid(-pinf<double>) == 0.0);
    STATIC_REQUIRE(cm::sigmoid(pinf<float>) == 1.0f);
    STATIC_REQUIRE(cm::sigmoid(-pinf<float>) == 0.0f);
    STATIC_REQUIRE(cm::sigmoid(40.0) == 1.0);
    STATIC_REQUIRE(cm::sigmoid(1e300) == 1.0);
    STATIC_REQUIRE(cm::sigmoid(-1e300) == 0.0);
    STATIC_REQUIRE(cm::sigmoid(-1000.0) == 0.0);
    STATIC_REQUIRE(cm::sigmoid(-740.0) > 0.0);  // subnormal, no spurious 0
    STATIC_REQUIRE(cm::sigmoid(-100.0f) > 0.0f);
    STATIC_REQUIRE(cm::sigmoid(20.0f) == 1.0f);
    STATIC_REQUIRE(cm::isnan(cm::sigmoid(qnan<double>)));
    STATIC_REQUIRE(cm::isnan(cm::sigmoid(qnan<float>)));
    STATIC_REQUIRE(within_ulp(cm::sigmoid(1.0), 0.7310585786300049, 2));
    STATIC_REQUIRE(within_ulp(cm::sigmoid(-1.0), 0.2689414213699951, 2));
    STATIC_REQUIRE(within_ulp(cm::sigmoid(-30.0), 9.3576229688392989e-14, 2));
    STATIC_REQUIRE(within_ulp(cm::sigmoid(1.0f), 0.731058598f, 1));
    STATIC_REQUIRE([] {  // sigmoid(x) + sigmoid(-x) == 1 (to rounding), monotone
        double prev = 0.0;
        for (int i = -400; i <= 400; ++i) {
            const double x = i / 16.0;
            const double s = cm::sigmoid(x);
            const double sum = s + cm::sigmoid(-x);
            if (sum < 1.0 - 0x1p-52 || sum > 1.0 + 0x1p-52 || s < prev) return false;
            prev = s;
        }
        return true;
    }());
}

TEST_CASE("math: functions compose at compile time", "[math][static]") {
    STATIC_REQUIRE(within_ulp(cm::log(cm::exp(3.0)), 3.0, 2));
    STATIC_REQUIRE(within_ulp(cm::exp(cm::log(7.0)), 7.0, 2));
    STATIC_REQUIRE(within_ulp(cm::log1p(cm::expm1(0.25)), 0.25, 2));
    STATIC_REQUIRE(within_ulp(cm::sqrt(cm::exp(2.0)), cm::exp(1.0), 1));
    STATIC_REQUIRE(within_ulp(cm::log(cm::exp(3.0f)), 3.0f, 1));
}
