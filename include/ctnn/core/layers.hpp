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
#include <ctnn/core/softmax.hpp>

#include <cstddef>

namespace ctnn {

// input<N>: declares the network's input width when the first real layer has
// none of its own (a network of one activation, for checking it on its own).
// It is not a layer: it adds no computation and no parameters.
template <std::size_t N>
struct input {
    static_assert(N > 0, "ctnn::input<N>: a network needs at least one input");
    static constexpr std::size_t inputs = N;
};

} // namespace ctnn
