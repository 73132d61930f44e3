// ctnn/grad/gradient_check.hpp - backprop against central differences, usable in
// static_assert and at runtime, returning a report rather than a bool.
//
//   constexpr auto report = ctnn::gradient_check(net, ctnn::mse{}, x, d);
//   static_assert(report.passed);
//
// How it decides:
// * The check runs in the tolerance's scalar type; the default is double, so a
//   float network is converted and checked in double (the float network's
//   formulas are the same; double arithmetic separates formula errors from
//   float rounding).
// * Step: h_k = tolerance.step · max(1, |w_k|), so large weights are perturbed
//   relative to their size.
// * A parameter passes when |backprop − numerical| <= its allowance
//     absolute + relative·|numerical| + loss_ulps·ε·(|E(w + h)| + |E(w − h)|) / |s|,
//   s = (w + h) − (w − h) as stored, ε the check type's machine epsilon.
//   Derivation: the quotient q = (Ê₊ − Ê₋)/s of the two evaluated losses
//   Ê± = E±·(1 + δ±) differs from the exact quotient (E₊ − E₋)/s by
//   (E₊δ₊ − E₋δ₋)/s, at most κε·(|E₊| + |E₋|)/|s| when evaluating E is off by
//   at most κ ulps of |E| (loss_ulps is κ; the subtraction and the division
//   add ε·|q|, inside relative). That is the rounding term: it grows with the
//   loss and as the step shrinks (a step shrunk 10⁴ times around a kink makes
//   it 10⁴ times larger), so a large loss is no false alarm. The exact
//   quotient differs from E' by the truncation h²·E'''(ξ)/6, which absolute +
//   relative·|q| covers for the default steps.
// * Kinks (ReLU at 0, a user's hard-tanh at ±1, MAE where y = d): the function
//   is piecewise smooth. For each perturbed evaluation ctnn asks every layer
//   with kinks (layer_traits<L>::same_piece) and the loss (Loss::same_piece,
//   if it has one) whether its inputs still lie on the same smooth piece as
//   without the perturbation. If w + h or w − h moved any across a kink, the
//   difference quotient straddles it and means nothing: the step is divided by
//   10 and tried again (up to 4 times), and if it still straddles the
//   parameter is skipped and counted in `kinks_skipped`, never failed.
// * Vacuous checks fail: a backprop gradient that is zero everywhere
//   (zero_gradient), one that is nonzero but nowhere larger than its
//   allowance, so that central differences cannot tell it from 0
//   (gradient_too_small: e.g. 1e-170 everywhere, or 1e-9 for a loss of 1),
//   a loss that did not change under any perturbation, or no parameter
//   checked.
// * What a pass proves: `detectable_relative_error` is the smallest relative
//   error of the gradient (the same in every parameter, as a wrongly scaled
//   loss gradient gives) that the check would have caught: the least
//   (allowance + |backprop − numerical|)/|numerical| over the parameters
//   checked. With the absolute floor, a pass on small gradients proves
//   little; this field says how little.
// * Non-finite losses or gradients fail with `failure::non_finite`.
#pragma once

#include <ctnn/grad/backprop.hpp>
#include <ctnn/grad/numerical.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/network.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/for_each.hpp>

#include <array>
#include <cstddef>
#include <limits>
#include <type_traits>

