// ctnn/verify/transfer.hpp - how each layer maps bounds: the traits the
// verifier dispatches on, and their built-in specialisations.
//
//   interval_transfer<Layer>::propagate(p, in, out)
//       given a box holding the layer's inputs, writes a box holding its
//       outputs: the exact (real-valued) outputs AND the outputs the layer's
//       own forward() computes in floating point, for every input in the box.
//       Built in: dense_layer, activation_layer (through activation_bounds<F>),
//       softmax_layer. A user layer specialises this trait.
//
//   activation_bounds<F>          for ctnn::activation<F>, per element:
//       image(x)                  interval holding f and F::value over x
//       relax(x, choice)          linear_relaxation: two lines, below and
//                                 above f (and F::value) on x (CROWN);
//                                 a user's F may omit the choice
//       derivative_bound(x)       upper bound of |f'| on x (Clarke: at a kink
//                                 both one-sided slopes)
//       lipschitz<T>()            upper bound of |f'| everywhere
//     Built in: identity, relu, leaky_relu, elu, sigmoid, tanh. gelu is
//     refused with a message (not monotone, and the cancellation in 1 + tanh
//     of its tanh form is not bounded here). A user's F specialises this.
//
//   lipschitz_transfer<Layer>     (ctnn/verify/lipschitz.hpp)
//
// Accuracy of F::value (what the widening below assumes): ctnn::math is
// within 1 ulp (exp, expm1) and 2 ulp (tanh, sigmoid) of the exact function in
// double, <= 1 ulp in float (README, measured by tests/runtime/math_accuracy.cpp).
// Each built-in declares `ulps`, a bound on the error of its whole value()
// (constants such as α = N/D rounded, products rounded) and the verifier
// widens by 4·ulps representable steps: twice what the measured bound needs
// (a bound in ulp of the exact value may cross a binade: 2 steps per ulp).
#pragma once

#include <ctnn/core/activation.hpp>
#include <ctnn/core/dense.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/size.hpp>
#include <ctnn/core/softmax.hpp>
#include <ctnn/verify/interval.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn {

// Two lines that enclose a function on an interval:
//   lower_slope·x + lower_intercept <= f(x) <= upper_slope·x + upper_intercept.
template <class T>
struct linear_relaxation {
    T lower_slope;
    T lower_intercept;
    T upper_slope;
    T upper_intercept;
};

// Which line a relaxation uses where it has a choice (a convex function's
// lower line, a concave one's upper line): the tangent at the midpoint
// (CROWN's adaptive choice: for ReLU slope 1 when u > −l, else 0), or the
// flat line at the image's end. Neither is better everywhere; the verifier
// back-substitutes with both and keeps the tighter bound of each.
enum class relaxation_choice { tangent, flat };

namespace detail::verify {

template <class F, bool IsGelu = std::is_same_v<F, functions::gelu>>
struct check_activation_is_supported {
    static_assert(sizeof(F) == 0,
                  "ctnn verify: no bounds for this activation function; specialise ctnn::activation_bounds<F> "
                  "with image, relax, derivative_bound and lipschitz (see ctnn/verify/transfer.hpp)");
};
template <class F>
struct check_activation_is_supported<F, true> {
    static_assert(sizeof(F) == 0,
                  "ctnn verify: gelu is not supported by the verifier (its tanh form is not monotone and the "
                  "rounding error of 1 + tanh(u) is not bounded here); use relu, leaky_relu, elu, sigmoid or "
                  "tanh, or specialise ctnn::activation_bounds<ctnn::functions::gelu>");
};

} // namespace detail::verify

template <class L>
struct interval_transfer {
    // The primary template: no bounds known for this layer.
    static_assert(sizeof(L) == 0,
                  "ctnn verify: no interval bounds for this layer type; specialise ctnn::interval_transfer<Layer> "
                  "with static constexpr void propagate(const T* p, const ctnn::box<T, inputs>& in, "
                  "ctnn::box<T, outputs>& out) (see ctnn/verify/transfer.hpp, docs/verification.md)");
};

// The primary template: no bounds known for F (gelu: refused in words).
template <class F>
struct activation_bounds : detail::verify::check_activation_is_supported<F> {};

