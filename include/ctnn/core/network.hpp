// ctnn/core/network.hpp - a neural network as a type.
//
//   using net_t = ctnn::network<double, ctnn::dense<2, 10>, ctnn::relu, ctnn::dense<10, 1>>;
//   static_assert(net_t::parameter_count == 41);
//
// The network owns every parameter in one std::array (layer by layer; for a
// dense layer its weights row-major [inputs][outputs], then its biases) and
// hands each layer its own slice. The layer list is a boost::hana::tuple of
// bound layer types; forward and backward walk it with Hana. A forward pass
// can keep its trace (the input and every layer's output), which backward
// needs; ctnn::output_of(trace) is the network's output.
#pragma once

#include <ctnn/concepts.hpp>
#include <ctnn/core/context.hpp>
#include <ctnn/core/layer_traits.hpp>
#include <ctnn/core/layers.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/size.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/fold_right.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/integral_constant.hpp>
#include <boost/hana/range.hpp>
#include <boost/hana/tuple.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

// Clang 16 crashes in code generation (a segmentation fault in EmitAggExpr)
// on an aggregate holding a network initialised from a prvalue when the
// network's empty context is [[no_unique_address]]; Clang 14 and 19 do not.
// There the empty context takes its own bytes (sizeof(network) grows by the
// scalar's alignment); everywhere else a network is exactly its parameters.
#if defined(__clang__) && !defined(__apple_build_version__) && __clang_major__ == 16
#define CTNN_CONTEXT_NO_UNIQUE_ADDRESS
#else
#define CTNN_CONTEXT_NO_UNIQUE_ADDRESS [[no_unique_address]]
#endif

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

template <class Spec>
inline constexpr bool sets_width = requires { std::size_t{Spec::inputs}; };

template <class First>
struct check_first_layer_has_sizes {
    static_assert(sets_width<First>,
                  "ctnn::network<Scalar, Layers...>: the first layer must have sizes (e.g. ctnn::dense<2, 10>); "
                  "an activation takes its width from the layer before it and there is none");
    static constexpr bool value = true;
};

// Raised when a layer's declared input size differs from the output size of
// the layer before it; the sizes reach the error as words
// (ctnn/core/size.hpp): "previous_layer_outputs<10>::value ==
// layer_inputs<5>::value", under the layer's index.
template <class LayerIndex, class PreviousLayerOutputs, class LayerInputs>
struct check_layer_inputs_match_previous_outputs {
    static_assert(PreviousLayerOutputs::value == LayerInputs::value,
                  "ctnn::network: a layer (e.g. dense<Inputs, Outputs>) must take as many inputs as the layer "
                  "before it gives");
    static constexpr bool value = true;
};

template <std::size_t Index>
struct check_input_comes_first {
    static_assert(Index == 0, "ctnn::network: ctnn::input<N> may only be the first entry of the layer list");
    static constexpr bool value = true;
};

template <class... Ts>
struct type_list {};

// Binds each specification to its layer for scalar T, threading the shape
// of the values between layers (ctnn/core/shape.hpp).
template <class T, class Shape, class Bound, class Specs, class... Rest>
struct bind_layers {
    using layers = Bound;
    using specs = Specs;
    using checks = type_list<>;
};

template <class T, class Shape, class... Bound, class... Specs, std::size_t N, std::size_t... More, class... Rest>
struct bind_layers<T, Shape, type_list<Bound...>, type_list<Specs...>, input<N, More...>, Rest...>
    : bind_layers<T, shape<N, More...>, type_list<Bound...>, type_list<Specs...>, Rest...> {
    static_assert(check_input_comes_first<sizeof...(Bound)>::value);
};

// A specification binds to the shape before it (bind_shape<T, Shape>) if it
// cares about shapes, else to its size (bind<T, Inputs>).
template <class T, class Shape, class Spec>
constexpr auto bind_as_written() {
    if constexpr (requires { typename Spec::template bind_shape<T, Shape>; })
        return static_cast<typename Spec::template bind_shape<T, Shape>*>(nullptr);
    else if constexpr (layer_specification<Spec>)
        return static_cast<typename Spec::template bind<T, Shape::size>*>(nullptr);
    else
        return static_cast<void*>(nullptr);
}

// A specification that does not bind, or binds to something that is not a
// layer, stops here with its check's message, and an identity stands in for
// it so that nothing else reports the same mistake again.
template <class T, class Shape, class Spec>
struct bind_one {
    using written = std::remove_pointer_t<decltype(bind_as_written<T, Shape, Spec>())>;
    using check = std::conditional_t<std::is_void_v<written>, check_layer_specification<Spec>, check_layer<written>>;
    static constexpr bool valid = [] {
        if constexpr (std::is_void_v<written>) return false;
        else return layer<written>;
    }();
    using type = std::conditional_t<valid, written, activation_layer<T, functions::identity, Shape::size>>;
};

