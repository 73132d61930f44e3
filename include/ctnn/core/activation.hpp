// ctnn/core/activation.hpp - element-wise activations.
//
// ctnn::activation<F> makes a layer of any function type F providing
//   value(x)              f(x)
//   derivative(x, y, dy)  dy · f'(x), given y = f(x) (whichever is cheaper)
// and, where f or f' jumps (a kink),
//   piece(x)              which smooth piece of f holds x (an int; relu: x > 0)
// so gradient checks never take a difference across a kink. Its width comes
// from the layer before it. The built-in activations below are written the
// same way; docs/extending.md shows a user's.
#pragma once

#include <ctnn/concepts.hpp>
#include <ctnn/core/layer_traits.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/shape.hpp>

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

namespace ctnn {

namespace detail {

template <class F>
struct check_kinks_have_pieces {
    static_assert(!requires { F::has_kink; } || requires { F::piece(0.0); },
                  "ctnn::activation<F>: F declares has_kink but not where: give it `template <class T> static "
                  "constexpr int piece(T x)`, the index of the smooth piece that holds x (relu: x > 0)");
    static constexpr bool value = true;
};

} // namespace detail

template <class T, class F, std::size_t Width, class Shape = shape<Width>>
struct activation_layer {
    using scalar = T;
    using function = F;
    using output_shape = Shape; // element-wise: the shape passes through
    static constexpr std::size_t inputs = Width;
    static constexpr std::size_t outputs = Width;
    static constexpr std::size_t parameter_count = 0;

    static constexpr void forward(const T*, const std::array<T, Width>& x, std::array<T, Width>& y) noexcept {
        const T* xp = x.data();
        T* yp = y.data();
        for (std::size_t i = 0; i < Width; ++i) yp[i] = F::value(xp[i]);
    }

    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T*, Sink&, const std::array<T, Width>& x, const std::array<T, Width>& y,
                                   const std::array<T, Width>& dy, std::array<T, Width>& dx) noexcept {
        if constexpr (NeedInputGradient) {
            const T* xp = x.data();
            const T* yp = y.data();
            const T* dyp = dy.data();
            T* dxp = dx.data();
            for (std::size_t i = 0; i < Width; ++i) dxp[i] = F::derivative(xp[i], yp[i], dyp[i]);
        }
    }

    static constexpr bool same_piece(const std::array<T, Width>& a, const std::array<T, Width>& b) noexcept
        requires requires(T x) { F::piece(x); }
    {
        for (std::size_t i = 0; i < Width; ++i)
            if (F::piece(a[i]) != F::piece(b[i])) return false;
        return true;
    }
};

template <class F>
struct activation {
    static_assert(detail::check_activation_function<F>::value && detail::check_kinks_have_pieces<F>::value);

    template <class T, std::size_t PreviousOutputs>
    using bind = activation_layer<T, F, PreviousOutputs>;
    template <class T, class Shape>
    using bind_shape = activation_layer<T, F, Shape::size, Shape>;

    // Generated code spells the built-ins by their aliases (ctnn::relu,
    // ctnn::leaky_relu<1, 100>), a user's F as ctnn::activation<F> unless F
    // has a `spelling` of its own.
    template <class Put>
    static constexpr void spell(Put& put) {
        constexpr std::string_view builtin = "ctnn::functions::";
        std::string_view s;
        if constexpr (requires { std::string_view{F::spelling}; }) s = F::spelling;
        else s = type_name<F>();
        const bool is_builtin = s.substr(0, builtin.size()) == builtin;
        const std::string_view before = is_builtin ? "ctnn::" : (requires { F::spelling; } ? "" : "ctnn::activation<");
        const std::string_view after = is_builtin || requires { F::spelling; } ? "" : ">";
        for (char c : before) put(c);
        for (char c : is_builtin ? s.substr(builtin.size()) : s) put(c);
        for (char c : after) put(c);
    }
};