namespace detail::verify {

// An interval holding both the exact f(x) and the computed value v = F(x),
// given |v − f(x)| <= ulps ulp: at least 4·ulps representable steps each
// way. A step near v is at most 2u·|v| (denorm_min below the normal range),
// so a widening by k·(2u·|v| + denorm_min), k = 4·ulps, rounded outward,
// covers k steps; one multiply instead of k calls of next_up.
template <class T>
constexpr interval<T> around(T v, int ulps) noexcept {
    if (ulps == 0) return {v, v};
    const T k = T(4 * ulps);
    const T w = next_up(k * (T(2) * unit_roundoff<T> * magnitude(v) + tiny<T>));
    return {sane_lower(next_down(v - w)), sane_upper(next_up(v + w))};
}

template <class T>
constexpr interval<T> clamp(interval<T> x, T lo, T hi) noexcept {
    return {max_of(x.lower, lo), min_of(x.upper, hi)};
}

// An absolute allowance for the difference between the computed F(x̂) and the
// exact f(x̂) at any x̂ where |f| <= magnitude: ulps·ulp(f) <= ulps·2u·|f|,
// doubled, and ulps·denorm_min for subnormal results.
template <class T>
constexpr T computed_slack(T magnitude, int ulps) noexcept {
    if (ulps == 0) return T(0);
    return next_up(next_up(T(4 * ulps) * unit_roundoff<T> * magnitude) + T(ulps) * tiny<T>);
}

// The lines of a relaxation, valid for the exact function, widened by the
// computed slack so they also hold for the computed values.
template <class T>
constexpr linear_relaxation<T> widen(linear_relaxation<T> r, T slack) noexcept {
    if (slack == T(0)) return r;
    return {r.lower_slope, sane_lower(next_down(r.lower_intercept - slack)), r.upper_slope,
            sane_upper(next_up(r.upper_intercept + slack))};
}

template <class T>
constexpr linear_relaxation<T> constant_lines(interval<T> image) noexcept {
    return {T(0), image.lower, T(0), image.upper};
}

// The relaxations, each sound for the exact f on [l, u] whatever slope the
// floating-point arithmetic produced: the intercept is what makes a line
// valid, and it is rounded outward.
//
// Convex f: a chord lies above. For any slope s, f(x) − s·x is convex, so its
// maximum over [l, u] is at an end: the intercept is the larger end value.
template <class T>
constexpr T chord_upper_intercept(T s, T l, T u, interval<T> fl, interval<T> fu) noexcept {
    return max_of(sub_up(fl.upper, mul_down(s, l)), sub_up(fu.upper, mul_down(s, u)));
}
// Concave f: a chord lies below (f − s·x concave: minimum at an end).
template <class T>
constexpr T chord_lower_intercept(T s, T l, T u, interval<T> fl, interval<T> fu) noexcept {
    return min_of(sub_down(fl.lower, mul_up(s, l)), sub_down(fu.lower, mul_up(s, u)));
}
// Convex f: a tangent at m lies below: f(x) >= f(m) + g·(x − m) for a
// subgradient g in [d]. With the slope s (not exactly g) the line must drop
// by |g − s|·max|x − m|.
template <class T>
constexpr T tangent_lower_intercept(T s, T m, T l, T u, interval<T> fm, interval<T> d) noexcept {
    const T deviation = next_up(max_of(d.upper - s, s - d.lower));
    const T reach = next_up(max_of(m - l, u - m));
    return next_down(sub_down(fm.lower, mul_up(s, m)) - mul_up(deviation, reach));
}
template <class T>
constexpr T tangent_upper_intercept(T s, T m, T l, T u, interval<T> fm, interval<T> d) noexcept {
    const T deviation = next_up(max_of(d.upper - s, s - d.lower));
    const T reach = next_up(max_of(m - l, u - m));
    return next_up(sub_up(fm.upper, mul_down(s, m)) + mul_up(deviation, reach));
}

template <class T>
constexpr T chord_slope(T l, T u, interval<T> fl, interval<T> fu) noexcept {
    const T s = ((fu.lower + fu.upper) / T(2) - (fl.lower + fl.upper) / T(2)) / (u - l);
    return math::isfinite(s) ? s : T(0);
}

enum class curvature { convex, concave, neither };

// The relaxation of a function described by Hooks (below) on [l, u]:
// convex there: chord above, tangent at the midpoint below; concave: the
// reverse; neither (monotone, crossing an inflection): two parallel lines of
// slope α <= min f' on [l, u], through the ends (f − α·x is non-decreasing).
template <class Hooks, class T>
constexpr linear_relaxation<T> relax_with(interval<T> x, interval<T> image,
                                          relaxation_choice choice = relaxation_choice::tangent) noexcept {
    const T l = x.lower, u = x.upper;
    const T slack = computed_slack(max_abs(image.lower, image.upper), Hooks::ulps);
    if (!math::isfinite(l) || !math::isfinite(u) || !(l < u)) return widen(constant_lines(image), slack);
    const interval<T> fl = Hooks::template enclose<T>(l), fu = Hooks::template enclose<T>(u);
    const curvature c = Hooks::template shape_on<T>(l, u);
    linear_relaxation<T> r{};
    if (c == curvature::neither) {
        const T a = Hooks::template min_slope<T>(l, u);
        r = {a, sub_down(fl.lower, mul_up(a, l)), a, sub_up(fu.upper, mul_down(a, u))};
    } else {
        const T m = l + (u - l) / T(2);
        const interval<T> fm = Hooks::template enclose<T>(m);
        const interval<T> d = Hooks::template slope_at<T>(m);
        const T chord = chord_slope(l, u, fl, fu);
        const T tangent = (d.lower + d.upper) / T(2);
        const bool flat = choice == relaxation_choice::flat;
        if (c == curvature::convex)
            r = {flat ? T(0) : tangent, flat ? image.lower : tangent_lower_intercept(tangent, m, l, u, fm, d), chord,
                 chord_upper_intercept(chord, l, u, fl, fu)};
        else
            r = {chord, chord_lower_intercept(chord, l, u, fl, fu), flat ? T(0) : tangent,
                 flat ? image.upper : tangent_upper_intercept(tangent, m, l, u, fm, d)};
    }
    r.lower_intercept = sane_lower(r.lower_intercept);
    r.upper_intercept = sane_upper(r.upper_intercept);
    return widen(r, slack);
}

// Hooks for the image and the relaxation of an increasing function F.
// enclose(x): exact f(x) and computed F(x); slope_at(x): a (sub)gradient
// interval; shape_on(l, u); min_slope(l, u) <= f' on [l, u] (only when
// shape_on is `neither`).
template <class F, int Ulps>
struct hooks_base {
    static constexpr int ulps = Ulps;
    template <class T>
    static constexpr interval<T> enclose(T x) noexcept {
        return around(F::template value<T>(x), Ulps);
    }
};

template <class Hooks, class T>
constexpr interval<T> increasing_image(interval<T> x) noexcept {
    return {Hooks::template enclose<T>(x.lower).lower, Hooks::template enclose<T>(x.upper).upper};
}

// α = N/D as an interval (T(N)/T(D) is rounded once).
template <class T, long long N, long long D>
constexpr interval<T> ratio() noexcept {
    const T r = T(N) / T(D);
    return {next_down(r), next_up(r)};
}

} // namespace detail::verify