template <class T, class Shape, class Spec>
using bound_t = typename bind_one<T, Shape, Spec>::type;

template <class Head, class List>
struct prepend;
template <class Head, class... Tail>
struct prepend<Head, type_list<Tail...>> {
    using type = type_list<Head, Tail...>;
};
template <class Head, class List>
using prepend_t = typename prepend<Head, List>::type;

// Instantiates every layer's check (each says in words what its layer
// lacks). The checks' results are not used, so Clang's recovery from a failed
// check does not spread to the network.
template <class List>
struct checks_of;
template <class... Checks>
struct checks_of<type_list<Checks...>> {
    static constexpr void run() noexcept { (static_cast<void>(Checks::value), ...); }
};

template <class T, class Shape, class... Bound, class... Specs, class Spec, class... Rest>
struct bind_layers<T, Shape, type_list<Bound...>, type_list<Specs...>, Spec, Rest...>
    : bind_layers<T, output_shape_t<bound_t<T, Shape, Spec>>, type_list<Bound..., bound_t<T, Shape, Spec>>,
                  type_list<Specs..., Spec>, Rest...> {
    using checks = prepend_t<typename bind_one<T, Shape, Spec>::check,
                             typename bind_layers<T, output_shape_t<bound_t<T, Shape, Spec>>,
                                                  type_list<Bound..., bound_t<T, Shape, Spec>>,
                                                  type_list<Specs..., Spec>, Rest...>::checks>;
    static_assert(check_layer_inputs_match_previous_outputs<size::layer_index<sizeof...(Bound)>,
                                                            size::previous_layer_outputs<Shape::size>,
                                                            size::layer_inputs<bound_t<T, Shape, Spec>::inputs>>::value);
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

// The network's input shape; shape<1> for an empty list or a first layer
// without sizes (both reported above; it keeps the rest well-formed).
template <class... Specs>
constexpr auto first_input_shape() {
    if constexpr (sizeof...(Specs) == 0) {
        return shape<1>{};
    } else {
        using First = typename first_of<Specs...>::type;
        if constexpr (requires { typename First::input_shape; }) return typename First::input_shape{};
        else if constexpr (sets_width<First>) return shape<First::inputs>{};
        else return shape<1>{};
    }
}

template <class List>
struct check_has_layers;
template <class... Layers>
struct check_has_layers<type_list<Layers...>> {
    static_assert(sizeof...(Layers) > 0,
                  "ctnn::network: ctnn::input<N> alone is not a network; add at least one layer after it");
    static constexpr bool value = true;
};

template <class List>
struct layer_table;
template <class... Layers>
struct layer_table<type_list<Layers...>> {
    using tuple = boost::hana::tuple<Layers...>;
    static constexpr std::size_t count = sizeof...(Layers);
    static constexpr std::size_t parameter_count = (std::size_t{0} + ... + Layers::parameter_count);
    // Where each layer's parameters start; a last entry equal to
    // parameter_count closes the table.
    static constexpr std::array<std::size_t, sizeof...(Layers) + 1> parameter_offsets = [] {
        std::array<std::size_t, sizeof...(Layers) + 1> offsets{};
        const std::size_t counts[] = {Layers::parameter_count..., 0};
        for (std::size_t k = 0; k < sizeof...(Layers); ++k) offsets[k + 1] = offsets[k] + counts[k];
        return offsets;
    }();
    // The extensions of the layer contract (ctnn/core/layer_traits.hpp).
    static constexpr bool uses_context = (false || ... || layer_traits<Layers>::uses_context);
    static constexpr bool batch_coupled = (false || ... || layer_traits<Layers>::batch_coupled);
    static constexpr std::size_t state_count = (std::size_t{0} + ... + layer_traits<Layers>::state_count);
    // Which parameters are state (the last state_count of each layer's).
    static constexpr std::array<bool, parameter_count> state_mask = [] {
        std::array<bool, parameter_count> mask{};
        const std::size_t counts[] = {Layers::parameter_count..., 0};
        const std::size_t states[] = {layer_traits<Layers>::state_count..., 0};
        std::size_t offset = 0;
        for (std::size_t k = 0; k < sizeof...(Layers); ++k) {
            for (std::size_t j = counts[k] - states[k]; j < counts[k]; ++j) mask[offset + j] = true;
            offset += counts[k];
        }
        return mask;
    }();
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

// The trace of a forward pass: the input, then the output of each layer, each
// in its own std::array (on the stack; no heap).
template <class T, class LayerList>
struct trace_of;
template <class T>
struct trace_of<T, type_list<>> {
    using type = boost::hana::tuple<>;
};
template <class T, class First, class... Rest>
struct trace_of<T, type_list<First, Rest...>> {
    using type = boost::hana::tuple<std::array<T, First::inputs>, std::array<T, First::outputs>,
                                    std::array<T, Rest::outputs>...>;
};

// A sink that adds the gradient into an array shaped like the parameters.
template <class T>
struct gradient_accumulator {
    T* g;
    constexpr void operator()(std::size_t k, T v) noexcept { g[k] += v; }
    constexpr void row(std::size_t k, T a, const T* v, std::size_t n) noexcept {
        T* gk = g + k;
        for (std::size_t j = 0; j < n; ++j) gk[j] += a * v[j];
    }
    constexpr void row(std::size_t k, const T* v, std::size_t n) noexcept {
        T* gk = g + k;
        for (std::size_t j = 0; j < n; ++j) gk[j] += v[j];
    }
};

// A layer's view of the network's sink: its parameter k is the network's
// Offset + k.
template <class Sink, std::size_t Offset>
struct offset_sink {
    Sink& sink;
    template <class T>
    constexpr void operator()(std::size_t k, T v) noexcept {
        sink(Offset + k, v);
    }
    template <class T>
    constexpr void row(std::size_t k, T a, const T* v, std::size_t n) noexcept {
        sink.row(Offset + k, a, v, n);
    }
    template <class T>
    constexpr void row(std::size_t k, const T* v, std::size_t n) noexcept {
        sink.row(Offset + k, v, n);
    }
};

} // namespace detail

template <class Scalar, class... Layers>
class network {
    static_assert(detail::check_scalar_type<Scalar>::value);
    static_assert(detail::check_not_empty<Layers...>::value);
    static_assert(detail::first_layer_has_sizes<Layers...>());

    using binder = detail::bind_layers<Scalar, decltype(detail::first_input_shape<Layers...>()),
                                       detail::type_list<>, detail::type_list<>, Layers...>;
    using bound_list = typename binder::layers;
    // Each layer's contract (ctnn/concepts.hpp), checked once: a layer that
    // breaks it is reported in words (the first error) and replaced by an
    // identity for the rest of the compilation, so nothing reports it again.
    static constexpr auto checked = &detail::checks_of<typename binder::checks>::run;
    using table = detail::layer_table<bound_list>;
    static_assert(std::conditional_t<sizeof...(Layers) == 0, std::true_type,
                                     detail::check_has_layers<bound_list>>::value);

public:
    using scalar = Scalar;
    // The bound layers, in order; hana::at_c<I>(layers) is layer I.
    static constexpr typename table::tuple layers{};
    // The specifications as written (ctnn::input<N> left out), for generic
    // code that spells the network (ctnn/io).
    using specifications = typename binder::specs;
    static constexpr std::size_t layer_count = table::count;
    using input_shape = decltype(detail::first_input_shape<Layers...>());
    static constexpr std::size_t input_size = input_shape::size;
    static constexpr std::size_t parameter_count = table::parameter_count;
    static constexpr std::array<std::size_t, layer_count + 1> parameter_offsets = table::parameter_offsets;

    template <std::size_t I>
    using layer_type = std::remove_cvref_t<decltype(boost::hana::at_c<I>(layers))>;

    static constexpr std::size_t output_size = [] {
        if constexpr (layer_count == 0) return input_size; // reported by check_has_layers
        else return layer_type<layer_count - 1>::outputs;
    }();

    using input_type = std::array<Scalar, input_size>;
    using output_type = std::array<Scalar, output_size>;
    using parameter_array = std::array<Scalar, parameter_count>;
    // The gradient mirrors the parameters: same layout, same size.
    using gradient_type = parameter_array;
    using trace_type = typename detail::trace_of<Scalar, bound_list>::type;

    // Whether a layer reads a ctnn::training_context (dropout), whether one
    // couples the samples of a batch in training (batch_norm), and how many
    // parameters are state (not trained; state_mask says which).
    static constexpr bool uses_context = table::uses_context;
    static constexpr bool batch_coupled = table::batch_coupled;
    static constexpr std::size_t state_count = table::state_count;
    static constexpr bool is_state(std::size_t k) noexcept {
        if constexpr (state_count == 0) return false;
        else return table::state_mask[k];
    }
    // A ctnn::training_context if a layer reads one, else an empty stand-in.
    using context_type = std::conditional_t<uses_context, training_context, detail::no_context>;

    // The same network over another scalar type (a float network is
    // gradient-checked as a double one).
    template <class Other>
    using rebind = network<Other, Layers...>;

    parameter_array parameters{};
    // The context every pass of this network uses (ctnn/core/context.hpp):
    // inference unless set otherwise. No bytes in a network without
    // training-only layers.
    CTNN_CONTEXT_NO_UNIQUE_ADDRESS context_type context{};

    // y = f(x), no trace kept.
    constexpr output_type forward(const input_type& x) const noexcept {
        const Scalar* p = parameters.data();
        if constexpr (uses_context) {
            return boost::hana::fold_left(
                boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<layer_count>), x,
                [this, p](const auto& in, auto i) {
                    constexpr std::size_t k = decltype(i)::value;
                    std::array<Scalar, layer_type<k>::outputs> out;
                    forward_layer<k>(p, in, out, context);
                    return out;
                });
        } else {
            return boost::hana::fold_left(
                boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<layer_count>), x,
                [p](const auto& in, auto i) {
                    constexpr std::size_t k = decltype(i)::value;
                    using L = layer_type<k>;
                    std::array<Scalar, L::outputs> out;
                    L::forward(p + parameter_offsets[k], in, out);
                    return out;
                });
        }
    }

    // An input of another size or scalar type: a readable error, not a list
    // of candidate functions.
    template <class X, std::size_t N>
        requires(!std::is_same_v<std::array<X, N>, input_type>)
    constexpr output_type forward(const std::array<X, N>&) const noexcept {
        static_assert(detail::check_same_scalar<Scalar, X>::value && detail::check_input_size<input_size, N>::value);
        return {};
    }

    // Forward pass that keeps its trace for backward.
    constexpr void forward(const input_type& x, trace_type& trace) const noexcept {
        if constexpr (uses_context) {
            forward(x, trace, context);
            return;
        }
        const Scalar* p = parameters.data();
        boost::hana::at_c<0>(trace) = x;
        boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<layer_count>),
                              [&](auto i) {
                                  constexpr std::size_t k = decltype(i)::value;
                                  layer_type<k>::forward(p + parameter_offsets[k], boost::hana::at_c<k>(trace),
                                                         boost::hana::at_c<k + 1>(trace));
                              });
    }

    constexpr trace_type forward_trace(const input_type& x) const noexcept {
        trace_type trace{};
        forward(x, trace);
        return trace;
    }

    // The same pass in a given context (a training-only layer reads it; every
    // other layer runs its forward). The training loops give each sample its
    // own context.
    constexpr void forward(const input_type& x, trace_type& trace, const context_type& c) const noexcept {
        const Scalar* p = parameters.data();
        boost::hana::at_c<0>(trace) = x;
        boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<layer_count>),
                              [&](auto i) {
                                  constexpr std::size_t k = decltype(i)::value;
                                  forward_layer<k>(p, boost::hana::at_c<k>(trace), boost::hana::at_c<k + 1>(trace), c);
                              });
    }

    // Layer k's forward in context c (its forward_training if it reads one).
    template <std::size_t K>
    static constexpr void forward_layer(const Scalar* p, const std::array<Scalar, layer_type<K>::inputs>& x,
                                        std::array<Scalar, layer_type<K>::outputs>& y, const context_type& c) noexcept {
        using L = layer_type<K>;
        if constexpr (layer_traits<L>::uses_context) {
            training_context layer_context = c;
            layer_context.layer = K;
            L::forward_training(p + parameter_offsets[K], x, y, layer_context);
        } else {
            L::forward(p + parameter_offsets[K], x, y);
        }
    }

    template <class X, std::size_t N>
        requires(!std::is_same_v<std::array<X, N>, input_type>)
    constexpr trace_type forward_trace(const std::array<X, N>&) const noexcept {
        static_assert(detail::check_same_scalar<Scalar, X>::value && detail::check_input_size<input_size, N>::value);
        return {};
    }

    // Backpropagation: adds dE/dparameters to `gradient` (so gradients of
    // several samples accumulate), given the trace of a forward pass and
    // dE/dy at the output. Returns dE/dx at the input.
    constexpr input_type backward(const trace_type& trace, const output_type& output_gradient,
                                  gradient_type& gradient) const noexcept {
        detail::gradient_accumulator<Scalar> sink{gradient.data()};
        return backward_into<true>(trace, output_gradient, sink);
    }

    // As above, without computing dE/dx for the first layer (training needs no
    // input gradient; this saves a third of the first layer's work).
    constexpr void accumulate_gradient(const trace_type& trace, const output_type& output_gradient,
                                       gradient_type& gradient) const noexcept {
        detail::gradient_accumulator<Scalar> sink{gradient.data()};
        backward_into<false>(trace, output_gradient, sink);
    }

    // The one backward pass: each layer, last to first, delivers its
    // parameters' gradient to `sink` (ctnn::gradient_sink; network-wide
    // indices) and passes dE/dx on. Returns dE/dx at the input if
    // InputGradient, else zeros. A sink may update the parameters as they are
    // delivered (ctnn::train_step's fused step): the layers' contract
    // guarantees no parameter is read after its gradient is delivered.
    template <bool InputGradient, class Sink>
    constexpr input_type backward_into(const trace_type& trace, const output_type& output_gradient,
                                       Sink& sink) const noexcept {
        if constexpr (!detail::check_gradient_sink<Sink, Scalar>::value) return {};
        else if constexpr (uses_context) return backward_into<InputGradient>(trace, output_gradient, sink, context);
        else return backward_through(trace, output_gradient, sink, std::bool_constant<InputGradient>{});
    }

    // The same pass in the context its forward pass had.
    template <bool InputGradient, class Sink>
    constexpr input_type backward_into(const trace_type& trace, const output_type& output_gradient, Sink& sink,
                                       const context_type& c) const noexcept {
        if constexpr (!detail::check_gradient_sink<Sink, Scalar>::value) {
            return {};
        } else {
            const Scalar* p = parameters.data();
            return boost::hana::fold_right(
                boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<layer_count>), output_gradient,
                [&](auto i, const auto& dy) {
                    constexpr std::size_t k = decltype(i)::value;
                    std::array<Scalar, layer_type<k>::inputs> dx;
                    detail::offset_sink<Sink, parameter_offsets[k]> layer_sink{sink};
                    backward_layer<k, InputGradient || k != 0>(p, layer_sink, boost::hana::at_c<k>(trace),
                                                               boost::hana::at_c<k + 1>(trace), dy, dx, c);
                    if constexpr (!InputGradient && k == 0) dx = {};
                    return dx;
                });
        }
    }

    // Layer k's backward in context c.
    template <std::size_t K, bool NeedInputGradient, class LayerSink>
    static constexpr void backward_layer(const Scalar* p, LayerSink& sink,
                                         const std::array<Scalar, layer_type<K>::inputs>& x,
                                         const std::array<Scalar, layer_type<K>::outputs>& y,
                                         const std::array<Scalar, layer_type<K>::outputs>& dy,
                                         std::array<Scalar, layer_type<K>::inputs>& dx,
                                         const context_type& c) noexcept {
        using L = layer_type<K>;
        if constexpr (layer_traits<L>::uses_context) {
            training_context layer_context = c;
            layer_context.layer = K;
            L::template backward_training<NeedInputGradient>(p + parameter_offsets[K], sink, x, y, dy, dx,
                                                             layer_context);
        } else {
            L::template backward<NeedInputGradient>(p + parameter_offsets[K], sink, x, y, dy, dx);
        }
    }

