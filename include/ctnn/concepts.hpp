// ctnn/concepts.hpp - the protocols a user type follows to plug into ctnn,
// written as concepts, and the checks that say in one line which member is
// missing.
//
// Every entry point checks its argument once with a `check_*` below: a
// static_assert per member, each naming the member, so a layer without
// `backward` fails with "ctnn: a layer needs backward<NeedInputGradient>(...)"
// and no wall of errors from the code that would have called it.
//
//   layer_specification   what a user writes in ctnn::network<T, ...>: a type
//                         with `template <class T, std::size_t Inputs> using
//                         bind = <bound layer>` (and `inputs` if the layer
//                         fixes its own input width, as dense<In, Out> does)
//   layer                 a bound layer: scalar, inputs, outputs,
//                         parameter_count, forward and backward (below)
//   activation_function   value(x) and derivative(x, y, dy) of an element-wise
//                         function, for ctnn::activation<F>
//   loss                  value(y, d) and gradient(y, d, dy)
//   optimiser             learning_rate and update(parameters, gradient)
//   fused_optimiser       also begin_step<T>(): an update applied parameter by
//                         parameter while backward runs (one pass over the weights)
//   learning_rate_schedule  factor(epoch)
//   initialiser           weight<T>(gen, fan_in, fan_out), bias<T>(gen, fan_in, fan_out)
//   char_sink             any callable taking a char (writers' output)
//   gradient_sink         where backward delivers a layer's parameter gradient
//
// The layer contract (docs/extending.md shows a whole layer):
//   forward(p, x, y)                       y = f(x); p is the layer's own
//                                          parameters (parameter_count of them)
//   backward<NeedInputGradient>(p, sink, x, y, dy, dx)
//       delivers dE/dp through `sink` and, if NeedInputGradient, sets
//       dx = dE/dx. Each parameter's gradient is delivered exactly once
//       (sink(k, g), or a row at a time: sink.row(k, a, v, n) delivers a·v[j]
//       for parameters k + j, sink.row(k, v, n) delivers v[j]), and the layer
//       reads no parameter after delivering its gradient: a sink may apply an
//       optimiser's update in place (the fused step).
// Optional members, each with a default (ctnn/core/layer_traits.hpp):
//   same_piece(xa, xb)    whether two inputs lie on the same smooth piece of
//                         the layer's function (default: the function has no
//                         kinks); gradient checks never difference across a kink
//   weight_count, fan_in, fan_out   parameter roles: the first weight_count
//                         parameters are weights, the rest biases (defaults:
//                         all weights, fan_in = inputs, fan_out = outputs)
//   spelling              on the specification: the C++ name generated code
//                         uses (default: the specification's type name)
// Optional extensions for layers that train otherwise (docs/layers.md;
// detected by layer_traits, absent from every other layer, whose networks
// compile as before):
//   forward_training(p, x, y, context), backward_training<G>(p, sink, x, y, dy, dx, context)
//                         a training-only layer (dropout): reads a ctnn::training_context
//   state_count           the last state_count parameters are state: no
//                         gradient delivered, never moved by an optimiser in
//                         fit/train_batch, skipped by gradient checks
//   initial_parameters    fixed initial values (no initialiser draws)
//   batch_coupled, forward_batch_training(p, state, xs, ys, count),
//   backward_batch_training<G>(p, sink, xs, dys, dxs, count)
//                         a layer whose training output couples the batch (batch_norm)
#pragma once

