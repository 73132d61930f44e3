// ctnn/core/network.hpp - a neural network as a type.
//
//   using net_t = ctnn::network<double, ctnn::dense<2, 10>, ctnn::relu, ctnn::dense<10, 1>>;
//   static_assert(net_t::parameter_count == 41);
//
// The network owns every parameter in one std::array (layer by layer; for a
// dense layer its weights row-major [inputs][outputs], then its biases). The
// layer list is a boost::hana::tuple of bound layer types; forward and
// backward walk it with Hana.
#pragma once

#include <ctnn/detail/diagnostic.hpp>
#include <ctnn/core/layers.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/fold_right.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/tuple.hpp>
#include <boost/hana/unpack.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn {

namespace detail {

template <class T>
struct check_scalar_type {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "ctnn::network<Scalar, Layers...>: Scalar must be float or double");
    static constexpr bool value = true;
};

template <class... Specs>
struct check_not_empty {
    static_assert(size::layers<sizeof...(Specs)>::value > 0,
                  "ctnn::network<Scalar, Layers...>: a network needs at least one layer, and its first "
                  "layer must have sizes, e.g. ctnn::dense<2, 10>");
    static constexpr bool value = true;
};

template <class First>
struct check_first_layer_has_sizes {
    static_assert(First::sets_width,
                  "ctnn::network<Scalar, Layers...>: the first layer must have sizes (e.g. ctnn::dense<2, 10>); "
                  "an activation takes its width from the layer before it and there is none");
    static constexpr bool value = true;
};

template <class... Ts>
struct type_list {};

// Binds each specification to its concrete layer, threading width and offset.
template <class T, std::size_t Width, std::size_t Offset, std::size_t Index, class Bound, class... Specs>
struct bind_layers;

template <class T, std::size_t Width, std::size_t Offset, std::size_t Index, class... Bound>
struct bind_layers<T, Width, Offset, Index, type_list<Bound...>> {
    using type = type_list<Bound...>;
    static constexpr std::size_t parameter_count = Offset;
};

template <std::size_t Index>
struct check_input_comes_first {
    static_assert(Index == 0, "ctnn::network: ctnn::input<N> may only be the first entry of the layer list");
    static constexpr bool value = true;
};

template <class T, std::size_t Width, std::size_t Offset, std::size_t Index, class... Bound, std::size_t N,
          class... Rest>
struct bind_layers<T, Width, Offset, Index, type_list<Bound...>, input<N>, Rest...> {
    static_assert(check_input_comes_first<sizeof...(Bound)>::value);
    using next = bind_layers<T, N, Offset, Index, type_list<Bound...>, Rest...>;
    using type = typename next::type;
    static constexpr std::size_t parameter_count = next::parameter_count;
};

template <class T, std::size_t Width, std::size_t Offset, std::size_t Index, class... Bound, class Spec,
          class... Rest>
struct bind_layers<T, Width, Offset, Index, type_list<Bound...>, Spec, Rest...> {
    using layer = typename Spec::template bind<T, Width, Offset, Index>::type;
    using next = bind_layers<T, layer::outputs, Offset + layer::parameter_count, Index + 1,
                             type_list<Bound..., layer>, Rest...>;
    using type = typename next::type;
    static constexpr std::size_t parameter_count = next::parameter_count;
};

template <class First, class... Rest>
struct first_of {
    using type = First;
};

template <class... Specs>
constexpr bool first_layer_has_sizes() {
    if constexpr (sizeof...(Specs) == 0) return true; // reported by check_not_empty
    else return check_first_layer_has_sizes<typename first_of<Specs...>::type>::value;
}

// The network's input width; 0 for an empty list (reported by check_not_empty).
template <class... Specs>
constexpr std::size_t first_input_width() {
    if constexpr (sizeof...(Specs) == 0) {
        return 0;
    } else {
        using First = typename first_of<Specs...>::type;
        if constexpr (First::sets_width) return First::inputs;
        else return 1; // reported by check_first_layer_has_sizes; 1 keeps the rest well-formed
    }
}

template <class... Specs>
struct check_has_layers {
    static_assert(sizeof...(Specs) > 0,
                  "ctnn::network: ctnn::input<N> alone is not a network; add at least one layer after it");
    static constexpr bool value = true;
};

template <class List>
struct check_has_layers_list;
template <class... Layers>
struct check_has_layers_list<type_list<Layers...>> : check_has_layers<Layers...> {};

template <class... Layers>
struct layer_traits;

