// ctnn/verify/lipschitz.hpp - upper bounds on a network's Lipschitz constant.
//
//   ctnn::global_lipschitz(net)        over all inputs: the product of the
//                                      layers' operator norms
//   ctnn::local_lipschitz(net, box)    over a box: the chain of |Jacobian|
//                                      bounds, each activation's slope bounded
//                                      on the interval its inputs take there
//
// Both return {linf, l2}: bounds on ‖f(x) − f(x')‖ / ‖x − x'‖ for the L∞ norm
// on both sides and for the L2 norm on both sides, of the exact
// (real-valued) network. The computed output is not Lipschitz at all (it is
// a step function at the scale of its rounding); it stays within the
// allowances of ctnn::output_bounds of the exact one.
//
// Norms, for y = x·W (x a row of In values):
//   L∞ → L∞: max over outputs j of Σᵢ |Wᵢⱼ|
//   L2 → L2: the spectral norm, bounded by √(‖W‖₁‖W‖∞) (Hölder/Riesz–Thorin;
//            ‖W‖₁ = max over inputs i of Σⱼ |Wᵢⱼ|). No power iteration: this
//            bound is rigorous with outward rounding alone.
// Activations: sup |f'| (relu, tanh, identity 1; sigmoid ¼; leaky max(1, |a|);
// elu max(1, α)). Softmax: ½ for both norms (its Jacobian diag(y) − y·yᵀ has
// row sums 2yᵢ(1 − yᵢ) <= ½ and is symmetric: Gershgorin bounds its
// spectral norm by the same).
// Every product and sum is rounded upward (next_up after nearest rounding of
// non-negative terms).
#pragma once

#include <ctnn/verify/bounds.hpp>

#include <boost/hana/fold_left.hpp>

#include <array>
#include <cstddef>

namespace ctnn {

template <class T>
struct lipschitz_bound {
    T linf;
    T l2;
};

// How a layer enters a Lipschitz bound. Built in for dense, activations and
// softmax; a user layer specialises it:
//   global(p) -> lipschitz_bound<T>       operator norms of the layer
//   chain(p, in, out, B) -> B'            |J| bounds: B' = B·K, where K[i][o]
//                                         bounds |∂y_o/∂x_i| on the box
//                                         (in: bounds on the layer's inputs,
//                                         out: on its outputs)
template <class L>
struct lipschitz_transfer {
    static_assert(sizeof(L) == 0,
                  "ctnn verify: no Lipschitz bound for this layer type; specialise ctnn::lipschitz_transfer<Layer> "
                  "with global(p) and chain(p, in, out, B) (see ctnn/verify/lipschitz.hpp)");
};

namespace detail::verify {

template <class T>
constexpr T sqrt_up(T x) noexcept {
    return next_up(math::sqrt(x)); // correctly rounded, so one step up bounds it
}

// B' = B·K for non-negative R×N B and N×O K (K[i][o] = k(i, o)), rounded up.
template <class T, std::size_t R, std::size_t N, std::size_t O, class K>
constexpr std::array<T, R * O> abs_product(const std::array<T, R * N>& b, K k) noexcept {
    std::array<T, R * O> out{};
    for (std::size_t r = 0; r < R; ++r) {
        T* row = out.data() + r * O;
        const T* br = b.data() + r * N;
        for (std::size_t i = 0; i < N; ++i) {
            const T bri = br[i];
            if (bri == T(0)) continue;
            for (std::size_t o = 0; o < O; ++o) row[o] += bri * k(i, o);
        }
        for (std::size_t o = 0; o < O; ++o) row[o] = upper_sum(row[o], N);
    }
    return out;
}

} // namespace detail::verify

template <class T, std::size_t In, std::size_t Out>
struct lipschitz_transfer<dense_layer<T, In, Out>> {
    static constexpr lipschitz_bound<T> global(const T* w) noexcept {
        using namespace detail::verify;
        T column_max = T(0), row_max = T(0); // ‖W‖∞ (over outputs), ‖W‖₁ (over inputs)
        for (std::size_t j = 0; j < Out; ++j) {
            T s = T(0);
            for (std::size_t i = 0; i < In; ++i) s += math::abs(w[i * Out + j]);
            column_max = max_of(column_max, upper_sum(s, In));
        }
        for (std::size_t i = 0; i < In; ++i) {
            T s = T(0);
            for (std::size_t j = 0; j < Out; ++j) s += math::abs(w[i * Out + j]);
            row_max = max_of(row_max, upper_sum(s, Out));
        }
        return {column_max, sqrt_up(mul_up(column_max, row_max))};
    }
    template <std::size_t R>
    static constexpr std::array<T, R * Out> chain(const T* w, const box<T, In>&, const box<T, Out>&,
                                                  const std::array<T, R * In>& b) noexcept {
        return detail::verify::abs_product<T, R, In, Out>(b, [w](std::size_t i, std::size_t o) {
            return math::abs(w[i * Out + o]);
        });
    }
};

template <class T, class F, std::size_t W, class S>
struct lipschitz_transfer<activation_layer<T, F, W, S>> {
    static constexpr lipschitz_bound<T> global(const T*) noexcept {
        const T c = activation_bounds<F>::template lipschitz<T>();
        return {c, c};
    }
    template <std::size_t R>
    static constexpr std::array<T, R * W> chain(const T*, const box<T, W>& in, const box<T, W>&,
                                                const std::array<T, R * W>& b) noexcept {
        std::array<T, W> slope{};
        for (std::size_t i = 0; i < W; ++i) slope[i] = activation_bounds<F>::template derivative_bound<T>(in[i]);
        std::array<T, R * W> out{};
        for (std::size_t r = 0; r < R; ++r)
            for (std::size_t i = 0; i < W; ++i) out[r * W + i] = b[r * W + i] == T(0) ? T(0) : next_up(b[r * W + i] * slope[i]);
        return out;
    }
};

template <class T, std::size_t W>
struct lipschitz_transfer<softmax_layer<T, W>> {
    static constexpr lipschitz_bound<T> global(const T*) noexcept { return {T(0.5), T(0.5)}; }
    // |∂yᵢ/∂xᵢ| = yᵢ(1 − yᵢ), |∂y_o/∂xᵢ| = y_o·yᵢ, y in the output box.
    template <std::size_t R>
    static constexpr std::array<T, R * W> chain(const T*, const box<T, W>&, const box<T, W>& out,
                                                const std::array<T, R * W>& b) noexcept {
        using namespace detail::verify;
        std::array<T, W * W> k{};
        for (std::size_t i = 0; i < W; ++i)
            for (std::size_t o = 0; o < W; ++o) {
                if (i == o) {
                    const T lo = out.lower[i], hi = out.upper[i];
                    k[i * W + o] = (lo <= T(0.5) && T(0.5) <= hi)
                                       ? T(0.25)
                                       : max_of(mul_up(lo, next_up(T(1) - lo)), mul_up(hi, next_up(T(1) - hi)));
                } else {
                    k[i * W + o] = mul_up(out.upper[i], out.upper[o]);
                }
            }
        return abs_product<T, R, W, W>(b, [&k](std::size_t i, std::size_t o) { return k[i * W + o]; });
    }
};

template <class Net>
constexpr lipschitz_bound<typename Net::scalar> global_lipschitz(const Net& net) noexcept {
    static_assert(detail::verify::check_is_network<Net>::value);
    using T = typename Net::scalar;
    lipschitz_bound<T> total{T(1), T(1)};
    boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<Net::layer_count>),
                          [&](auto kc) {
                              constexpr std::size_t k = decltype(kc)::value;
                              using L = typename Net::template layer_type<k>;
                              const lipschitz_bound<T> b =
                                  lipschitz_transfer<L>::global(net.parameters.data() + Net::parameter_offsets[k]);
                              total = {detail::verify::mul_up(total.linf, b.linf),
                                       detail::verify::mul_up(total.l2, b.l2)};
                          });
    return total;
}

