// ctnn/verify/bounds.hpp - bounds on a network's outputs over an input box.
//
//   ctnn::output_bounds(net, box)        interval bound propagation (IBP):
//                                        each layer maps a box to a box
//   ctnn::linear_bounds(net, box)        CROWN-style back-substitution: each
//                                        dense layer's outputs bounded by
//                                        linear functions of the input, through
//                                        linear relaxations of the activations,
//                                        intersected with the intervals
//   ctnn::linear_bounds(net, box, spec)  bounds on spec·y (rows of a matrix),
//                                        e.g. the margin y_c − y_j
//
// Every bound holds for the exact (real-valued) network AND for the output
// net.forward(x) computes in floating point, for every x in the box
// (docs/verification.md gives the argument). All of it is constexpr:
//
//   static_assert(ctnn::output_bounds(net, box).upper[0] <= 1.0);
//
// Layers are dispatched through ctnn::interval_transfer<Layer> and
// ctnn::activation_bounds<F> (ctnn/verify/transfer.hpp). Back-substitution
// knows dense layers (affine) and ctnn::activation<F> (linear relaxations);
// any other layer (softmax, a user layer with only interval_transfer)
// contributes its interval bounds as constant lines.
#pragma once

#include <ctnn/core/network.hpp>
#include <ctnn/verify/interval.hpp>
#include <ctnn/verify/transfer.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/tuple.hpp>

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn {

namespace detail::verify {

template <class Net>
struct check_is_network {
    static_assert(is_network_v<Net>, "ctnn verify: the first argument must be a ctnn::network");
    static constexpr bool value = true;
};

template <class Net, class T, std::size_t N>
struct check_box_fits {
    static_assert(check_is_network<Net>::value && check_same_scalar<typename Net::scalar, T>::value &&
                  check_input_size<Net::input_size, N>::value);
    static constexpr bool value = true;
};

// The boxes between layers: the input box, then one per layer output.
template <class Net, std::size_t... I>
auto boxes_of(std::index_sequence<I...>)
    -> boost::hana::tuple<box<typename Net::scalar, Net::input_size>,
                          box<typename Net::scalar, Net::template layer_type<I>::outputs>...>;
template <class Net>
using boxes_t = decltype(boxes_of<Net>(std::make_index_sequence<Net::layer_count>{}));

template <class L>
inline constexpr bool is_dense = false;
template <class T, std::size_t In, std::size_t Out>
inline constexpr bool is_dense<dense_layer<T, In, Out>> = true;

template <class L>
inline constexpr bool is_elementwise = false;
template <class T, class F, std::size_t W, class S>
inline constexpr bool is_elementwise<activation_layer<T, F, W, S>> = true;

// M linear functions of a vector v of N values, one pair per row r:
//   Σᵢ lower_coefficients[r][i]·vᵢ + lower_constant[r]  <=  (spec·y)_r
//   (spec·y)_r  <=  Σᵢ upper_coefficients[r][i]·vᵢ + upper_constant[r]
// for every v (exact or computed) the layers below can produce in the box.
template <class T, std::size_t M, std::size_t N>
struct linear_form {
    std::array<T, M * N> lower_coefficients{};
    std::array<T, M * N> upper_coefficients{};
    std::array<T, M> lower_constant{};
    std::array<T, M> upper_constant{};
};

template <class T, std::size_t N>
constexpr std::array<T, N> reach_of(const box<T, N>& b) noexcept {
    std::array<T, N> r{};
    for (std::size_t i = 0; i < N; ++i) r[i] = max_abs(b.lower[i], b.upper[i]);
    return r;
}

// Back through z = v·W + b. The new coefficients A·Wᵀ are computed in
// round-to-nearest (a row of A at a time, skipping its zeros: ReLUs that are
// off contribute none); their error, bounded per row by
// 2·Out·u·max|a|·Σᵢ |vᵢ|·Σ_o |W_io| (the summation bound with Σ_o |a_o||W_io|
// <= max|a|·Σ_o |W_io|, so the inner loop is one multiply-add), is taken off
// the constant, as are A·b (enclosed) and the forward pass's own rounding in
// this layer (|A|·e).
template <class T, std::size_t In, std::size_t Out, std::size_t M>
constexpr linear_form<T, M, In> back_through_dense(const T* p, const box<T, In>& in,
                                                   const linear_form<T, M, Out>& f) noexcept {
    const T* w = p;
    const T* b = p + In * Out;
    const std::array<T, Out> e = dense_rounding_allowance<T, In, Out>(p, in);
    const std::array<T, In> reach = reach_of(in);
    // Once per layer: Σᵢ |vᵢ|·Σ_o |W_io| and Σᵢ |vᵢ|, bounded above.
    T weighted_reach = T(0), reach_sum = T(0);
    for (std::size_t i = 0; i < In; ++i) {
        T row = T(0);
        for (std::size_t o = 0; o < Out; ++o) row += magnitude(w[i * Out + o]);
        weighted_reach += upper_sum(row, Out) * reach[i];
        reach_sum += reach[i];
    }
    weighted_reach = upper_sum(weighted_reach, 2 * In);
    reach_sum = upper_sum(reach_sum, In);
    linear_form<T, M, In> g{};
    for (std::size_t r = 0; r < M; ++r) {
        for (int side = 0; side < 2; ++side) {
            const T* a = (side == 0 ? f.lower_coefficients.data() : f.upper_coefficients.data()) + r * Out;
            T* na = (side == 0 ? g.lower_coefficients.data() : g.upper_coefficients.data()) + r * In;
            T largest = T(0), layer_error = T(0);
            for (std::size_t o = 0; o < Out; ++o) {
                const T ao = a[o];
                if (ao == T(0)) continue;
                const T m = magnitude(ao);
                largest = m > largest ? m : largest;
                layer_error += m * e[o];
                const T* wo = w + o;
                for (std::size_t i = 0; i < In; ++i) na[i] += ao * wo[i * Out];
            }
            T slack = upper_sum(layer_error, Out);
            if (largest != T(0)) {
                const T coefficient_error = next_up(summation_factor<T>(Out) * mul_up(largest, weighted_reach)) +
                                            mul_up(static_cast<T>(Out) * tiny<T>, reach_sum);
                slack = add_up(slack, next_up(coefficient_error));
            }
            const interval<T> ab = dot_enclosure(a, 1, b, Out, T(0));
            if (side == 0)
                g.lower_constant[r] = sane_lower(sub_down(add_down(f.lower_constant[r], ab.lower), slack));
            else
                g.upper_constant[r] = sane_upper(add_up(add_up(f.upper_constant[r], ab.upper), slack));
        }
    }
    return g;
}

// Back through an element-wise activation: a coefficient a >= 0 of a lower
// row takes the lower line (a·f >= a·(αx + β)), a < 0 the upper line; the
// reverse for upper rows. Rounding of a·α (one rounding: <= u|a·α|, 2u taken)
// times |v| comes off the constant.
template <class F, class T>
constexpr linear_relaxation<T> relaxation_of(interval<T> x, relaxation_choice choice) noexcept {
    if constexpr (requires { activation_bounds<F>::template relax<T>(x, choice); })
        return activation_bounds<F>::template relax<T>(x, choice);
    else
        return activation_bounds<F>::template relax<T>(x); // a user's F with one relaxation
}

template <class F, relaxation_choice Choice, class T, std::size_t W, std::size_t M>
constexpr linear_form<T, M, W> back_through_activation(const box<T, W>& in, const linear_form<T, M, W>& f) noexcept {
    std::array<linear_relaxation<T>, W> lines{};
    for (std::size_t i = 0; i < W; ++i) lines[i] = relaxation_of<F>(in[i], Choice);
    const std::array<T, W> reach = reach_of(in);
    linear_form<T, M, W> g{};
    for (std::size_t r = 0; r < M; ++r) {
        for (int side = 0; side < 2; ++side) {
            const T* a = (side == 0 ? f.lower_coefficients.data() : f.upper_coefficients.data()) + r * W;
            T* na = (side == 0 ? g.lower_coefficients.data() : g.upper_coefficients.data()) + r * W;
            T s = T(0), t = T(0), coefficient_error = T(0);
            for (std::size_t i = 0; i < W; ++i) {
                if (a[i] == T(0)) continue;
                const bool lower_line = (side == 0) == (a[i] >= T(0));
                const T slope = lower_line ? lines[i].lower_slope : lines[i].upper_slope;
                const T intercept = lower_line ? lines[i].lower_intercept : lines[i].upper_intercept;
                if (slope != T(0)) {
                    na[i] = a[i] * slope;
                    coefficient_error += (T(2) * unit_roundoff<T> * magnitude(na[i]) + tiny<T>) * reach[i];
                }
                const T q = a[i] * intercept;
                s += q;
                t += magnitude(q);
            }
            const T err = summation_error(t, W);
            const T slack = upper_sum(coefficient_error, 3 * W);
            if (side == 0)
                g.lower_constant[r] = sane_lower(sub_down(add_down(f.lower_constant[r], next_down(s - err)), slack));
            else
                g.upper_constant[r] = sane_upper(add_up(add_up(f.upper_constant[r], next_up(s + err)), slack));
        }
    }
    return g;
}

// The bounds of a linear form over a box of its variables: Σ a·(l or u by
// the sign of a) + constant, enclosed. Also how a layer without a linear
// relaxation ends back-substitution: its output box turns the form into
// constants.
template <class T, std::size_t N, std::size_t M>
constexpr box<T, M> concretize(const box<T, N>& v, const linear_form<T, M, N>& f) noexcept {
    box<T, M> out{};
    for (std::size_t r = 0; r < M; ++r) {
        for (int side = 0; side < 2; ++side) {
            const T* a = (side == 0 ? f.lower_coefficients.data() : f.upper_coefficients.data()) + r * N;
            T s = T(0), t = T(0);
            for (std::size_t i = 0; i < N; ++i) {
                if (a[i] == T(0)) continue;
                const bool low_end = (side == 0) == (a[i] >= T(0));
                const T q = a[i] * (low_end ? v.lower[i] : v.upper[i]);
                s += q;
                t += magnitude(q);
            }
            const T err = summation_error(t, N);
            if (side == 0) out.lower[r] = sane_lower(add_down(f.lower_constant[r], next_down(s - err)));
            else out.upper[r] = sane_upper(add_up(f.upper_constant[r], next_up(s + err)));
        }
    }
    return out;
}

template <class T, std::size_t M>
constexpr linear_form<T, M, M> identity_form() noexcept {
    linear_form<T, M, M> f{};
    for (std::size_t r = 0; r < M; ++r) f.lower_coefficients[r * M + r] = f.upper_coefficients[r * M + r] = T(1);
    return f;
}

template <class T, std::size_t N>
constexpr void intersect(box<T, N>& b, const box<T, N>& other) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
        b.lower[i] = max_of(b.lower[i], other.lower[i]);
        b.upper[i] = min_of(b.upper[i], other.upper[i]);
    }
}