template <class... Layers>
struct layer_traits<type_list<Layers...>> {
    using tuple = boost::hana::tuple<Layers...>;
    static constexpr std::size_t count = sizeof...(Layers);
    static constexpr std::array<std::size_t, sizeof...(Layers) + 1> outputs{0, Layers::outputs...};
    static constexpr std::array<std::size_t, sizeof...(Layers) + 1> parameter_offsets{Layers::parameter_offset...,
                                                                                      0};
};


template <class NetworkInputs, class GivenInputs>
struct check_input_size_matches_network {
    static_assert(GivenInputs::value == NetworkInputs::value,
                  "ctnn: the input has a different size than the network's input layer");
    static constexpr bool value = true;
};
template <std::size_t NetworkInputs, std::size_t GivenInputs>
using check_input_size = check_input_size_matches_network<size::network_inputs<NetworkInputs>,
                                                          size::given_inputs<GivenInputs>>;

template <class NetworkOutputs, class GivenTargets>
struct check_target_size_matches_network {
    static_assert(GivenTargets::value == NetworkOutputs::value,
                  "ctnn: the target (what the loss compares the output with) has a different size than the "
                  "network's output");
    static constexpr bool value = true;
};
template <std::size_t NetworkOutputs, std::size_t GivenTargets>
using check_target_size = check_target_size_matches_network<size::network_outputs<NetworkOutputs>,
                                                             size::given_targets<GivenTargets>>;

template <class NetworkScalar, class GivenScalar>
struct check_same_scalar {
    static_assert(std::is_same_v<NetworkScalar, GivenScalar>,
                  "ctnn: inputs and targets must have the network's scalar type (std::array<Scalar, N>)");
    static constexpr bool value = true;
};

// Everything a network computes on its way forward: the input, then the output
// of each layer, each in its own std::array (on the stack; no heap).
template <class T, class LayerList>
struct activations_of;

template <class T>
struct activations_of<T, type_list<>> {
    using type = boost::hana::tuple<>;
};

template <class T, class First, class... Rest>
struct activations_of<T, type_list<First, Rest...>> {
    using type = boost::hana::tuple<std::array<T, First::inputs>, std::array<T, First::outputs>,
                                    std::array<T, Rest::outputs>...>;
};

} // namespace detail

template <class Scalar, class... Layers>
class network {
    static_assert(detail::check_scalar_type<Scalar>::value);
    static_assert(detail::check_not_empty<Layers...>::value);
    static_assert(detail::first_layer_has_sizes<Layers...>());

    using binder = detail::bind_layers<Scalar, detail::first_input_width<Layers...>(), 0, 0, detail::type_list<>,
                                       Layers...>;
    using bound_list = typename binder::type;
    using traits = detail::layer_traits<bound_list>;
    static_assert(std::conditional_t<sizeof...(Layers) == 0, std::true_type,
                                     detail::check_has_layers_list<bound_list>>::value);

public:
    using scalar = Scalar;
    // The concrete layers, in order; hana::at_c<I>(layers) is layer I.
    static constexpr typename traits::tuple layers{};
    static constexpr std::size_t layer_count = traits::count;
    static constexpr std::size_t input_size = detail::first_input_width<Layers...>();
    static constexpr std::size_t output_size = traits::outputs[layer_count];
    static constexpr std::size_t parameter_count = binder::parameter_count;
    // Where each layer's parameters start in `parameters` (a last entry
    // equal to parameter_count closes the table).
    static constexpr std::array<std::size_t, layer_count + 1> parameter_offsets = [] {
        auto offsets = traits::parameter_offsets;
        offsets[layer_count] = parameter_count;
        return offsets;
    }();

    using input_type = std::array<Scalar, input_size>;
    using output_type = std::array<Scalar, output_size>;
    using parameter_array = std::array<Scalar, parameter_count>;
    // The gradient mirrors the parameters: same layout, same size.
    using gradient_type = parameter_array;
    using activations_type = typename detail::activations_of<Scalar, bound_list>::type;

    // The same network over another scalar type (a float network is
    // gradient-checked as a double one).
    template <class Other>
    using rebind = network<Other, Layers...>;

    parameter_array parameters{};

    template <std::size_t I>
    using layer_type = std::remove_cvref_t<decltype(boost::hana::at_c<I>(layers))>;

    // y = f(x), no intermediate values kept.
    constexpr output_type forward(const input_type& x) const noexcept {
        const Scalar* p = parameters.data();
        return boost::hana::fold_left(layers, x, [p](const auto& in, auto layer) {
            using L = decltype(layer);
            std::array<Scalar, L::outputs> out;
            L::forward(p, in, out);
            return out;
        });
    }