namespace functions {

// Every derivative below is accurate to a few ulps of f'(x) itself over the
// whole range, tails included: none is computed as a difference of nearly
// equal numbers (1 − y for y → 1, y + α for y → −α, 1 − y² for |y| → 1).
// tests/interop/differential/reference_derivatives.py holds each against
// mpmath. A NaN input gives a NaN value and a NaN derivative, as in PyTorch.

struct identity {
    template <class T> static constexpr T value(T x) noexcept { return x; }
    template <class T> static constexpr T derivative(T, T, T dy) noexcept { return dy; }
};

// relu'(0) is taken as 0, as in the study note's d_relu. Written with
// x <= 0 so that NaN (for which every comparison is false) passes through.
struct relu {
    template <class T> static constexpr T value(T x) noexcept { return x <= T(0) ? T(0) : x; }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept { return x <= T(0) ? T(0) : dy; }
    template <class T> static constexpr int piece(T x) noexcept { return x > T(0); }
};

// σ'(x) = σ(x)·σ(−x). For x <= 0, y <= ½ and 1 − y is σ(−x) without
// cancellation; for x > 0, 1 − y would cancel (to 0 from x ≈ 37 in double),
// so σ(−x) is computed itself.
struct sigmoid {
    template <class T> static constexpr T value(T x) noexcept { return math::sigmoid(x); }
    template <class T> static constexpr T derivative(T x, T y, T dy) noexcept {
        return dy * (y * (x > T(0) ? math::sigmoid(-x) : T(1) - y));
    }
};

// tanh'(x) = 1 − y² = sech²x. For |x| <= ½, y² < 0.22 and 1 − y² does not
// cancel; beyond, sech²x = 4t/(1 + t)² with t = e^(−2|x|), which only
// underflows (|x| is capped at 1000 so that −2|x| cannot overflow, which GCC
// rejects in a constant expression).
struct tanh {
    template <class T> static constexpr T value(T x) noexcept { return math::tanh(x); }
    template <class T> static constexpr T derivative(T x, T y, T dy) noexcept {
        const T a = math::abs(x);
        if (a <= T(0.5)) return dy * (T(1) - y * y);
        const T t = math::exp(T(-2) * (a > T(1000) ? T(1000) : a)), s = T(1) + t;
        return dy * (T(4) * t / (s * s));
    }
};

// Leaky ReLU with slope Numerator/Denominator for x <= 0 (default 0.01, as
// PyTorch's LeakyReLU). The slope is a pair of integers because Clang 14 has no
// floating-point template parameters. f'(0) is taken as the slope.
template <long long Numerator = 1, long long Denominator = 100>
struct leaky_relu {
    static_assert(Denominator > 0, "ctnn::leaky_relu<Numerator, Denominator>: Denominator must be positive");
    template <class T> static constexpr T slope() noexcept { return T(Numerator) / T(Denominator); }
    template <class T> static constexpr T value(T x) noexcept { return x <= T(0) ? slope<T>() * x : x; }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept { return x <= T(0) ? slope<T>() * dy : dy; }
    template <class T> static constexpr int piece(T x) noexcept { return x > T(0); }
};

// ELU: x for x > 0, α·(eˣ − 1) otherwise, α = Numerator/Denominator (default
// 1). expm1 keeps small negative x accurate. f'(x) = α·eˣ for x <= 0, from x
// (PyTorch's form): y + α would cancel as y → −α (30 % off at x = −37, 0 from
// −40 in double).
// f' jumps at 0 unless α = 1, and f'' jumps always: a kink at 0.
template <long long Numerator = 1, long long Denominator = 1>
struct elu {
    static_assert(Denominator > 0, "ctnn::elu<Numerator, Denominator>: Denominator must be positive");
    static_assert(Numerator > 0, "ctnn::elu<Numerator, Denominator>: alpha must be positive");
    template <class T> static constexpr T alpha() noexcept { return T(Numerator) / T(Denominator); }
    template <class T> static constexpr T value(T x) noexcept { return x <= T(0) ? alpha<T>() * math::expm1(x) : x; }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept {
        return x > T(0) ? dy : dy * (alpha<T>() * math::exp(x));
    }
    template <class T> static constexpr int piece(T x) noexcept { return x > T(0); }
};

// GELU in its tanh form (Hendrycks & Gimpel; PyTorch's approximate="tanh"):
//   f(x) = ½x(1 + tanh u) = x·σ(2u),  u = √(2/π)(x + 0.044715x³),
//   f'(x) = σ(2u) + x·σ(2u)·σ(−2u)·2u',  u' = √(2/π)(1 + 3·0.044715x²).
// (The exact form needs erf, which ctnn::math does not provide.) x·σ(2u)
// does not cancel for x < 0, where 1 + tanh u does (to 0 from x ≈ −5.7 in
// double). Float is computed in double and rounded once, like ctnn::math's
// float functions. For |x| > 1e5, σ(2u) is 0 or 1 in either type (|2u| >
// 7e13) and u' would overflow: f = x or −0, f' = 1 or 0. In double, f is off by
// the rounding of u times its condition |2u|·σ(−2u) (≤ 750): as much as an ulp
// of x changes f there.
struct gelu {
    static constexpr double sqrt_2_over_pi = 0.7978845608028654;
    static constexpr double cubic = 0.044715;
    template <class T>
    using work = std::conditional_t<std::is_same_v<T, float>, double, T>;

    template <class T> static constexpr T value(T x) noexcept {
        using W = work<T>;
        if (!(math::abs(x) <= T(1e5))) return x < T(0) ? x * T(0) : x;
        const W w = x, u = W(T(sqrt_2_over_pi)) * (w + W(T(cubic)) * w * w * w);
        return static_cast<T>(w * math::sigmoid(W(2) * u));
    }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept {
        using W = work<T>;
        if (!(math::abs(x) <= T(1e5))) return x < T(0) ? dy * T(0) : (x > T(0) ? dy : x);
        const W w = x, k = W(T(sqrt_2_over_pi)), c = W(T(cubic));
        const W v = W(2) * (k * (w + c * w * w * w)), du = k * (W(1) + W(3) * c * w * w);
        // σ(|v|) and σ(−|v|) from one exponential.
        const W e = math::exp(-math::abs(v)), q = W(1) + e, hi = W(1) / q, lo = e / q;
        const W s = v < W(0) ? lo : hi, sbar = v < W(0) ? hi : lo;
        return dy * static_cast<T>(s + w * (s * sbar) * (W(2) * du));
    }
};

} // namespace functions

using identity = activation<functions::identity>;
using relu = activation<functions::relu>;
using sigmoid = activation<functions::sigmoid>;
using tanh = activation<functions::tanh>;
using gelu = activation<functions::gelu>;
// ctnn::leaky_relu<> has slope 0.01; ctnn::leaky_relu<1, 5> has slope 0.2.
template <long long Numerator = 1, long long Denominator = 100>
using leaky_relu = activation<functions::leaky_relu<Numerator, Denominator>>;
// ctnn::elu<> has α = 1.
template <long long Numerator = 1, long long Denominator = 1>
using elu = activation<functions::elu<Numerator, Denominator>>;

} // namespace ctnn