namespace ctnn {

// Step and tolerances of a gradient check. The check runs in T.
//
// Defaults and why. Central differences have truncation error ~h²·|E'''|/6 and
// rounding error ~κε·|E|/h (the derivation above); their sum is smallest near
// h = ε^(1/3).
// * double: ε^(1/3) ≈ 6e-6, so step 1e-6 (as PyTorch's gradcheck): the
//   error of a well-scaled loss is then ~1e-10. absolute 1e-6 and relative
//   1e-5 keep two to three orders of margin over that, and are 10x to 100x
//   tighter than PyTorch's (atol 1e-5, rtol 1e-3) and as tight as JAX's
//   (1e-5 for float64).
// * float (a check run in float): ε^(1/3) ≈ 5e-3, so step 4e-3. Rounding
//   is then κε·|E|/h ≈ 5e-4·|E| and truncation h²·|E'''|/6 ≈ 3e-6·|E'''|,
//   which for a strongly curved loss exceeds any useful relative tolerance;
//   the Richardson second opinion (probe, below) removes it. relative 2e-3
//   catches a 1 % error with five times margin; absolute 1e-4 (was 2e-3)
//   no longer hides a 1 % error in gradients below 0.2. Measured on the
//   differential test's 196 float networks (tests/interop/differential,
//   seed 13: every activation and loss, widths 1-32, 1-4 hidden layers, edge
//   values): 0 false alarms on correct gradients (the former {4e-3, 2e-3,
//   2e-3} without the rounding term and Richardson: 30, 15 %) and every
//   resolvable injected 1 % error caught (relative 5e-3 with κ = 64: two
//   passed).
// * loss_ulps (κ): how many ulps of |E| evaluating the loss may be off by.
//   ctnn's losses are sums of nonnegative terms, exact to a few ulps each,
//   but the output y they see carries the network's own rounding (a dot
//   product of n terms: up to n ulps of the sum of their magnitudes).
//   16 is measured, not derived: on the differential test's 500 random
//   networks (losses up to 1e8, steps shrunk 10⁴ times at loss kinks) no
//   correct gradient fails with κ = 16 (κ = 0, the former rule: 38 false
//   alarms in double), while a larger κ hides resolvable 1 % errors in float.
//   A loss evaluated with more cancellation (large terms inside the network
//   that cancel) needs a larger κ of its own.
// A tolerance written as {step, absolute, relative} keeps that κ.
template <class T>
struct tolerance {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "ctnn::tolerance<T>: gradient checks run in float or double");
    T step;
    T absolute;
    T relative;
    T loss_ulps = T(16);

    static constexpr tolerance defaults() noexcept {
        if constexpr (std::is_same_v<T, double>) return {1e-6, 1e-6, 1e-5, 16};
        else return {4e-3f, 1e-4f, 2e-3f, 16};
    }
};

enum class gradient_check_failure {
    none,
    mismatch,            // some parameter's gradient is outside the tolerance
    zero_gradient,       // backprop gave 0 for every parameter: nothing was tested
    loss_did_not_change, // no perturbation moved the loss: nothing was tested
    nothing_checked,     // every parameter sat on a kink, or the network has none
    non_finite,          // a loss or gradient is NaN or infinite
    gradient_too_small,  // backprop's gradient is nonzero but nowhere larger than
                         // the check's allowance: central differences cannot
                         // tell it from 0, so nothing was tested
};

constexpr const char* describe(gradient_check_failure f) noexcept {
    switch (f) {
    case gradient_check_failure::none: return "passed";
    case gradient_check_failure::mismatch: return "backprop and central differences disagree beyond the tolerance";
    case gradient_check_failure::zero_gradient: return "vacuous: the backprop gradient is zero everywhere";
    case gradient_check_failure::loss_did_not_change: return "vacuous: no perturbation changed the loss";
    case gradient_check_failure::nothing_checked: return "vacuous: no parameter could be checked";
    case gradient_check_failure::non_finite: return "a loss or gradient is NaN or infinite";
    case gradient_check_failure::gradient_too_small:
        return "vacuous: the gradient is too small for central differences to see (nowhere above the allowance)";
    }
    return "unknown";
}

struct gradient_check_report {
    bool passed = false;
    gradient_check_failure failure = gradient_check_failure::nothing_checked;
    double max_absolute_error = 0;   // max |backprop − numerical|
    double max_relative_error = 0;   // max |backprop − numerical| / max(|backprop|, |numerical|)
    std::size_t worst_layer = 0;     // layer holding the parameter with the largest
    std::size_t worst_parameter = 0; // error relative to its allowance; index within that layer
    std::size_t worst_index = 0;     // ... and in the network's parameter array
    double worst_backprop = 0;       // the two values at that parameter
    double worst_numerical = 0;
    double gradient_norm = 0;        // Euclidean norm of the backprop gradient (computed scaled:
                                     // no underflow for 1e-170, no overflow for 1e200)
    double max_loss_change = 0;      // max |E(w + h) − E(w − h)| over all perturbations
    std::size_t parameters_checked = 0;
    std::size_t kinks_skipped = 0; // parameters whose perturbation straddled a kink
    // Parameters compared with a step shrunk (h/10 … h/10⁴) to stay off a
    // kink: their rounding allowance is as many times larger.
    std::size_t steps_shrunk = 0;
    // The smallest relative error in the gradient the check is sure to have
    // detected: min over the parameters checked of (allowance + |backprop −
    // numerical|) / |numerical| (an error larger than this in every entry
    // fails the check; +inf when no parameter was checked or every
    // numerical value is 0).
    double detectable_relative_error = std::numeric_limits<double>::infinity();