// The form f on the outputs of layer K, carried back to the network's input
// and bounded over the input box. boxes holds bounds on every layer's inputs
// and outputs (the relaxations and the rounding allowances need them).
template <std::size_t K, relaxation_choice Choice, class Net, class Boxes, std::size_t M, std::size_t N>
constexpr box<typename Net::scalar, M> back_substitute(const Net& net, const Boxes& boxes,
                                                       const linear_form<typename Net::scalar, M, N>& f) noexcept {
    using T = typename Net::scalar;
    using L = typename Net::template layer_type<K>;
    const T* p = net.parameters.data() + Net::parameter_offsets[K];
    const auto& in = boost::hana::at_c<K>(boxes);
    if constexpr (is_dense<L> || is_elementwise<L>) {
        const auto g = [&] {
            if constexpr (is_dense<L>) return back_through_dense<T, L::inputs, L::outputs, M>(p, in, f);
            else return back_through_activation<typename L::function, Choice, T, L::inputs, M>(in, f);
        }();
        if constexpr (K == 0) return concretize(in, g);
        else return back_substitute<K - 1, Choice>(net, boxes, g);
    } else {
        return concretize(boost::hana::at_c<K + 1>(boxes), f);
    }
}

// The form back-substituted with both relaxation choices, each bound the
// tighter of the two (both hold).
template <std::size_t K, class Net, class Boxes, std::size_t M, std::size_t N>
constexpr box<typename Net::scalar, M> back_substitute_both(const Net& net, const Boxes& boxes,
                                                            const linear_form<typename Net::scalar, M, N>& f) noexcept {
    box<typename Net::scalar, M> b = back_substitute<K, relaxation_choice::tangent>(net, boxes, f);
    intersect(b, back_substitute<K, relaxation_choice::flat>(net, boxes, f));
    return b;
}