    // An input of another size or scalar type: a readable error, not a list
    // of candidate functions.
    template <class X, std::size_t N>
        requires(!std::is_same_v<std::array<X, N>, input_type>)
    constexpr output_type forward(const std::array<X, N>&) const noexcept {
        static_assert(detail::check_same_scalar<Scalar, X>::value && detail::check_input_size<input_size, N>::value);
        return {};
    }

    // Forward pass that keeps every layer's output for backward.
    constexpr void forward(const input_type& x, activations_type& trace) const noexcept {
        const Scalar* p = parameters.data();
        boost::hana::at_c<0>(trace) = x;
        boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<layer_count>),
                              [&](auto i) {
                                  constexpr std::size_t k = decltype(i)::value;
                                  layer_type<k>::forward(p, boost::hana::at_c<k>(trace),
                                                         boost::hana::at_c<k + 1>(trace));
                              });
    }

    constexpr activations_type forward_trace(const input_type& x) const noexcept {
        activations_type trace{};
        forward(x, trace);
        return trace;
    }

    template <class X, std::size_t N>
        requires(!std::is_same_v<std::array<X, N>, input_type>)
    constexpr activations_type forward_trace(const std::array<X, N>&) const noexcept {
        static_assert(detail::check_same_scalar<Scalar, X>::value && detail::check_input_size<input_size, N>::value);
        return {};
    }

    // Backpropagation: adds dE/dparameters to `gradient` (so gradients of
    // several samples accumulate), given the trace of a forward pass and
    // dE/dy at the output. Returns dE/dx at the input.
    constexpr input_type backward(const activations_type& trace, const output_type& output_gradient,
                                  gradient_type& gradient) const noexcept {
        return backward_impl<true>(trace, output_gradient, gradient);
    }

    // As above, without computing dE/dx for the first layer (training needs no
    // input gradient; this saves a third of the first layer's work).
    constexpr void accumulate_gradient(const activations_type& trace, const output_type& output_gradient,
                                       gradient_type& gradient) const noexcept {
        backward_impl<false>(trace, output_gradient, gradient);
    }

    // Backward with plain SGD applied as it goes (see dense_layer::backward_sgd):
    // one training step on one sample without a gradient array.
    constexpr void backward_sgd(const activations_type& trace, const output_type& output_gradient,
                                Scalar learning_rate) noexcept {
        Scalar* p = parameters.data();
        boost::hana::fold_right(
            boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<layer_count>), output_gradient,
            [&](auto i, const auto& dy) {
                constexpr std::size_t k = decltype(i)::value;
                using L = layer_type<k>;
                std::array<Scalar, L::inputs> dx;
                if constexpr (L::parameter_count == 0) {
                    L::template backward<k != 0>(p, p, boost::hana::at_c<k>(trace), boost::hana::at_c<k + 1>(trace),
                                                 dy, dx);
                } else {
                    L::template backward_sgd<k != 0>(p, learning_rate, boost::hana::at_c<k>(trace),
                                                     boost::hana::at_c<k + 1>(trace), dy, dx);
                }
                if constexpr (k == 0) dx = {};
                return dx;
            });
    }

private:
    template <bool InputGradient>
    constexpr input_type backward_impl(const activations_type& trace, const output_type& output_gradient,
                                       gradient_type& gradient) const noexcept {
        const Scalar* p = parameters.data();
        Scalar* g = gradient.data();
        return boost::hana::fold_right(
            boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<layer_count>), output_gradient,
            [&](auto i, const auto& dy) {
                constexpr std::size_t k = decltype(i)::value;
                using L = layer_type<k>;
                std::array<Scalar, L::inputs> dx;
                L::template backward<InputGradient || k != 0>(p, g, boost::hana::at_c<k>(trace),
                                                             boost::hana::at_c<k + 1>(trace), dy, dx);
                if constexpr (!InputGradient && k == 0) dx = {};
                return dx;
            });
    }
};

template <class T>
struct is_network : std::false_type {};
template <class S, class... L>
struct is_network<network<S, L...>> : std::true_type {};
template <class T>
inline constexpr bool is_network_v = is_network<std::remove_cvref_t<T>>::value;

// The same parameters in another scalar type.
template <class Other, class S, class... L>
constexpr network<Other, L...> convert(const network<S, L...>& net) noexcept {
    network<Other, L...> out{};
    for (std::size_t k = 0; k < net.parameter_count; ++k) out.parameters[k] = static_cast<Other>(net.parameters[k]);
    return out;
}

} // namespace ctnn
