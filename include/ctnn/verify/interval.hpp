// ctnn/verify/interval.hpp - outward-rounded arithmetic for the verifier.
//
// Every bound the verifier computes must hold for the real numbers, yet is
// computed in floating point with round-to-nearest. Two tools keep it sound
// (docs/verification.md gives the argument):
//
//   next_up(x), next_down(x)   the neighbouring representable number (a step
//                              of one unit in the last place, by the bits:
//                              std::bit_cast), so a rounded result r of an
//                              exact value v gives next_down(r) <= v <= next_up(r)
//   sum_enclosure(...)         a dot product computed in round-to-nearest, then
//                              widened by the classical bound on summation
//                              error, |fl(Σ aᵢbᵢ) − Σ aᵢbᵢ| <= γₙ·Σ|aᵢbᵢ|
//                              (γₙ = nu/(1 − nu), u = ε/2; Higham, Accuracy and
//                              Stability of Numerical Algorithms, §3.1),
//                              plus n·denorm_min for products that underflow.
//                              One widening per dot product instead of one per
//                              operation: cheap in constant evaluation.
//
// box<T, N> is a vector of intervals [lower, upper]: an input region, or the
// bounds on a layer's outputs. NaN never leaves this header as a bound: a
// lower bound that is NaN becomes −inf and an upper one +inf, so a
// static_assert on a bound fails instead of comparing NaN.
#pragma once

#include <ctnn/core/math.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace ctnn {

template <class T>
constexpr T next_up(T x) noexcept {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "ctnn::next_up: float or double only");
    using bits_t = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
    if (x != x || x == std::numeric_limits<T>::infinity()) return x;
    if (x == T(0)) return std::numeric_limits<T>::denorm_min(); // +0 and −0
    bits_t b = std::bit_cast<bits_t>(x);
    if (x > T(0)) ++b;
    else --b; // negative: a smaller magnitude
    return std::bit_cast<T>(b);
}

template <class T>
constexpr T next_down(T x) noexcept {
    return -next_up(-x);
}

// n steps up or down (n units in the last place, counted by representable
// numbers, which is what an accuracy "within n ulp" allows).
template <class T>
constexpr T steps_up(T x, int n) noexcept {
    for (int i = 0; i < n; ++i) x = next_up(x);
    return x;
}
template <class T>
constexpr T steps_down(T x, int n) noexcept {
    for (int i = 0; i < n; ++i) x = next_down(x);
    return x;
}

template <class T>
struct interval {
    T lower;
    T upper;
    constexpr T width() const noexcept { return upper - lower; }
    constexpr bool contains(T x) const noexcept { return lower <= x && x <= upper; }
};

template <class T, std::size_t N>
struct box {
    using scalar = T;
    static constexpr std::size_t size = N;
    std::array<T, N> lower{};
    std::array<T, N> upper{};

    constexpr interval<T> operator[](std::size_t i) const noexcept { return {lower[i], upper[i]}; }
    constexpr bool contains(const std::array<T, N>& x) const noexcept {
        for (std::size_t i = 0; i < N; ++i)
            if (!(lower[i] <= x[i] && x[i] <= upper[i])) return false;
        return true;
    }
    constexpr T width(std::size_t i) const noexcept { return upper[i] - lower[i]; }
    constexpr bool finite() const noexcept {
        for (std::size_t i = 0; i < N; ++i)
            if (!math::isfinite(lower[i]) || !math::isfinite(upper[i])) return false;
        return true;
    }
};

// The L∞ ball of radius epsilon around x, rounded outward so that every real
// x' with |x' − x| <= epsilon is inside.
template <class T, std::size_t N>
constexpr box<T, N> box_around(const std::array<T, N>& x, T epsilon) noexcept {
    box<T, N> b;
    for (std::size_t i = 0; i < N; ++i) {
        b.lower[i] = next_down(x[i] - epsilon);
        b.upper[i] = next_up(x[i] + epsilon);
    }
    return b;
}

// [lower[i], upper[i]] for each i, given as two arrays.
template <class T, std::size_t N>
constexpr box<T, N> make_box(const std::array<T, N>& lower, const std::array<T, N>& upper) noexcept {
    return {lower, upper};
}

