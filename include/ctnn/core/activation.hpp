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

struct identity {
    template <class T> static constexpr T value(T x) noexcept { return x; }
    template <class T> static constexpr T derivative(T, T, T dy) noexcept { return dy; }
};

// relu'(0) is taken as 0, as in the study note's d_relu.
struct relu {
    template <class T> static constexpr T value(T x) noexcept { return x > T(0) ? x : T(0); }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept { return x > T(0) ? dy : T(0); }
    template <class T> static constexpr int piece(T x) noexcept { return x > T(0); }
};

struct sigmoid {
    template <class T> static constexpr T value(T x) noexcept { return math::sigmoid(x); }
    template <class T> static constexpr T derivative(T, T y, T dy) noexcept { return dy * y * (T(1) - y); }
};

struct tanh {
    template <class T> static constexpr T value(T x) noexcept { return math::tanh(x); }
    template <class T> static constexpr T derivative(T, T y, T dy) noexcept { return dy * (T(1) - y * y); }
};

// Leaky ReLU with slope Numerator/Denominator for x <= 0 (default 0.01, as
// PyTorch's LeakyReLU). The slope is a pair of integers because Clang 14 has no
// floating-point template parameters. f'(0) is taken as the slope.
template <long long Numerator = 1, long long Denominator = 100>
struct leaky_relu {
    static_assert(Denominator > 0, "ctnn::leaky_relu<Numerator, Denominator>: Denominator must be positive");
    template <class T> static constexpr T slope() noexcept { return T(Numerator) / T(Denominator); }
    template <class T> static constexpr T value(T x) noexcept { return x > T(0) ? x : slope<T>() * x; }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept { return x > T(0) ? dy : slope<T>() * dy; }
    template <class T> static constexpr int piece(T x) noexcept { return x > T(0); }
};

// ELU: x for x > 0, α·(eˣ − 1) otherwise, α = Numerator/Denominator (default
// 1). expm1 keeps small negative x accurate. f'(x) = y + α for x <= 0.
// f' jumps at 0 unless α = 1, and f'' jumps always: a kink at 0.
template <long long Numerator = 1, long long Denominator = 1>
struct elu {
    static_assert(Denominator > 0, "ctnn::elu<Numerator, Denominator>: Denominator must be positive");
    static_assert(Numerator > 0, "ctnn::elu<Numerator, Denominator>: alpha must be positive");
    template <class T> static constexpr T alpha() noexcept { return T(Numerator) / T(Denominator); }
    template <class T> static constexpr T value(T x) noexcept { return x > T(0) ? x : alpha<T>() * math::expm1(x); }
    template <class T> static constexpr T derivative(T x, T y, T dy) noexcept {
        return x > T(0) ? dy : dy * (y + alpha<T>());
    }
    template <class T> static constexpr int piece(T x) noexcept { return x > T(0); }
};

// GELU in its tanh form (Hendrycks & Gimpel; PyTorch's approximate="tanh"):
//   f(x) = ½x(1 + tanh(u)),  u = √(2/π)(x + 0.044715x³).
// (The exact form needs erf, which ctnn::math does not provide.)
struct gelu {
    static constexpr double sqrt_2_over_pi = 0.7978845608028654;
    static constexpr double cubic = 0.044715;
    template <class T> static constexpr T value(T x) noexcept {
        const T u = T(sqrt_2_over_pi) * (x + T(cubic) * x * x * x);
        return T(0.5) * x * (T(1) + math::tanh(u));
    }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept {
        const T u = T(sqrt_2_over_pi) * (x + T(cubic) * x * x * x);
        const T t = math::tanh(u);
        const T du = T(sqrt_2_over_pi) * (T(1) + T(3 * cubic) * x * x);
        return dy * (T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * du);
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
