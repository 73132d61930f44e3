// ctnn/core/fold_batch_norm.hpp - folding batch_norm layers into the dense or
// convolution layer before each, for deployment.
//
//   auto deployed = ctnn::fold_batch_norm(trained);   // no batch_norm layers left
//
// PyTorch's eval mode (torch.nn.utils.fusion.fuse_conv_bn_eval /
// fuse_linear_bn_eval): per output channel c, with s = γ/√(running_var + ε),
//   W'[.., c, ..] = W[.., c, ..]·s,   b'[c] = (b[c] − running_mean[c])·s + β[c].
// A batch_norm not right after a dense or convolution layer is a compile error.
#pragma once

#include <ctnn/core/batch_norm.hpp>
#include <ctnn/core/conv.hpp>
#include <ctnn/core/dense.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/network.hpp>

#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn {

namespace detail {

template <class L>
struct is_batch_norm_layer : std::false_type {};
template <class T, std::size_t C, std::size_t S, std::size_t A, std::size_t B, std::size_t E, std::size_t F, class Sh>
struct is_batch_norm_layer<batch_norm_layer<T, C, S, A, B, E, F, Sh>> : std::true_type {};

template <class Spec>
struct is_batch_norm_spec : std::false_type {};
template <std::size_t A, std::size_t B, std::size_t E, std::size_t F>
struct is_batch_norm_spec<batch_norm<A, B, E, F>> : std::true_type {};

template <class L>
struct is_dense_layer : std::false_type {};
template <class T, std::size_t In, std::size_t Out>
struct is_dense_layer<dense_layer<T, In, Out>> : std::true_type {};

template <class L>
inline constexpr bool is_conv_layer = requires { L::out_channels; L::kernel_height; L::weight_count; };

// The network type without its batch_norm specifications (input<...> kept).
template <class T, class Kept, class... Rest>
struct without_batch_norm;
template <class T, class... Kept>
struct without_batch_norm<T, type_list<Kept...>> {
    using type = network<T, Kept...>;
};
template <class T, class... Kept, class First, class... Rest>
struct without_batch_norm<T, type_list<Kept...>, First, Rest...>
    : std::conditional_t<is_batch_norm_spec<First>::value, without_batch_norm<T, type_list<Kept...>, Rest...>,
                         without_batch_norm<T, type_list<Kept..., First>, Rest...>> {};

template <class Previous>
struct check_batch_norm_foldable {
    static_assert(is_dense_layer<Previous>::value || is_conv_layer<Previous>,
                  "ctnn::fold_batch_norm: a batch_norm layer folds only into a dense or convolution layer right "
                  "before it");
    static constexpr bool value = is_dense_layer<Previous>::value || is_conv_layer<Previous>;
};

template <class Net>
struct fold_of;
template <class T, class... Specs>
struct fold_of<network<T, Specs...>> {
    using type = typename without_batch_norm<T, type_list<>, Specs...>::type;
};

} // namespace detail

// The network type fold_batch_norm returns.
template <class Net>
using folded_network_t = typename detail::fold_of<Net>::type;

// The network without its batch_norm layers, each folded into the dense or
// convolution layer before it, computing (in exact arithmetic) what the
// network's inference forward computes.
template <class Net>
constexpr folded_network_t<Net> fold_batch_norm(const Net& net) noexcept {
    namespace hana = boost::hana;
    using T = typename Net::scalar;
    using Folded = folded_network_t<Net>;
    Folded out{};
    std::size_t target = 0; // where the next kept layer's parameters start in `out`
    std::size_t previous_start = 0;
    hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<Net::layer_count>), [&](auto i) {
        constexpr std::size_t k = decltype(i)::value;
        using L = typename Net::template layer_type<k>;
        const T* p = net.parameters.data() + Net::parameter_offsets[k];
        if constexpr (detail::is_batch_norm_layer<L>::value) {
            static_assert(k > 0, "ctnn::fold_batch_norm: a batch_norm layer first in the network has no layer to fold into");
            if constexpr (k > 0) {
                using Prev = typename Net::template layer_type<k - 1>;
                static_assert(detail::check_batch_norm_foldable<Prev>::value);
                constexpr std::size_t C = L::channels;
                T* w = out.parameters.data() + previous_start;
                for (std::size_t c = 0; c < C; ++c) {
                    const T s = p[c] / math::sqrt(p[3 * C + c] + L::epsilon);
                    if constexpr (detail::is_dense_layer<Prev>::value) {
                        static_assert(Prev::outputs == C);
                        for (std::size_t r = 0; r < Prev::inputs; ++r) w[r * C + c] *= s;
                    } else if constexpr (detail::is_conv_layer<Prev>) {
                        static_assert(Prev::out_channels == C);
                        constexpr std::size_t per = Prev::weight_count / C;
                        for (std::size_t j = 0; j < per; ++j) w[c * per + j] *= s;
                    }
                    T& b = w[Prev::weight_count + c];
                    b = (b - p[2 * C + c]) * s + p[C + c];
                }
            }
        } else {
            for (std::size_t j = 0; j < L::parameter_count; ++j) out.parameters[target + j] = p[j];
            previous_start = target;
            target += L::parameter_count;
        }
    });
    return out;
}

} // namespace ctnn