template <>
struct activation_bounds<functions::identity> {
    template <class T> static constexpr interval<T> image(interval<T> x) noexcept { return x; }
    template <class T>
    static constexpr linear_relaxation<T> relax(interval<T>, relaxation_choice = relaxation_choice::tangent) noexcept {
        return {T(1), T(0), T(1), T(0)};
    }
    template <class T> static constexpr T derivative_bound(interval<T>) noexcept { return T(1); }
    template <class T> static constexpr T lipschitz() noexcept { return T(1); }
};

// ReLU is exact in floating point (a comparison), convex, kink at 0.
template <>
struct activation_bounds<functions::relu> {
    struct hooks : detail::verify::hooks_base<functions::relu, 0> {
        template <class T> static constexpr detail::verify::curvature shape_on(T, T) noexcept {
            return detail::verify::curvature::convex;
        }
        template <class T> static constexpr interval<T> slope_at(T m) noexcept {
            return m > T(0) ? interval<T>{T(1), T(1)} : interval<T>{T(0), T(0)};
        }
        template <class T> static constexpr T min_slope(T, T) noexcept { return T(0); }
    };
    template <class T> static constexpr interval<T> image(interval<T> x) noexcept {
        return detail::verify::increasing_image<hooks>(x);
    }
    template <class T>
    static constexpr linear_relaxation<T> relax(interval<T> x,
                                                relaxation_choice choice = relaxation_choice::tangent) noexcept {
        return detail::verify::relax_with<hooks>(x, image(x), choice);
    }
    template <class T> static constexpr T derivative_bound(interval<T> x) noexcept {
        return x.upper > T(0) ? T(1) : T(0);
    }
    template <class T> static constexpr T lipschitz() noexcept { return T(1); }
};