    constexpr explicit operator bool() const noexcept { return passed; }
};

namespace detail {

// Whether every layer with kinks sees its inputs on the same pieces in both
// traces, and the loss its outputs (for target d).
template <class Net, class Loss, class D>
constexpr bool same_pieces(const typename Net::trace_type& a, const typename Net::trace_type& b,
                           const D& d) noexcept {
    bool same = true;
    boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<Net::layer_count>),
                          [&](auto i) {
                              constexpr std::size_t k = decltype(i)::value;
                              using traits = layer_traits<typename Net::template layer_type<k>>;
                              if constexpr (traits::has_kinks)
                                  if (same && !traits::same_piece(boost::hana::at_c<k>(a), boost::hana::at_c<k>(b)))
                                      same = false;
                          });
    if constexpr (requires { Loss::same_piece(output_of(a), output_of(b), d); })
        if (same && !Loss::same_piece(output_of(a), output_of(b), d)) same = false;
    return same;
}

// Mean loss over the samples, keeping every trace (for kink detection).
template <class Net, class Loss, class Xs, class Ds>
constexpr typename Net::scalar traced_loss(const Net& net, const Xs& xs, const Ds& ds,
                                           std::array<typename Net::trace_type, std::tuple_size_v<Xs>>& traces) noexcept {
    using T = typename Net::scalar;
    constexpr std::size_t n = std::tuple_size_v<Xs>;
    T sum = T(0);
    for (std::size_t s = 0; s < n; ++s) {
        net.forward(xs[s], traces[s]);
        sum += Loss::value(output_of(traces[s]), ds[s]);
    }
    return sum / T(n);
}

template <class Net, class Loss, class Ds, std::size_t N>
constexpr bool same_pieces_all(const std::array<typename Net::trace_type, N>& a,
                               const std::array<typename Net::trace_type, N>& b, const Ds& ds) noexcept {
    for (std::size_t s = 0; s < N; ++s)
        if (!same_pieces<Net, Loss>(a[s], b[s], ds[s])) return false;
    return true;
}

template <class T>
constexpr T magnitude(T x) noexcept {
    return x < T(0) ? -x : x;
}

// Compares one backprop value with its central difference and keeps the
// report's running figures.
template <class T>
struct error_tracker {
    gradient_check_report& r;
    const tolerance<T>& tol;
    double worst_ratio = -1; // error / allowance of the worst entry so far
    bool all_within = true;
    bool any_visible = false; // some |backprop| above its allowance: the check tested something

    constexpr void loss_change(T eu, T ed) noexcept {
        const double change = static_cast<double>(magnitude(eu - ed));
        if (change > r.max_loss_change) r.max_loss_change = change;
    }

    // The rounding term κε·(|E₊| + |E₋|)/|s| (s: (w + h) − (w − h) as stored),
    // computed as 2κε·(|E₊|/2 + |E₋|/2)/|s| so that two losses near the
    // largest finite value do not overflow.
    constexpr T rounding(T e_up, T e_down, T span) const noexcept {
        return T(2) * tol.loss_ulps * std::numeric_limits<T>::epsilon() *
               (magnitude(e_up) / T(2) + magnitude(e_down) / T(2)) / magnitude(span);
    }

