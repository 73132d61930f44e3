// ctnn/core/math.hpp - constexpr elementary functions for ctnn.
//
// Every function here is usable in constant evaluation on GCC (>= 12) and
// Clang (>= 14) and gives bit-identical results at compile time and at run
// time.  <cmath> is neither included nor called.
//
// Public API (namespace ctnn::math, T = float or double; any other T is a
// compile error "ctnn::math supports float and double only"):
//
//   T    exp(T x)            e^x
//   T    expm1(T x)          e^x - 1, accurate near 0
//   T    log(T x)            natural logarithm
//   T    log1p(T x)          log(1 + x), accurate near 0
//   T    sqrt(T x)           correctly rounded square root
//   T    tanh(T x)           hyperbolic tangent
//   T    sigmoid(T x)        logistic function 1 / (1 + e^-x)
//   T    abs(T x)            |x| (clears the sign bit; abs(-0) = +0, abs(NaN) = NaN)
//   bool isnan(T x), isinf(T x), isfinite(T x), signbit(T x)
//   T    copysign(T mag, T sgn)
//   T    ldexp(T x, int n)   x * 2^n, correctly rounded (subnormals, overflow -> +-inf)
//   T    frexp(T x, int* e)  x = m * 2^*e, 0.5 <= |m| < 1 (0/inf/NaN: returns x, *e = 0)
//
// Special values (all verified in tests/static/math.cpp on GCC and Clang):
//   any function: NaN in -> NaN out (a canonical quiet NaN; payload and sign
//                 of the input NaN are not propagated)
//   exp:     exp(-inf) = +0, exp(+inf) = +inf, exp(+-0) = 1,
//            overflow -> +inf (x > 709.78 double, x > 88.7228 float),
//            underflow -> correctly rounded subnormal, then +0
//   expm1:   expm1(+-0) = +-0, expm1(-inf) = -1, expm1(+inf) = +inf,
//            overflow -> +inf, large negative x -> -1
//   log:     log(+-0) = -inf, log(x < 0) = NaN, log(-inf) = NaN,
//            log(+inf) = +inf, log(1) = +0, subnormal x handled exactly
//   log1p:   log1p(-1) = -inf, log1p(x < -1) = NaN, log1p(+inf) = +inf,
//            log1p(+-0) = +-0
//   sqrt:    sqrt(+-0) = +-0, sqrt(x < 0) = NaN, sqrt(-inf) = NaN,
//            sqrt(+inf) = +inf
//   tanh:    tanh(+-0) = +-0, tanh(+-inf) = +-1, odd: tanh(-x) = -tanh(x)
//   sigmoid: sigmoid(-inf) = +0, sigmoid(+inf) = 1, sigmoid(+-0) = 0.5,
//            never overflows; for very negative x the result is
//            e^x / (1 + e^x) (subnormal when small enough), then +0;
//            large positive x -> exactly 1
//
// Accuracy (tests/runtime/math_accuracy.cpp: ~350k points per function and
// type over the whole range, against long double <cmath> rounded once):
//   float:  every function is computed by the double kernel and rounded once
//           to float, so results are correctly rounded except in rare
//           double-rounding cases: <= 1 ulp (0 mismatches measured);
//           sqrt is always correctly rounded.
//   double: sqrt correctly rounded; exp, expm1, log, log1p <= 1 ulp;
//           tanh, sigmoid <= 2 ulp.
//
// Algorithms:
//   exp:   x = k*ln2 + r, |r| <= ln2/2, Cody-Waite split of ln2 (ln2_hi has
//          32 significant bits so k*ln2_hi is exact), fdlibm's Remez rational
//          form e^r = 1 + 2r/(2 - c), c = r - r^2 P(r^2); 2^k applied with
//          two exact power-of-two multiplies (single rounding in the subnormal
//          range).
//   expm1: same reduction, keeps the rounding error of r, result
//          2^k * expm1(r) + (2^k - 1) (exact constant for -58 <= k <= 52).
//   log:   x = 2^k * m, m in [sqrt(1/2), sqrt(2)) via bit manipulation
//          (subnormals pre-scaled by 2^54), f = m - 1, s = f / (2 + f),
//          fdlibm's degree-14 minimax in s for log(1 + f).
//   log1p: u = 1 + x rounded, exact correction c = x - (u - 1), then
//          log(u) + c/u with the log kernel above.
//   sqrt:  cubic seed on [1, 4), three Newton steps in double, then an exact
//          integer remainder test (mod 2^64) that fixes the last bit, so the
//          result is correctly rounded.  float: sqrt in double rounded to
//          float is correctly rounded (53 >= 2*24 + 2).
//   tanh:  |x| < 2^-28: x; |x| > 22: +-1; otherwise via expm1(+-2|x|).
//   sigmoid: x >= 0: 1 / (1 + e^-x); x < 0: e^x / (1 + e^x).
//
// Bit-exactness requirements (compile time == run time):
//   * IEEE-754 binary32/binary64 arithmetic with round-to-nearest
//     (x86-64 SSE2, AArch64, ...; not x87 / -mfpmath=387).
//   * No FMA contraction of a*b+c at run time (constant evaluation never
//     fuses).  Build with -ffp-contract=off, as all of ctnn's own targets
//     are: GCC contracts by default on targets with FMA (e.g. -march=native),
//     and the network's own loops need it as much as these functions do.
//     Under Clang's default (-ffp-contract=on) this header keeps itself
//     unfused with #pragma clang fp contract(off), which costs nothing.
//   * No -ffast-math / -funsafe-math-optimizations.
//
// Cost in constant evaluation (Clang -fconstexpr-steps units per call,
// measured with clang 14 and 19): exp ~11, log ~12, sqrt ~13, log1p ~13,
// sigmoid ~14, expm1 ~16, tanh ~22 (helpers 2-4).

