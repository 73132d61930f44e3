// ctnn/core/layers.hpp - the layers ctnn ships, and input<N>.
//
// A user names layers by their sizes (`dense<2, 10>`) or not at all (`relu`:
// an activation takes its width from the layer before it). A network binds
// each specification to a concrete layer type for its scalar type and input
// width (Spec::bind<T, Inputs>); the contract every layer keeps, built-in or
// not, is in ctnn/concepts.hpp.
#pragma once

#include <ctnn/core/activation.hpp>
#include <ctnn/core/dense.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/softmax.hpp>
#include <ctnn/core/conv.hpp>
#include <ctnn/core/pool.hpp>
#include <ctnn/core/flatten.hpp>
#include <ctnn/core/recurrent.hpp>
#include <ctnn/core/dropout.hpp>
#include <ctnn/core/batch_norm.hpp>

#include <cstddef>

namespace ctnn {

// input<N> (or input<Channels, Height, Width>, any shape): declares the
// network's input when the first real layer does not (a network of one
// activation, checked on its own; a convolution, which needs a shape). It is
// not a layer: it adds no computation and no parameters.
template <std::size_t N, std::size_t... More>
struct input {
    static_assert(N > 0 && ((More > 0) && ...), "ctnn::input<N>: a network needs at least one input");
    using input_shape = shape<N, More...>;
    static constexpr std::size_t inputs = input_shape::size;
};

} // namespace ctnn