    // rounding_error: of the numerical value compared; possible_rounding: the
    // most the probe may grant this parameter (with its Richardson retry),
    // for detectable_relative_error.
    constexpr void compare(std::size_t index, T analytic, T numerical, T rounding_error,
                           T possible_rounding) noexcept {
        ++r.parameters_checked;
        const T diff = magnitude(analytic - numerical);
        const T larger = magnitude(analytic) > magnitude(numerical) ? magnitude(analytic) : magnitude(numerical);
        const T allowance = tol.absolute + tol.relative * magnitude(numerical) + rounding_error;
        if (diff > allowance) all_within = false;
        if (magnitude(analytic) > allowance) any_visible = true;
        if (static_cast<double>(diff) > r.max_absolute_error) r.max_absolute_error = static_cast<double>(diff);
        if (larger > T(0) && static_cast<double>(diff / larger) > r.max_relative_error)
            r.max_relative_error = static_cast<double>(diff / larger);
        if (numerical != T(0)) {
            // A relative error r in backprop moves it by r·|g| ≈ r·|numerical|
            // from where it is: certainly outside the allowance once r·|numerical|
            // > allowance + diff (diff: how far it already is).
            const T possible = tol.absolute + tol.relative * magnitude(numerical) + possible_rounding;
            const double detectable = static_cast<double>((possible + diff) / magnitude(numerical));
            if (detectable < r.detectable_relative_error) r.detectable_relative_error = detectable;
        }
        const double ratio = allowance > T(0) ? static_cast<double>(diff / allowance) : (diff > T(0) ? 1e300 : 0.0);
        if (ratio > worst_ratio) {
            worst_ratio = ratio;
            r.worst_index = r.worst_parameter = index;
            r.worst_backprop = static_cast<double>(analytic);
            r.worst_numerical = static_cast<double>(numerical);
        }
    }

    // Records the gradient's norm, computed scaled by its largest entry so
    // that neither 1e-170 (whose square underflows) nor 1e200 is lost; false
    // when an entry is NaN or infinite.
    constexpr bool gradient(const T* g, std::size_t n) noexcept {
        T largest = T(0);
        for (std::size_t k = 0; k < n; ++k) {
            if (!math::isfinite(g[k])) return false;
            if (magnitude(g[k]) > largest) largest = magnitude(g[k]);
        }
        T sum = T(0);
        if (largest > T(0))
            for (std::size_t k = 0; k < n; ++k) sum += (g[k] / largest) * (g[k] / largest);
        r.gradient_norm = static_cast<double>(largest) * static_cast<double>(math::sqrt(sum));
        return true;
    }

    constexpr gradient_check_report& finish() noexcept {
        if (r.parameters_checked == 0) r.failure = gradient_check_failure::nothing_checked;
        else if (!all_within) r.failure = gradient_check_failure::mismatch;
        else if (r.gradient_norm == 0) r.failure = gradient_check_failure::zero_gradient;
        else if (!any_visible) r.failure = gradient_check_failure::gradient_too_small;
        else if (r.max_loss_change == 0) r.failure = gradient_check_failure::loss_did_not_change;
        else r.failure = gradient_check_failure::none;
        r.passed = r.failure == gradient_check_failure::none;
        return r;
    }

    constexpr gradient_check_report& fail_non_finite() noexcept {
        r.failure = gradient_check_failure::non_finite;
        r.passed = false;
        return r;
    }
};

enum class probe_outcome { compared, straddled, non_finite };

// The one straddle-and-retry loop: central differences of E in coordinate u
// with step h, h/10, ... (5 tries) until the perturbation crosses no kink
// (straddles() false after the evaluations), then compares with `analytic`.
// evaluate(side) computes E with u perturbed (side +1 or −1).
// A parameter outside its allowance gets a second opinion before it fails:
// the quotient's truncation error is c·h² + O(h⁴), so Richardson's
// q* = q(h/2) + (q(h/2) − q(h))/3 removes the h² term (a strongly curved loss,
// e.g. a float check's step of 4e-3 through tanh and GELU, is then no false
// alarm; from 2h instead, the O(h⁴) left over still was), with rounding
// (4/3)·r(h/2) + (1/3)·r(h) ≈ 3·r(h). Two more evaluations, only for a
// parameter that would fail: a wrong gradient still fails, against the
// better estimate (detectable_relative_error counts the 3·r(h) a parameter
// may be granted).
template <class T, class Evaluate, class Straddles>
constexpr probe_outcome probe(error_tracker<T>& track, std::size_t index, T analytic, T& u, T h,
                              Evaluate&& evaluate, Straddles&& straddles) noexcept {
    for (int attempt = 0; attempt < 5; ++attempt, h /= T(10)) {
        const T span = (u + h) - (u - h);
        const auto c = central_difference_at(u, h, evaluate);
        if (!math::isfinite(c.up) || !math::isfinite(c.down)) return probe_outcome::non_finite;
        if (!straddles()) {
            track.loss_change(c.up, c.down);
            const T base_rounding = track.rounding(c.up, c.down, span);
            T numerical = c.quotient, rounding = base_rounding, possible = base_rounding * T(3);
            if (magnitude(analytic - numerical) >
                track.tol.absolute + track.tol.relative * magnitude(numerical) + rounding) {
                const T half = h / T(2), half_span = (u + half) - (u - half);
                const auto c2 = central_difference_at(u, half, evaluate);
                if (math::isfinite(c2.up) && math::isfinite(c2.down) && !straddles()) {
                    numerical = c2.quotient + (c2.quotient - c.quotient) / T(3);
                    rounding = track.rounding(c2.up, c2.down, half_span) * (T(4) / T(3)) + base_rounding / T(3);
                    if (rounding > possible) possible = rounding;
                }
            }
            track.compare(index, analytic, numerical, rounding, possible);
            if (attempt > 0) ++track.r.steps_shrunk;
            return probe_outcome::compared;
        }
    }
    ++track.r.kinks_skipped;
    return probe_outcome::straddled;
}