#ifndef CTNN_MATH_HPP
#define CTNN_MATH_HPP

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

// Keep a*b+c unfused in this header's function bodies (see above).
#if defined(__clang__)
#pragma float_control(push)
#pragma clang fp contract(off)
#endif

namespace ctnn::math {

namespace detail {

template <class T>
inline constexpr bool is_supported_v = std::is_same_v<T, float> || std::is_same_v<T, double>;

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr float kInfF = std::numeric_limits<float>::infinity();
inline constexpr float kNaNF = std::numeric_limits<float>::quiet_NaN();

inline constexpr std::uint64_t kFracMask = 0x000FFFFFFFFFFFFFull;
inline constexpr std::uint64_t kSignMask = 0x8000000000000000ull;

// Cody-Waite split of ln 2 (fdlibm): ln2_hi has 32 significant bits.
inline constexpr double kLn2Hi = 0x1.62e42feep-1;
inline constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
inline constexpr double kInvLn2 = 0x1.71547652b82fep+0;

// exp/expm1 thresholds (double): e^x overflows above kExpHi, rounds to 0 below kExpLo.
inline constexpr double kExpHi = 0x1.62e42fefa39efp+9;   // 709.782712893384
inline constexpr double kExpLo = -0x1.74910d52d3051p+9;  // -745.1332191019411
// float: expf(x) overflows for x > kExpHiF.
inline constexpr float kExpHiF = 0x1.62e42ep+6f;  // 88.7228317

// fdlibm e_exp.c Remez coefficients for r*(e^r+1)/(e^r-1) - 2.
inline constexpr double kP1 = 0x1.555555555553ep-3;
inline constexpr double kP2 = -0x1.6c16c16bebd93p-9;
inline constexpr double kP3 = 0x1.1566aaf25de2cp-14;
inline constexpr double kP4 = -0x1.bbd41c5d26bf1p-20;
inline constexpr double kP5 = 0x1.6376972bea4d0p-25;

// fdlibm e_log.c minimax coefficients for log(1+f) in s = f/(2+f).
inline constexpr double kLg1 = 0x1.5555555555593p-1;
inline constexpr double kLg2 = 0x1.999999997fa04p-2;
inline constexpr double kLg3 = 0x1.2492494229359p-2;
inline constexpr double kLg4 = 0x1.c71c51d8e78afp-3;
inline constexpr double kLg5 = 0x1.7466496cb03dep-3;
inline constexpr double kLg6 = 0x1.39a09d078c69fp-3;
inline constexpr double kLg7 = 0x1.2f112df3e5244p-3;

// y * 2^k with a single rounding, for normal y (|y| in about [2^-60, 2]) and
// -2044 <= k <= 2044; the caller guarantees the result does not overflow.
// The first multiply is exact (stays normal), only the second one rounds.
constexpr double scale2(double y, int k) noexcept {
    const int h = k / 2;
    return y * std::bit_cast<double>(static_cast<std::uint64_t>(h + 1023) << 52) *
           std::bit_cast<double>(static_cast<std::uint64_t>(k - h + 1023) << 52);
}

// Statements are merged into few declarations on purpose: Clang charges one
// constexpr step per executed statement, not per operation.
constexpr double exp_d(double x) noexcept {
    if (!(x <= kExpHi)) return x != x ? kNaN : kInf;
    if (x < kExpLo) return 0.0;
    const int k = static_cast<int>(x * kInvLn2 + (x < 0.0 ? -0.5 : 0.5)), h = k / 2;
    const double dk = static_cast<double>(k), hi = x - dk * kLn2Hi, lo = dk * kLn2Lo, r = hi - lo,
                 t = r * r, c = r - t * (kP1 + t * (kP2 + t * (kP3 + t * (kP4 + t * kP5))));
    // e^r * 2^h * 2^(k-h): the first product is exact, the second rounds once.
    return (1.0 - ((lo - (r * c) / (2.0 - c)) - hi)) *
           std::bit_cast<double>(static_cast<std::uint64_t>(h + 1023) << 52) *
           std::bit_cast<double>(static_cast<std::uint64_t>(k - h + 1023) << 52);
}

constexpr double expm1_d(double x) noexcept {
    if (!(x <= kExpHi)) return x != x ? kNaN : kInf;
    if (x < -40.0) return -1.0;  // e^-40 < 2^-57: -1 + e^x rounds to -1
    if (x < 0x1p-54 && x > -0x1p-54) return x;  // x + x^2/2 rounds to x; keeps -0
    const int k = static_cast<int>(x * kInvLn2 + (x < 0.0 ? -0.5 : 0.5));
    // r = hi - lo rounded, cr = its rounding error; e ~ expm1(r + cr).
    const double dk = static_cast<double>(k), hi = x - dk * kLn2Hi, lo = dk * kLn2Lo, r = hi - lo,
                 cr = (hi - r) - lo, t = r * r,
                 c = r - t * (kP1 + t * (kP2 + t * (kP3 + t * (kP4 + t * kP5)))),
                 e = r + ((r * c) / (2.0 - c) + cr * (1.0 + r));
    if (k == 0) return e;
    if (k > 52) return scale2(1.0 + e, k) - 1.0;
    // 2^k - 1 is exact for -58 <= k <= 52.
    return scale2(e, k) + (std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52) - 1.0);
}

// log(u + cu*u) for positive normal u, plus kadj*ln2 (kadj: pre-scaling exponent).
constexpr double log_core(double u, double cu, int kadj) noexcept {
    const std::uint64_t b = std::bit_cast<std::uint64_t>(u), frac = b & kFracMask,
                        i = (frac + 0x95F619980C433ull) >> 52;  // 1 iff 1.frac >= sqrt(2)
    const double f = std::bit_cast<double>(frac | ((0x3FFull - i) << 52)) - 1.0,
                 dk = static_cast<double>(static_cast<int>(b >> 52) - 1023 + static_cast<int>(i) + kadj),
                 hfsq = 0.5 * f * f, s = f / (2.0 + f), z = s * s, w = z * z,
                 R = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7))) + w * (kLg2 + w * (kLg4 + w * kLg6));
    return s * (hfsq + R) + (dk * kLn2Lo + cu) - hfsq + f + dk * kLn2Hi;
}