// Bounds on every layer's outputs. With Linear, each dense layer after the
// first is tightened by back-substitution (its bounds feed the relaxations
// of the activation after it).
template <bool Linear, class Net>
constexpr boxes_t<Net> layer_boxes(const Net& net, const box<typename Net::scalar, Net::input_size>& input) noexcept {
    using T = typename Net::scalar;
    boxes_t<Net> boxes{};
    boost::hana::at_c<0>(boxes) = input;
    const T* p = net.parameters.data();
    boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<Net::layer_count>),
                          [&](auto kc) {
                              constexpr std::size_t k = decltype(kc)::value;
                              using L = typename Net::template layer_type<k>;
                              interval_transfer<L>::propagate(p + Net::parameter_offsets[k],
                                                              boost::hana::at_c<k>(boxes),
                                                              boost::hana::at_c<k + 1>(boxes));
                              if constexpr (Linear && k > 0 && is_dense<L>) {
                                  const auto lin = back_substitute_both<k>(net, boxes, identity_form<T, L::outputs>());
                                  intersect(boost::hana::at_c<k + 1>(boxes), lin);
                              }
                          });
    return boxes;
}

} // namespace detail::verify

// Interval bound propagation: a box holding net.forward(x) (as computed, and
// its exact value) for every x in `input`.
template <class Net, class T, std::size_t N>
constexpr box<typename Net::scalar, Net::output_size> output_bounds(const Net& net, const box<T, N>& input) noexcept {
    static_assert(detail::verify::check_box_fits<Net, T, N>::value);
    if constexpr (std::is_same_v<T, typename Net::scalar> && N == Net::input_size)
        return boost::hana::at_c<Net::layer_count>(detail::verify::layer_boxes<false>(net, input));
    else
        return {};
}