// The |Jacobian| of the exact network over the box is bounded entry by
// entry by B (inputs × outputs), built layer by layer; then
// L∞: max over outputs of Σ over inputs of B, and L2: √(‖B‖₁‖B‖∞) (‖J‖₂ <=
// ‖|J|‖₂ <= ‖B‖₂). By the mean value theorem on the convex box (Clarke's at
// the kinks, which the slope bounds include) these bound the Lipschitz
// constant on the box.
template <class Net, class T, std::size_t N>
constexpr lipschitz_bound<typename Net::scalar> local_lipschitz(const Net& net, const box<T, N>& input) noexcept {
    static_assert(detail::verify::check_box_fits<Net, T, N>::value);
    if constexpr (std::is_same_v<T, typename Net::scalar> && N == Net::input_size) {
        using namespace detail::verify;
        const auto boxes = layer_boxes<true, Net>(net, input);
        std::array<T, N * N> start{};
        for (std::size_t i = 0; i < N; ++i) start[i * N + i] = T(1);
        const auto b = boost::hana::fold_left(
            boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<Net::layer_count>), start,
            [&](const auto& acc, auto kc) {
                constexpr std::size_t k = decltype(kc)::value;
                using L = typename Net::template layer_type<k>;
                return lipschitz_transfer<L>::template chain<N>(net.parameters.data() + Net::parameter_offsets[k],
                                                                boost::hana::at_c<k>(boxes),
                                                                boost::hana::at_c<k + 1>(boxes), acc);
            });
        constexpr std::size_t Out = Net::output_size;
        T linf = T(0), l1 = T(0);
        for (std::size_t o = 0; o < Out; ++o) {
            T s = T(0);
            for (std::size_t i = 0; i < N; ++i) s += b[i * Out + o];
            linf = max_of(linf, upper_sum(s, N));
        }
        for (std::size_t i = 0; i < N; ++i) {
            T s = T(0);
            for (std::size_t o = 0; o < Out; ++o) s += b[i * Out + o];
            l1 = max_of(l1, upper_sum(s, Out));
        }
        // Both bounds hold; the chain can lose to the product of norms (a
        // softmax's entry bounds ignore that its outputs sum to 1).
        const lipschitz_bound<T> global = global_lipschitz(net);
        return {min_of(linf, global.linf), min_of(sqrt_up(mul_up(linf, l1)), global.l2)};
    } else {
        return {};
    }
}

} // namespace ctnn