constexpr double log_d(double x) noexcept {
    if (!(x > 0.0 && x < kInf)) return x == kInf ? kInf : (x == 0.0 ? -kInf : kNaN);
    return x < 0x1p-1022 ? log_core(x * 0x1p54, 0.0, -54) : log_core(x, 0.0, 0);
}

constexpr double log1p_d(double x) noexcept {
    if (!(x > -1.0 && x < kInf)) return x == kInf ? kInf : (x == -1.0 ? -kInf : kNaN);
    if (x < 0x1p-54 && x > -0x1p-54) return x;  // log1p(x) = x - x^2/2 rounds to x; keeps -0
    const double u = 1.0 + x;
    // (u > 2 ? 1 - (u - x) : x - (u - 1)) is exactly x + 1 - u (Fast2Sum).
    return log_core(u, (u > 2.0 ? 1.0 - (u - x) : x - (u - 1.0)) / u, 0);
}

constexpr double sqrt_d(double x) noexcept {
    if (!(x > 0.0 && x < kInf)) return (x == 0.0 || x == kInf) ? x : kNaN;
    if (x < 0x1p-1022) return sqrt_d(x * 0x1p108) * 0x1p-54;
    // x = m * 2^(e - odd), m in [1, 4); sqrt(x) = sqrt(m) * 2^((e - odd) / 2).
    const std::uint64_t b = std::bit_cast<std::uint64_t>(x);
    const int e = static_cast<int>(b >> 52) - 1023, odd = e & 1;
    // Cubic seed (rel. error 2.3e-3), then Newton: 2.5e-6, 3.2e-12, < 1 ulp.
    const double m = std::bit_cast<double>((b & kFracMask) | (static_cast<std::uint64_t>(0x3FF + odd) << 52)),
                 y0 = 0.45015557286410973 +
                      m * (0.6371288193468073 + m * (-0.09258526521320799 + m * 0.007555691922606166)),
                 y1 = 0.5 * (y0 + m / y0), y2 = 0.5 * (y1 + m / y1), y3 = 0.5 * (y2 + m / y2);
    // Y ~ sqrt(N) with N = m * 2^104 an integer < 2^106.  The remainder
    // N - Y^2 is small, so it is exact modulo 2^64.  Round to nearest:
    // keep Y iff -Y < N - Y^2 <= Y (sqrt is never exactly a midpoint).
    const auto Y = static_cast<std::int64_t>(y3 * 0x1p52),
               R = static_cast<std::int64_t>((((b & kFracMask) | (1ull << 52)) << (52 + odd)) -
                                             static_cast<std::uint64_t>(Y) * static_cast<std::uint64_t>(Y));
    return static_cast<double>(R > Y ? Y + 1 : (R <= -Y ? Y - 1 : Y)) *
           std::bit_cast<double>(static_cast<std::uint64_t>((e - odd) / 2 - 52 + 1023) << 52);
}