namespace detail::verify {

template <class T>
inline constexpr T unit_roundoff = std::numeric_limits<T>::epsilon() / T(2);
template <class T>
inline constexpr T tiny = std::numeric_limits<T>::denorm_min();
template <class T>
inline constexpr T infinity = std::numeric_limits<T>::infinity();

// |x| by a comparison: cheaper in constant evaluation than math::abs's bit
// operations (−0 stays −0, which no sum minds).
template <class T>
constexpr T magnitude(T x) noexcept {
    return x < T(0) ? -x : x;
}

template <class T>
constexpr T max_abs(T a, T b) noexcept {
    const T x = math::abs(a), y = math::abs(b);
    return x > y ? x : y;
}
template <class T>
constexpr T min_of(T a, T b) noexcept {
    return b < a ? b : a;
}
template <class T>
constexpr T max_of(T a, T b) noexcept {
    return b > a ? b : a;
}

// A lower bound that is NaN says nothing: −inf; an upper one: +inf.
template <class T>
constexpr T sane_lower(T x) noexcept {
    return x != x ? -infinity<T> : x;
}
template <class T>
constexpr T sane_upper(T x) noexcept {
    return x != x ? infinity<T> : x;
}

// 2nu: an upper bound on γₙ/(1 − γₙ) while nu <= 0.1 (γₙ <= 1.12nu there),
// which every layer the verifier accepts satisfies (checked by
// check_summation_length). Exact: n times a power of two.
template <class T>
constexpr T summation_factor(std::size_t n) noexcept {
    return T(2) * static_cast<T>(n) * unit_roundoff<T>;
}

template <class LayerWidth, class T>
struct check_summation_length {
    static_assert(static_cast<long double>(LayerWidth::value + 2) * std::numeric_limits<T>::epsilon() / 2 <= 0.1L,
                  "ctnn verify: a layer this wide sums too many terms for the verifier's rounding-error bound "
                  "(n·u must stay below 0.1)");
    static constexpr bool value = true;
};

// The rounding-error allowance of a sum computed in round-to-nearest: t is
// the computed Σ|terms| of n terms, each a product rounded once (n roundings
// deep at most, in any order). Returns an upper bound on |computed − exact|.
template <class T>
constexpr T summation_error(T abs_sum, std::size_t n) noexcept {
    return next_up(next_up(summation_factor<T>(n) * abs_sum) + static_cast<T>(n) * tiny<T>);
}

// An upper bound on the exact sum of n non-negative terms whose computed sum
// (round-to-nearest, each term a product rounded once) is t.
template <class T>
constexpr T upper_sum(T t, std::size_t n) noexcept {
    return next_up(t + summation_error(t, n));
}

// Σ a[i·stride]·b[i] + initial, enclosed: the exact value of the sum is in
// the returned interval.
template <class T>
constexpr interval<T> dot_enclosure(const T* a, std::size_t stride, const T* b, std::size_t n, T initial) noexcept {
    T s = initial;
    T t = math::abs(initial);
    for (std::size_t i = 0; i < n; ++i, a += stride) {
        const T p = *a * b[i];
        s += p;
        t += magnitude(p);
    }
    const T e = summation_error(t, n + 1);
    return {sane_lower(next_down(s - e)), sane_upper(next_up(s + e))};
}

// Outward products and sums of interval endpoints.
template <class T>
constexpr T mul_down(T a, T b) noexcept {
    return next_down(a * b);
}
template <class T>
constexpr T mul_up(T a, T b) noexcept {
    return next_up(a * b);
}
template <class T>
constexpr T add_down(T a, T b) noexcept {
    return next_down(a + b);
}
template <class T>
constexpr T add_up(T a, T b) noexcept {
    return next_up(a + b);
}
template <class T>
constexpr T sub_down(T a, T b) noexcept {
    return next_down(a - b);
}
template <class T>
constexpr T sub_up(T a, T b) noexcept {
    return next_up(a - b);
}
template <class T>
constexpr T div_down(T a, T b) noexcept {
    return next_down(a / b);
}
template <class T>
constexpr T div_up(T a, T b) noexcept {
    return next_up(a / b);
}

// The interval product [a]·[b], outward.
template <class T>
constexpr interval<T> mul(interval<T> a, interval<T> b) noexcept {
    const T p[4] = {a.lower * b.lower, a.lower * b.upper, a.upper * b.lower, a.upper * b.upper};
    T lo = p[0], hi = p[0];
    for (T v : p) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
    }
    return {sane_lower(next_down(lo)), sane_upper(next_up(hi))};
}

} // namespace detail::verify

} // namespace ctnn