// Leaky ReLU f(x) = x (x > 0), a·x (x <= 0), a = N/D: max(x, a·x) for
// a <= 1 (convex), min(x, a·x) for a > 1 (concave); not monotone for a < 0,
// so its image is taken over the ends and the kink.
template <long long N, long long D>
struct activation_bounds<functions::leaky_relu<N, D>> {
    using F = functions::leaky_relu<N, D>;
    struct hooks : detail::verify::hooks_base<F, 1> {
        template <class T> static constexpr detail::verify::curvature shape_on(T, T) noexcept {
            return N <= D ? detail::verify::curvature::convex : detail::verify::curvature::concave;
        }
        template <class T> static constexpr interval<T> slope_at(T m) noexcept {
            return m > T(0) ? interval<T>{T(1), T(1)} : detail::verify::ratio<T, N, D>();
        }
        template <class T> static constexpr T min_slope(T, T) noexcept { return T(0); }
    };
    template <class T> static constexpr interval<T> image(interval<T> x) noexcept {
        const interval<T> fl = hooks::template enclose<T>(x.lower), fu = hooks::template enclose<T>(x.upper);
        interval<T> r{detail::verify::min_of(fl.lower, fu.lower), detail::verify::max_of(fl.upper, fu.upper)};
        if (x.lower <= T(0) && T(0) <= x.upper) r = {detail::verify::min_of(r.lower, T(0)), detail::verify::max_of(r.upper, T(0))};
        return r;
    }
    template <class T>
    static constexpr linear_relaxation<T> relax(interval<T> x,
                                                relaxation_choice choice = relaxation_choice::tangent) noexcept {
        return detail::verify::relax_with<hooks>(x, image(x), choice);
    }
    template <class T> static constexpr T derivative_bound(interval<T> x) noexcept {
        const T a = math::abs(detail::verify::ratio<T, N, D>().upper) > math::abs(detail::verify::ratio<T, N, D>().lower)
                        ? math::abs(detail::verify::ratio<T, N, D>().upper)
                        : math::abs(detail::verify::ratio<T, N, D>().lower);
        const T left = x.lower <= T(0) ? a : T(0);
        const T right = x.upper > T(0) ? T(1) : T(0);
        return detail::verify::max_of(left, right);
    }
    template <class T> static constexpr T lipschitz() noexcept {
        return derivative_bound<T>({-detail::verify::infinity<T>, detail::verify::infinity<T>});
    }
};