constexpr double tanh_d(double x) noexcept {
    const double a = x < 0.0 ? -x : x;  // NaN stays NaN without arithmetic
    if (!(a <= 22.0)) return x != x ? kNaN : (x < 0.0 ? -1.0 : 1.0);  // 1 - tanh(22) < 2^-62
    if (a < 0x1p-28) return x;                  // tanh(x) = x - x^3/3: rounds to x; keeps +-0
    const double t = expm1_d(a >= 1.0 ? 2.0 * a : -2.0 * a),
                 z = a >= 1.0 ? 1.0 - 2.0 / (t + 2.0) : -t / (t + 2.0);
    return x < 0.0 ? -z : z;
}

constexpr double sigmoid_d(double x) noexcept {
    if (!(x < 0.0)) return x != x ? kNaN : 1.0 / (1.0 + exp_d(-x));
    const double e = exp_d(x);
    return e / (1.0 + e);
}

// x = m * 2^ex with 0.5 <= |m| < 1, for finite nonzero x.
struct frexp_result {
    double m;
    int ex;
};

constexpr frexp_result frexp_d(double x) noexcept {
    const bool sub = x < 0x1p-1022 && x > -0x1p-1022;
    const std::uint64_t b = std::bit_cast<std::uint64_t>(sub ? x * 0x1p54 : x);
    return {std::bit_cast<double>((b & (kSignMask | kFracMask)) | (0x3FEull << 52)),
            static_cast<int>((b >> 52) & 0x7FF) - 1022 - (sub ? 54 : 0)};
}