private:
    template <class Sink, bool InputGradient>
    constexpr input_type backward_through(const trace_type& trace, const output_type& output_gradient, Sink& sink,
                                          std::bool_constant<InputGradient>) const noexcept {
        const Scalar* p = parameters.data();
        return boost::hana::fold_right(
            boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<layer_count>), output_gradient,
            [&](auto i, const auto& dy) {
                constexpr std::size_t k = decltype(i)::value;
                using L = layer_type<k>;
                std::array<Scalar, L::inputs> dx;
                detail::offset_sink<Sink, parameter_offsets[k]> layer_sink{sink};
                L::template backward<InputGradient || k != 0>(p + parameter_offsets[k], layer_sink,
                                                              boost::hana::at_c<k>(trace),
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

// The network's output in a trace: its last entry.
template <class... Arrays>
constexpr const auto& output_of(const boost::hana::tuple<Arrays...>& trace) noexcept {
    return boost::hana::at_c<sizeof...(Arrays) - 1>(trace);
}

// The same parameters (and training context) in another scalar type.
template <class Other, class S, class... L>
constexpr network<Other, L...> convert(const network<S, L...>& net) noexcept {
    network<Other, L...> out{};
    for (std::size_t k = 0; k < net.parameter_count; ++k) out.parameters[k] = static_cast<Other>(net.parameters[k]);
    if constexpr (network<S, L...>::uses_context) out.context = net.context; // a dropout mask checked in double
    return out;
}

} // namespace ctnn