template <class T>
constexpr T step_for(T step, T u) noexcept {
    return step * (magnitude(u) > T(1) ? magnitude(u) : T(1));
}

// The check itself, over N samples, in the network's own scalar type.
template <class Net, class Loss, class Xs, class Ds>
constexpr gradient_check_report check_gradient(const Net& original, const Xs& xs, const Ds& ds,
                                               const tolerance<typename Net::scalar>& tol) noexcept {
    using T = typename Net::scalar;
    constexpr std::size_t n = std::tuple_size_v<Xs>;
    gradient_check_report r{};
    error_tracker<T> track{r, tol};

    // Backprop: the mean of the per-sample gradients.
    typename Net::gradient_type analytic{};
    for (std::size_t s = 0; s < n; ++s) {
        const auto trace = original.forward_trace(xs[s]);
        typename Net::output_type dy;
        Loss::gradient(output_of(trace), ds[s], dy);
        original.accumulate_gradient(trace, dy, analytic);
    }
    for (std::size_t k = 0; k < Net::parameter_count; ++k) analytic[k] /= T(n);
    if (!track.gradient(analytic.data(), Net::parameter_count)) return track.fail_non_finite();

    Net net = original;
    std::array<typename Net::trace_type, n> base{}, up{}, down{};
    if (!math::isfinite(traced_loss<Net, Loss>(net, xs, ds, base))) return track.fail_non_finite();

    for (std::size_t k = 0; k < Net::parameter_count; ++k) {
        if constexpr (Net::state_count > 0)
            if (Net::is_state(k)) continue; // state (batch_norm's running statistics): no gradient
        const auto outcome = probe(
            track, k, analytic[k], net.parameters[k], step_for(tol.step, net.parameters[k]),
            [&](int side) { return traced_loss<Net, Loss>(net, xs, ds, side > 0 ? up : down); },
            [&] { return !same_pieces_all<Net, Loss>(base, up, ds) || !same_pieces_all<Net, Loss>(base, down, ds); });
        if (outcome == probe_outcome::non_finite) return track.fail_non_finite();
    }
    for (std::size_t l = 0; l < Net::layer_count; ++l)
        if (Net::parameter_offsets[l] <= r.worst_index && r.worst_index < Net::parameter_offsets[l + 1])
            r.worst_layer = l;
    r.worst_parameter = r.worst_index - Net::parameter_offsets[r.worst_layer];
    return track.finish();
}

template <class To, class From, std::size_t N, std::size_t M>
constexpr std::array<std::array<To, N>, M> convert_samples(const std::array<std::array<From, N>, M>& in) noexcept {
    std::array<std::array<To, N>, M> out{};
    for (std::size_t m = 0; m < M; ++m)
        for (std::size_t i = 0; i < N; ++i) out[m][i] = static_cast<To>(in[m][i]);
    return out;
}

} // namespace detail