constexpr double ldexp_d(double x, int n) noexcept {
    if (x != x) return kNaN;
    if (x == 0.0 || x == kInf || x == -kInf) return x;
    const frexp_result d = frexp_d(x);
    const long long E = static_cast<long long>(d.ex) + n;
    if (E > 1024) return d.m < 0.0 ? -kInf : kInf;
    if (E < -1080) return d.m < 0.0 ? -0.0 : 0.0;
    return scale2(d.m, static_cast<int>(E));
}

constexpr float ldexp_f(float x, int n) noexcept {
    if (x != x) return kNaNF;
    // float exponents span < 280, so clamping n keeps the double product
    // x * 2^n exact; the only rounding is the final conversion to float.
    const double d = ldexp_d(static_cast<double>(x), n > 400 ? 400 : (n < -400 ? -400 : n));
    if (d >= 0x1.ffffffp127) return kInfF;  // >= FLT_MAX + ulp/2 rounds to inf
    if (d <= -0x1.ffffffp127) return -kInfF;
    return static_cast<float>(d);
}

template <class T>
struct bits_of;
template <>
struct bits_of<float> {
    using type = std::uint32_t;
    static constexpr type sign = 0x80000000u, exp = 0x7F800000u;
};
template <>
struct bits_of<double> {
    using type = std::uint64_t;
    static constexpr type sign = 0x8000000000000000ull, exp = 0x7FF0000000000000ull;
};

}  // namespace detail

#define CTNN_MATH_REQUIRE_FP(T) \
    static_assert(::ctnn::math::detail::is_supported_v<T>, "ctnn::math supports float and double only")

// ---- classification and sign helpers --------------------------------------

template <class T>
[[nodiscard]] constexpr bool isnan(T x) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
    return x != x;
}

template <class T>
[[nodiscard]] constexpr bool isfinite(T x) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
    using B = detail::bits_of<T>;
    return (std::bit_cast<typename B::type>(x) & B::exp) != B::exp;
}

template <class T>
[[nodiscard]] constexpr T abs(T x) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
    using B = detail::bits_of<T>;
    return std::bit_cast<T>(static_cast<typename B::type>(std::bit_cast<typename B::type>(x) & ~B::sign));
}

// x * 2^n, correctly rounded (gradual underflow), +-inf on overflow.
template <class T>
[[nodiscard]] constexpr T ldexp(T x, int n) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
    if constexpr (std::is_same_v<T, float>) return detail::ldexp_f(x, n);
    else if constexpr (std::is_same_v<T, double>) return detail::ldexp_d(x, n);
    else return x;
}

// Returns m with 0.5 <= |m| < 1 and sets *e so that x = m * 2^*e.
// x = +-0, +-inf or NaN: returns x and sets *e = 0.  e may be nullptr.
template <class T>
constexpr T frexp(T x, int* e) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
    if (x != x || x == T(0) || x == std::numeric_limits<T>::infinity() || x == -std::numeric_limits<T>::infinity()) {
        if (e != nullptr) *e = 0;
        return x;
    }
    const detail::frexp_result d = detail::frexp_d(static_cast<double>(x));
    if (e != nullptr) *e = d.ex;
    return static_cast<T>(d.m);
}

// ---- elementary functions ---------------------------------------------------
// float versions evaluate the double kernel and round once to float.

