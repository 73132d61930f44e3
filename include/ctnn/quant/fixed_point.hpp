// ctnn/quant/fixed_point.hpp - the integer arithmetic of int8 inference, as
// the TensorFlow Lite quantisation specification defines it (gemmlowp's
// fixed-point primitives), constexpr.
//
//   saturating_rounding_doubling_high_mul(a, b)   round(a·b / 2^31), saturated
//   rounding_divide_by_pot(x, e)                  round(x / 2^e), ties away from zero
//   multiply_by_quantised_multiplier(x, m, shift) x · m · 2^(shift − 31), rounded as TFLite
//   quantise_multiplier(real)                     {m, shift}: real = m · 2^(shift − 31), m in [2^30, 2^31)
//   choose_quantisation(min, max)                 int8 scale and zero point covering [min, max] and 0
//
// Everything but quantise_multiplier and choose_quantisation (which run when
// a network is quantised) is integer-only: no float operation, so nothing
// that pulls soft-float code into a Cortex-M0 firmware.
#pragma once

#include <ctnn/core/math.hpp>

#include <cstdint>
#include <limits>

namespace ctnn {

// How a tensor's int8 codes q stand for real values: real = scale · (q − zero_point).
struct quantisation {
    double scale = 1.0;
    std::int32_t zero_point = 0;

    friend constexpr bool operator==(const quantisation&, const quantisation&) = default;
};

// A real multiplier in fixed point: real = multiplier · 2^(shift − 31).
struct quantised_multiplier {
    std::int32_t multiplier = 0;
    int shift = 0; // > 0: a left shift before the multiplication; < 0: a rounding right shift after it

    friend constexpr bool operator==(const quantised_multiplier&, const quantised_multiplier&) = default;
};

// gemmlowp's SaturatingRoundingDoublingHighMul: the high 32 bits of 2·a·b,
// rounded to nearest (ties away from zero); the one overflowing case
// (a = b = −2^31) saturates to 2^31 − 1.
constexpr std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) noexcept {
    constexpr std::int32_t lowest = std::numeric_limits<std::int32_t>::min();
    if (a == lowest && b == lowest) return std::numeric_limits<std::int32_t>::max();
    const std::int64_t ab = static_cast<std::int64_t>(a) * static_cast<std::int64_t>(b);
    const std::int64_t nudge = ab >= 0 ? (std::int64_t{1} << 30) : (1 - (std::int64_t{1} << 30));
    // Division truncates toward zero, as the specification's reference does.
    return static_cast<std::int32_t>((ab + nudge) / (std::int64_t{1} << 31));
}

// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties
// away from zero; exponent in [0, 31].
constexpr std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) noexcept {
    const std::int32_t mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
    const std::int32_t remainder = x & mask;
    const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0); // >> of a negative value: arithmetic (C++20)
}

// TFLite's MultiplyByQuantizedMultiplier: shift > 0 multiplies by 2^shift
// first, shift < 0 divides by 2^−shift (rounding) after the high multiply.
// One deliberate difference: TFLite's x·2^shift overflows int32 (undefined
// behaviour) for large x; here it saturates. quantise() only produces
// shift > 0 for multipliers >= 1, which a calibrated layer does not have.
constexpr std::int32_t multiply_by_quantised_multiplier(std::int32_t x, std::int32_t multiplier, int shift) noexcept {
    const int left = shift > 0 ? shift : 0;
    const int right = shift > 0 ? 0 : -shift;
    std::int32_t shifted = x;
    if (left > 0) {
        const std::int64_t wide = static_cast<std::int64_t>(x) * (std::int64_t{1} << left);
        constexpr std::int64_t high = std::numeric_limits<std::int32_t>::max();
        constexpr std::int64_t low = std::numeric_limits<std::int32_t>::min();
        shifted = static_cast<std::int32_t>(wide > high ? high : (wide < low ? low : wide));
    }
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(shifted, multiplier), right);
}

namespace detail {

// std::round for doubles well inside the int64 range: ties away from zero.
// x − trunc(x) is exact in binary floating point, so no x + 0.5 rounding trap.
constexpr std::int64_t round_half_away(double x) noexcept {
    const std::int64_t t = static_cast<std::int64_t>(x);
    const double fraction = x - static_cast<double>(t);
    if (fraction >= 0.5) return t + 1;
    if (fraction <= -0.5) return t - 1;
    return t;
}

template <class I>
constexpr I saturate(std::int64_t v) noexcept {
    constexpr std::int64_t high = std::numeric_limits<I>::max();
    constexpr std::int64_t low = std::numeric_limits<I>::min();
    return static_cast<I>(v > high ? high : (v < low ? low : v));
}

} // namespace detail

// TFLite's QuantizeMultiplier: real = q · 2^shift with q in [0.5, 1)
// (frexp), q in Q31 rounded to nearest (ties away), q = 1 renormalised;
// multipliers below 2^−31·½ flush to zero. Shifts are kept within [−31, 30].
constexpr quantised_multiplier quantise_multiplier(double real) noexcept {
    if (!(real > 0.0)) return {};
    int shift = 0;
    const double q = math::frexp(real, &shift);
    std::int64_t fixed = detail::round_half_away(q * 2147483648.0); // exact: a power of two
    if (fixed == (std::int64_t{1} << 31)) {
        fixed /= 2;
        ++shift;
    }
    if (shift < -31) return {};
    if (shift > 30) return {std::numeric_limits<std::int32_t>::max(), 30};
    return {static_cast<std::int32_t>(fixed), shift};
}

// gemmlowp's ChooseQuantizationParams for int8 ([−128, 127]): the range is
// widened to hold 0 (so 0 is exact: zero padding, ReLU's clamp), scale =
// (max − min) / 255, and the zero point is taken from whichever end gives
// the smaller rounding error, then rounded (ties away) and kept in range.
// An all-zero range gets scale 1.
constexpr quantisation choose_quantisation(double minimum, double maximum) noexcept {
    constexpr double qmin = -128.0, qmax = 127.0;
    const double lo = minimum < 0.0 ? minimum : 0.0;
    const double hi = maximum > 0.0 ? maximum : 0.0;
    if (!(hi - lo > 0.0)) return {1.0, -128};
    const double scale = (hi - lo) / (qmax - qmin);
    const double from_min = qmin - lo / scale;
    const double from_max = qmax - hi / scale;
    const double from_min_error = math::abs(qmin) + math::abs(lo / scale);
    const double from_max_error = math::abs(qmax) + math::abs(hi / scale);
    const double zero_point = from_min_error < from_max_error ? from_min : from_max;
    if (zero_point < qmin) return {scale, -128};
    if (zero_point > qmax) return {scale, 127};
    return {scale, static_cast<std::int32_t>(detail::round_half_away(zero_point))};
}

} // namespace ctnn