// ELU f(x) = x (x > 0), α(eˣ − 1) (x <= 0), α > 0: increasing; convex for
// α <= 1; for α > 1 convex on x <= 0, linear on x >= 0, neither across 0.
template <long long N, long long D>
struct activation_bounds<functions::elu<N, D>> {
    using F = functions::elu<N, D>;
    // value(): α rounded, expm1 within 1 ulp, the product rounded: 3 ulp.
    struct hooks : detail::verify::hooks_base<F, 3> {
        template <class T> static constexpr detail::verify::curvature shape_on(T l, T u) noexcept {
            if (N <= D || u <= T(0)) return detail::verify::curvature::convex;
            if (l >= T(0)) return detail::verify::curvature::convex; // linear
            return detail::verify::curvature::neither;
        }
        // α·eᵐ for m <= 0 (at 0 a subgradient when α <= 1), else 1.
        template <class T> static constexpr interval<T> slope_at(T m) noexcept {
            if (m > T(0)) return {T(1), T(1)};
            const interval<T> ex = detail::verify::around(math::exp(m), 1); // exp: within 1 ulp
            return detail::verify::mul(ex, detail::verify::ratio<T, N, D>());
        }
        // f' on [l, u] with l < 0 < u is min(α·e^l, 1) or more.
        template <class T> static constexpr T min_slope(T l, T) noexcept {
            const T left = slope_at<T>(l).lower;
            return left < T(1) ? (left > T(0) ? left : T(0)) : T(1);
        }
    };
    template <class T> static constexpr interval<T> image(interval<T> x) noexcept {
        const T alpha = detail::verify::ratio<T, N, D>().upper;
        return detail::verify::clamp(detail::verify::increasing_image<hooks>(x), -alpha, detail::verify::infinity<T>);
    }
    template <class T>
    static constexpr linear_relaxation<T> relax(interval<T> x,
                                                relaxation_choice choice = relaxation_choice::tangent) noexcept {
        return detail::verify::relax_with<hooks>(x, image(x), choice);
    }
    template <class T> static constexpr T derivative_bound(interval<T> x) noexcept {
        T d = x.upper > T(0) ? T(1) : T(0);
        if (x.lower <= T(0)) {
            const T left = hooks::template slope_at<T>(x.upper < T(0) ? x.upper : T(0)).upper;
            if (left > d) d = left;
        }
        return d;
    }
    template <class T> static constexpr T lipschitz() noexcept {
        return detail::verify::max_of(T(1), detail::verify::ratio<T, N, D>().upper);
    }
};

namespace detail::verify {

// σ and tanh: increasing, convex for x <= 0, concave for x >= 0, f' largest
// at 0 and falling with |x| (so min f' on [l, u] is at the end farther
// from 0).
template <class F, class Derivative>
struct s_shaped_hooks : hooks_base<F, 2> {
    template <class T> static constexpr curvature shape_on(T l, T u) noexcept {
        if (u <= T(0)) return curvature::convex;
        if (l >= T(0)) return curvature::concave;
        return curvature::neither;
    }
    template <class T> static constexpr interval<T> slope_at(T m) noexcept {
        return Derivative::template of<T>(hooks_base<F, 2>::template enclose<T>(m));
    }
    template <class T> static constexpr T min_slope(T l, T u) noexcept {
        const T far = math::abs(l) > math::abs(u) ? l : u;
        const T a = slope_at<T>(far).lower;
        return a > T(0) ? a : T(0);
    }
};

// σ' = s(1 − s) for s in [sl, sh] ⊂ [0, 1]: g(s) = s(1 − s) rises to ¼ at ½.
struct sigmoid_derivative {
    template <class T> static constexpr T g_down(T s) noexcept { return mul_down(s, next_down(T(1) - s)); }
    template <class T> static constexpr T g_up(T s) noexcept { return mul_up(s, next_up(T(1) - s)); }
    template <class T> static constexpr interval<T> of(interval<T> s) noexcept {
        s = clamp(s, T(0), T(1));
        T lo = min_of(g_down(s.lower), g_down(s.upper));
        T hi = (s.lower <= T(0.5) && T(0.5) <= s.upper) ? T(0.25) : max_of(g_up(s.lower), g_up(s.upper));
        return {max_of(lo, T(0)), min_of(hi, T(0.25))};
    }
};

// tanh' = 1 − t² for t in [tl, th] ⊂ [−1, 1].
struct tanh_derivative {
    template <class T> static constexpr interval<T> of(interval<T> t) noexcept {
        t = clamp(t, T(-1), T(1));
        const T small = (t.lower <= T(0) && T(0) <= t.upper) ? T(0) : min_of(math::abs(t.lower), math::abs(t.upper));
        const T large = max_abs(t.lower, t.upper);
        return {max_of(sub_down(T(1), mul_up(large, large)), T(0)), min_of(sub_up(T(1), mul_down(small, small)), T(1))};
    }
};

// The point of [l, u] closest to 0, where σ' and tanh' are largest.
template <class T>
constexpr T closest_to_zero(interval<T> x) noexcept {
    return x.lower > T(0) ? x.lower : (x.upper < T(0) ? x.upper : T(0));
}

} // namespace detail::verify