// Gradient check over several samples (the loss is their mean), checked in
// the tolerance's scalar type (double unless told otherwise).
template <class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND, std::size_t N, class C = double>
constexpr gradient_check_report gradient_check(const Net& net, const Loss&,
                                               const std::array<std::array<X, NX>, N>& xs,
                                               const std::array<std::array<D, ND>, N>& ds,
                                               const tolerance<C>& tol = tolerance<C>::defaults()) noexcept {
    static_assert(detail::check_sample<Net, X, NX, D, ND>());
    static_assert(N > 0, "ctnn::gradient_check: no samples given");
    using checked = typename Net::template rebind<C>;
    if constexpr (std::is_same_v<C, typename Net::scalar>) {
        return detail::check_gradient<checked, Loss>(net, xs, ds, tol);
    } else {
        return detail::check_gradient<checked, Loss>(convert<C>(net), detail::convert_samples<C>(xs),
                                                     detail::convert_samples<C>(ds), tol);
    }
}

// Gradient check at one sample.
template <class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND, class C = double>
    requires std::is_floating_point_v<X>
constexpr gradient_check_report gradient_check(const Net& net, const Loss& loss, const std::array<X, NX>& x,
                                               const std::array<D, ND>& d,
                                               const tolerance<C>& tol = tolerance<C>::defaults()) noexcept {
    return gradient_check(net, loss, std::array<std::array<X, NX>, 1>{x}, std::array<std::array<D, ND>, 1>{d}, tol);
}

// A loss on its own: Loss::gradient(y, d) against central differences of
// Loss::value in y. Uses the same report (parameters = the N outputs y).
template <class Loss, class T, std::size_t N>
constexpr gradient_check_report loss_gradient_check(const Loss&, const std::array<T, N>& y, const std::array<T, N>& d,
                                                    const tolerance<T>& tol = tolerance<T>::defaults()) noexcept {
    gradient_check_report r{};
    detail::error_tracker<T> track{r, tol};
    std::array<T, N> analytic{};
    Loss::gradient(y, d, analytic);
    if (!track.gradient(analytic.data(), N)) return track.fail_non_finite();
    std::array<T, N> perturbed = y, up{}, down{};
    for (std::size_t i = 0; i < N; ++i) {
        const auto outcome = detail::probe(
            track, i, analytic[i], perturbed[i], detail::step_for(tol.step, y[i]),
            [&](int side) {
                (side > 0 ? up : down) = perturbed;
                return Loss::value(perturbed, d);
            },
            [&] {
                if constexpr (requires { Loss::same_piece(y, y, d); })
                    return !Loss::same_piece(y, up, d) || !Loss::same_piece(y, down, d);
                else return false;
            });
        if (outcome == detail::probe_outcome::non_finite) return track.fail_non_finite();
    }
    return track.finish();
}

// The input gradient dE/dx that backward returns, against central differences
// in x (how an activation layer, which has no parameters, is checked on its
// own: ctnn::network<double, ctnn::input<4>, ctnn::tanh>).
template <class Net, class Loss, class T, std::size_t NX, std::size_t ND>
constexpr gradient_check_report input_gradient_check(const Net& net, const Loss&, const std::array<T, NX>& x,
                                                     const std::array<T, ND>& d,
                                                     const tolerance<T>& tol = tolerance<T>::defaults()) noexcept {
    static_assert(detail::check_sample<Net, T, NX, T, ND>());
    gradient_check_report r{};
    detail::error_tracker<T> track{r, tol};
    const auto base = net.forward_trace(x);
    typename Net::output_type dy;
    Loss::gradient(output_of(base), d, dy);
    typename Net::gradient_type unused{};
    const auto analytic = net.backward(base, dy, unused);
    if (!track.gradient(analytic.data(), NX)) return track.fail_non_finite();
    auto perturbed = x;
    typename Net::trace_type up{}, down{};
    for (std::size_t i = 0; i < NX; ++i) {
        const auto outcome = detail::probe(
            track, i, analytic[i], perturbed[i], detail::step_for(tol.step, x[i]),
            [&](int side) {
                auto& trace = side > 0 ? up : down;
                net.forward(perturbed, trace);
                return Loss::value(output_of(trace), d);
            },
            [&] { return !detail::same_pieces<Net, Loss>(base, up, d) || !detail::same_pieces<Net, Loss>(base, down, d); });
        if (outcome == detail::probe_outcome::non_finite) return track.fail_non_finite();
    }
    return track.finish();
}

} // namespace ctnn