#if __cplusplus < 202002L
#error "ctnn needs C++20: compile with -std=c++20 (or newer)"
#endif

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ctnn {

class splitmix64;

namespace detail {

// A sink that accepts deliveries and does nothing: the archetype the concepts
// test layers and optimisers against.
template <class T>
struct sink_archetype {
    constexpr void operator()(std::size_t, T) noexcept {}
    constexpr void row(std::size_t, T, const T*, std::size_t) noexcept {}
    constexpr void row(std::size_t, const T*, std::size_t) noexcept {}
};

} // namespace detail

template <class S, class T>
concept gradient_sink = requires(S& s, std::size_t k, T v, const T* row) {
    s(k, v);
    s.row(k, v, row, k);
    s.row(k, row, k);
};

template <class L>
concept layer_with_sizes = requires {
    typename L::scalar;
    { L::inputs } -> std::convertible_to<std::size_t>;
    { L::outputs } -> std::convertible_to<std::size_t>;
    { L::parameter_count } -> std::convertible_to<std::size_t>;
};

template <class L>
concept layer_with_forward = layer_with_sizes<L> && requires(const typename L::scalar* p,
                                                             const std::array<typename L::scalar, L::inputs>& x,
                                                             std::array<typename L::scalar, L::outputs>& y) {
    L::forward(p, x, y);
};

template <class L>
concept layer_with_backward =
    layer_with_sizes<L> && requires(const typename L::scalar* p, detail::sink_archetype<typename L::scalar>& sink,
                                    const std::array<typename L::scalar, L::inputs>& x,
                                    const std::array<typename L::scalar, L::outputs>& y,
                                    const std::array<typename L::scalar, L::outputs>& dy,
                                    std::array<typename L::scalar, L::inputs>& dx) {
        L::template backward<true>(p, sink, x, y, dy, dx);
        L::template backward<false>(p, sink, x, y, dy, dx);
    };

template <class L>
concept layer = layer_with_forward<L> && layer_with_backward<L>;

template <class S>
concept layer_specification = requires { typename S::template bind<double, 1>; };

template <class F>
concept activation_function = requires(double x) {
    { F::value(x) } -> std::convertible_to<double>;
    { F::derivative(x, x, x) } -> std::convertible_to<double>;
};

template <class Loss>
concept loss = requires(const std::array<double, 2>& y, std::array<double, 2>& dy) {
    { Loss::value(y, y) } -> std::convertible_to<double>;
    Loss::gradient(y, y, dy);
};

template <class O, class Parameters>
concept optimiser = requires(O& o, Parameters& p, const Parameters& g) {
    o.learning_rate = 0.0;
    o.update(p, g);
};

// An optimiser whose update is the same arithmetic for every parameter, given
// a few per-step constants: begin_step<T>() advances its step count and
// returns a function step(w, g, k) that updates parameter k (w) from its
// gradient g. update(parameters, gradient) is that loop; the fused training
// step calls it from inside backward instead, with the same bits.
template <class O, class T>
concept fused_optimiser = requires(O& o, T& w, T g, std::size_t k) {
    o.template begin_step<T>()(w, g, k);
};

template <class S>
concept learning_rate_schedule = requires(const S& s, std::size_t epoch) { double{s.factor(epoch)}; };

template <class I, class T>
concept initialiser = requires(const I& i, splitmix64& gen, std::size_t n) {
    { i.template weight<T>(gen, n, n) } -> std::convertible_to<T>;
    { i.template bias<T>(gen, n, n) } -> std::convertible_to<T>;
};

template <class P>
concept char_sink = requires(P& put, char c) { put(c); };

namespace detail {

// The checks, one static_assert per member, each saying what is missing. They
// run where a network binds its layers, where an optimiser, schedule, loss,
// initialiser or sink is first used.
template <class L>
struct check_layer {
    static_assert(layer_with_sizes<L>,
                  "ctnn: a layer needs `using scalar = T;` and static constexpr std::size_t inputs, outputs and "
                  "parameter_count (see ctnn/concepts.hpp, docs/extending.md)");
    static_assert(!layer_with_sizes<L> || layer_with_forward<L>,
                  "ctnn: a layer needs static constexpr void forward(const T* p, const std::array<T, inputs>& x, "
                  "std::array<T, outputs>& y) (see ctnn/concepts.hpp, docs/extending.md)");
    static_assert(!layer_with_sizes<L> || layer_with_backward<L>,
                  "ctnn: a layer needs template <bool NeedInputGradient, class Sink> static constexpr void "
                  "backward(const T* p, Sink& sink, x, y, dy, dx) (see ctnn/concepts.hpp, docs/extending.md)");
    static constexpr bool value = layer<L>;
};

template <class S>
struct check_layer_specification {
    static_assert(layer_specification<S>,
                  "ctnn::network: every entry of the layer list needs `template <class T, std::size_t Inputs> "
                  "using bind = <its layer type>` (is it a layer specification such as ctnn::dense<2, 10> or "
                  "ctnn::relu?)");
    static constexpr bool value = layer_specification<S>;
};

template <class F>
struct check_activation_function {
    static_assert(activation_function<F>,
                  "ctnn::activation<F>: F needs static value(x) and derivative(x, y, dy) (= dy·f'(x), given "
                  "y = f(x)), templates over the scalar type");
    static constexpr bool value = activation_function<F>;
};

template <class Loss>
struct check_loss {
    static_assert(loss<Loss>,
                  "ctnn: a loss needs static value(y, d) -> T and gradient(y, d, dy) over std::array<T, N> "
                  "(e.g. ctnn::mse{}, ctnn::softmax_cross_entropy{})");
    static constexpr bool value = loss<Loss>;
};

template <class O, class Parameters>
struct check_optimiser {
    static_assert(!std::is_arithmetic_v<O>,
                  "ctnn: the optimiser argument is a number; pass an optimiser such as ctnn::sgd{0.1} or "
                  "ctnn::adam_for<Network>{.learning_rate = 0.01}");
    static_assert(std::is_arithmetic_v<O> || optimiser<O, Parameters>,
                  "ctnn: an optimiser needs a `double learning_rate` member and update(parameters, gradient), "
                  "e.g. ctnn::sgd{0.1} or ctnn::adam_for<Network>{.learning_rate = 0.01}");
    static constexpr bool value = optimiser<O, Parameters>;
};

template <class S>
struct check_schedule {
    static_assert(learning_rate_schedule<S>,
                  "ctnn: a schedule needs factor(epoch) -> double, e.g. ctnn::schedule::cosine{.epochs = 100}");
    static constexpr bool value = learning_rate_schedule<S>;
};

template <class I, class T>
struct check_initialiser {
    static_assert(initialiser<I, T>,
                  "ctnn: an initialiser needs weight<T>(gen, fan_in, fan_out) and bias<T>(gen, fan_in, fan_out), "
                  "e.g. ctnn::init::he_normal{}");
    static constexpr bool value = initialiser<I, T>;
};

template <class S, class T>
struct check_gradient_sink {
    static_assert(gradient_sink<S, T>,
                  "ctnn: a gradient sink needs sink(k, g), sink.row(k, a, v, n) and sink.row(k, v, n) (see "
                  "ctnn/concepts.hpp)");
    static constexpr bool value = gradient_sink<S, T>;
};

template <class P>
struct check_char_sink {
    static_assert(char_sink<P>,
                  "ctnn: a writer's output must be callable with a char, e.g. ctnn::char_buffer<N> or "
                  "[&](char c) { std::fputc(c, f); }");
    static constexpr bool value = char_sink<P>;
};

} // namespace detail

} // namespace ctnn