template <>
struct activation_bounds<functions::sigmoid> {
    using hooks = detail::verify::s_shaped_hooks<functions::sigmoid, detail::verify::sigmoid_derivative>;
    template <class T> static constexpr interval<T> image(interval<T> x) noexcept {
        return detail::verify::clamp(detail::verify::increasing_image<hooks>(x), T(0), T(1));
    }
    template <class T>
    static constexpr linear_relaxation<T> relax(interval<T> x,
                                                relaxation_choice choice = relaxation_choice::tangent) noexcept {
        return detail::verify::relax_with<hooks>(x, image(x), choice);
    }
    template <class T> static constexpr T derivative_bound(interval<T> x) noexcept {
        return hooks::template slope_at<T>(detail::verify::closest_to_zero(x)).upper;
    }
    template <class T> static constexpr T lipschitz() noexcept { return T(0.25); }
};

template <>
struct activation_bounds<functions::tanh> {
    using hooks = detail::verify::s_shaped_hooks<functions::tanh, detail::verify::tanh_derivative>;
    template <class T> static constexpr interval<T> image(interval<T> x) noexcept {
        return detail::verify::clamp(detail::verify::increasing_image<hooks>(x), T(-1), T(1));
    }
    template <class T>
    static constexpr linear_relaxation<T> relax(interval<T> x,
                                                relaxation_choice choice = relaxation_choice::tangent) noexcept {
        return detail::verify::relax_with<hooks>(x, image(x), choice);
    }
    template <class T> static constexpr T derivative_bound(interval<T> x) noexcept {
        return hooks::template slope_at<T>(detail::verify::closest_to_zero(x)).upper;
    }
    template <class T> static constexpr T lipschitz() noexcept { return T(1); }
};

namespace detail::verify {

// The forward pass's own rounding in a dense layer: |computed y_j − exact
// y_j(x̂)| <= γ_{In+1}·(|b_j| + Σᵢ |x̂ᵢ|·|W_ij|) for any summation order
// (dense_layer's four chains included; an FMA only removes roundings), with
// |x̂ᵢ| <= max(|lᵢ|, |uᵢ|) over the input box.
template <class T, std::size_t In, std::size_t Out>
constexpr std::array<T, Out> dense_rounding_allowance(const T* p, const box<T, In>& in) noexcept {
    static_assert(check_summation_length<size::dense_layer_inputs<In>, T>::value);
    const T* w = p;
    const T* b = p + In * Out;
    std::array<T, In> reach{};
    for (std::size_t i = 0; i < In; ++i) reach[i] = max_abs(in.lower[i], in.upper[i]);
    std::array<T, Out> e{};
    for (std::size_t j = 0; j < Out; ++j) {
        T t = magnitude(b[j]);
        for (std::size_t i = 0; i < In; ++i) t += reach[i] * magnitude(w[i * Out + j]);
        e[j] = summation_error(upper_sum(t, In + 1), In + 1);
    }
    return e;
}

} // namespace detail::verify

template <class T, std::size_t In, std::size_t Out>
struct interval_transfer<dense_layer<T, In, Out>> {
    // yⱼ over the box: bⱼ + Σᵢ Wᵢⱼ·(lᵢ or uᵢ, by the sign of Wᵢⱼ), enclosed,
    // then widened by the forward pass's rounding allowance.
    static constexpr void propagate(const T* p, const box<T, In>& in, box<T, Out>& out) noexcept {
        using namespace detail::verify;
        const T* w = p;
        const T* b = p + In * Out;
        const std::array<T, Out> e = dense_rounding_allowance<T, In, Out>(p, in);
        for (std::size_t j = 0; j < Out; ++j) {
            T slo = b[j], shi = b[j], tlo = magnitude(b[j]), thi = tlo;
            for (std::size_t i = 0; i < In; ++i) {
                const T wij = w[i * Out + j];
                const T plo = wij * (wij >= T(0) ? in.lower[i] : in.upper[i]);
                const T phi = wij * (wij >= T(0) ? in.upper[i] : in.lower[i]);
                slo += plo;
                shi += phi;
                tlo += magnitude(plo);
                thi += magnitude(phi);
            }
            const T lo = next_down(slo - summation_error(tlo, In + 1));
            const T hi = next_up(shi + summation_error(thi, In + 1));
            out.lower[j] = sane_lower(next_down(lo - e[j]));
            out.upper[j] = sane_upper(next_up(hi + e[j]));
        }
    }
};