// CROWN-style linear bounds, intersected with the intervals: never wider
// than output_bounds.
template <class Net, class T, std::size_t N>
constexpr box<typename Net::scalar, Net::output_size> linear_bounds(const Net& net, const box<T, N>& input) noexcept {
    static_assert(detail::verify::check_box_fits<Net, T, N>::value);
    if constexpr (std::is_same_v<T, typename Net::scalar> && N == Net::input_size) {
        using namespace detail::verify;
        const auto boxes = layer_boxes<true, Net>(net, input);
        // A last element-wise layer maps the tightened box of the dense
        // layer before it; a monotone function's image of an exact box is
        // exact, so back-substituting through it again gains nothing.
        return boost::hana::at_c<Net::layer_count>(boxes);
    } else {
        return {};
    }
}

// Bounds on spec·y over the box (each row of spec a linear function of the
// outputs y), by back-substitution from the output, intersected with what
// the output intervals give.
template <class Net, class T, std::size_t N, std::size_t M>
constexpr box<typename Net::scalar, M> linear_bounds(const Net& net, const box<T, N>& input,
                                                     const std::array<std::array<T, Net::output_size>, M>& spec) noexcept {
    static_assert(detail::verify::check_box_fits<Net, T, N>::value);
    if constexpr (std::is_same_v<T, typename Net::scalar> && N == Net::input_size) {
        using namespace detail::verify;
        constexpr std::size_t Out = Net::output_size;
        const auto boxes = layer_boxes<true, Net>(net, input);
        const auto& y = boost::hana::at_c<Net::layer_count>(boxes);
        linear_form<T, M, Out> f{};
        for (std::size_t r = 0; r < M; ++r)
            for (std::size_t o = 0; o < Out; ++o) f.lower_coefficients[r * Out + o] = f.upper_coefficients[r * Out + o] = spec[r][o];
        box<T, M> out = back_substitute_both<Net::layer_count - 1>(net, boxes, f);
        intersect(out, concretize(y, f));
        return out;
    } else {
        return {};
    }
}

} // namespace ctnn