template <class T>
[[nodiscard]] constexpr T exp(T x) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
    if constexpr (std::is_same_v<T, float>)
        return x > detail::kExpHiF ? detail::kInfF : static_cast<float>(detail::exp_d(static_cast<double>(x)));
    else if constexpr (std::is_same_v<T, double>) return detail::exp_d(x);
    else return x;
}

template <class T>
[[nodiscard]] constexpr T expm1(T x) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
    if constexpr (std::is_same_v<T, float>)
        return x > detail::kExpHiF ? detail::kInfF : static_cast<float>(detail::expm1_d(static_cast<double>(x)));
    else if constexpr (std::is_same_v<T, double>) return detail::expm1_d(x);
    else return x;
}

template <class T>
[[nodiscard]] constexpr T log(T x) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
    if constexpr (std::is_same_v<T, float>) return static_cast<float>(detail::log_d(static_cast<double>(x)));
    else if constexpr (std::is_same_v<T, double>) return detail::log_d(x);
    else return x;
}

template <class T>
[[nodiscard]] constexpr T log1p(T x) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
    if constexpr (std::is_same_v<T, float>) return static_cast<float>(detail::log1p_d(static_cast<double>(x)));
    else if constexpr (std::is_same_v<T, double>) return detail::log1p_d(x);
    else return x;
}

template <class T>
[[nodiscard]] constexpr T sqrt(T x) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
#if defined(__SSE2__) || defined(__aarch64__)
    // At run time the hardware's square root: correctly rounded as sqrt_d is,
    // so the same bits, 3-5x less time for Adam's step (bench/analysis.md).
    // Negative, NaN: the software path (the same NaN as in constant evaluation).
    if (!std::is_constant_evaluated() && x >= T(0)) {
        if constexpr (std::is_same_v<T, float>) return __builtin_sqrtf(x);
        else if constexpr (std::is_same_v<T, double>) return __builtin_sqrt(x);
    }
#endif
    if constexpr (std::is_same_v<T, float>) return static_cast<float>(detail::sqrt_d(static_cast<double>(x)));
    else if constexpr (std::is_same_v<T, double>) return detail::sqrt_d(x);
    else return x;
}

template <class T>
[[nodiscard]] constexpr T tanh(T x) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
    if constexpr (std::is_same_v<T, float>) return static_cast<float>(detail::tanh_d(static_cast<double>(x)));
    else if constexpr (std::is_same_v<T, double>) return detail::tanh_d(x);
    else return x;
}

template <class T>
[[nodiscard]] constexpr T sigmoid(T x) noexcept {
    CTNN_MATH_REQUIRE_FP(T);
    if constexpr (std::is_same_v<T, float>) return static_cast<float>(detail::sigmoid_d(static_cast<double>(x)));
    else if constexpr (std::is_same_v<T, double>) return detail::sigmoid_d(x);
    else return x;
}

// cos x for x in [0, π] (what a cosine schedule needs), to a few ulp:
// cos x = −cos(π − x) folds the range to [0, π/2], where the Taylor series to
// x²⁰/20! is accurate to 1e-16. Outside [0, π]: NaN.
[[nodiscard]] constexpr double cos_0_pi(double x) noexcept {
    constexpr double pi = 3.14159265358979323846;
    if (!(x >= 0.0 && x <= pi)) return std::numeric_limits<double>::quiet_NaN();
    bool negate = false;
    if (x > pi / 2) {
        x = pi - x;
        negate = true;
    }
    const double x2 = x * x;
    double term = 1.0;
    double sum = 1.0;
    for (int n = 1; n <= 10; ++n) {
        term *= -x2 / static_cast<double>((2 * n - 1) * (2 * n));
        sum += term;
    }
    return negate ? -sum : sum;
}

#undef CTNN_MATH_REQUIRE_FP

}  // namespace ctnn::math

#if defined(__clang__)
#pragma float_control(pop)
#endif


#endif  // CTNN_MATH_HPP