template <class T, class F, std::size_t Width, class Shape>
struct interval_transfer<activation_layer<T, F, Width, Shape>> {
    static constexpr void propagate(const T*, const box<T, Width>& in, box<T, Width>& out) noexcept {
        for (std::size_t i = 0; i < Width; ++i) {
            const interval<T> y = activation_bounds<F>::template image<T>(in[i]);
            out.lower[i] = y.lower;
            out.upper[i] = y.upper;
        }
    }
};

// Softmax: yᵢ = 1 / (1 + Σ_{j≠i} e^(xⱼ − xᵢ)) is increasing in xᵢ and
// decreasing in every other xⱼ, so its extremes over a box are at
// (lᵢ, u_{j≠i}) and (uᵢ, l_{j≠i}), each rounded outward. The computed value
// differs from the exact one by a relative ρ (below) and an absolute
// allowance for results that underflow; outputs stay in [0, 1].
template <class T, std::size_t Width>
struct interval_transfer<softmax_layer<T, Width>> {
    static constexpr void propagate(const T*, const box<T, Width>& in, box<T, Width>& out) noexcept {
        using namespace detail::verify;
        constexpr T u = unit_roundoff<T>;
        // Computed: dⱼ = fl(xⱼ − m) = (xⱼ − m)(1 + δ), so e^dⱼ carries a
        // relative error e^(S·u) − 1 with S >= |xⱼ − m| (the box's spread),
        // exp adds 1 ulp (<= 2u; 4u taken), the sum γ_{W−1}, the division u:
        // ρ <= 2.2·(S·u + 4u) + 1.1·(W + 1)·u while that is below 0.01.
        T spread = T(0);
        {
            T hi = in.upper[0], lo = in.lower[0];
            for (std::size_t i = 1; i < Width; ++i) {
                hi = max_of(hi, in.upper[i]);
                lo = min_of(lo, in.lower[i]);
            }
            spread = next_up(hi - lo);
        }
        T rho = next_up(T(2.2) * next_up(spread * u + T(4) * u) + T(1.1) * T(Width + 1) * u);
        const bool relative_ok = rho < T(0.01) && rho == rho;
        const T absolute = T(4 * Width) * tiny<T>;
        for (std::size_t i = 0; i < Width; ++i) {
            T sum_hi = T(1), sum_lo = T(1);
            for (std::size_t j = 0; j < Width; ++j) {
                if (j == i) continue;
                // e^(uⱼ − lᵢ) from above, e^(lⱼ − uᵢ) from below; exp is within 1 ulp.
                const T up_arg = next_up(in.upper[j] - in.lower[i]);
                const T down_arg = next_down(in.lower[j] - in.upper[i]);
                sum_hi = add_up(sum_hi, around(math::exp(up_arg), 1).upper);
                sum_lo = add_down(sum_lo, max_of(around(math::exp(down_arg), 1).lower, T(0)));
            }
            T lo = div_down(T(1), sum_hi);
            T hi = div_up(T(1), sum_lo);
            if (relative_ok) {
                lo = next_down(mul_down(lo, next_down(T(1) - rho)) - absolute);
                hi = next_up(mul_up(hi, next_up(T(1) + rho)) + absolute);
            } else {
                lo = T(0);
                hi = T(1);
            }
            out.lower[i] = (lo == lo && lo > T(0)) ? lo : T(0);
            out.upper[i] = (hi == hi && hi < T(1)) ? hi : T(1);
        }
    }
};

} // namespace ctnn
