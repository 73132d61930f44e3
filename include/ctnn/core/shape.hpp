// ctnn/core/shape.hpp - the shape of the values between two layers.
//
// Values are always one flat std::array; a shape says how a layer that cares
// (a convolution, a pooling layer) reads it: shape<Channels, Length> or
// shape<Channels, Height, Width>, the last dimension varying fastest
// (PyTorch's NCHW without the N). A dense layer sees only the size.
#pragma once

#include <array>
#include <cstddef>

namespace ctnn {

template <std::size_t... Dimensions>
struct shape {
    static_assert(sizeof...(Dimensions) > 0, "ctnn::shape<Dimensions...>: a shape needs at least one dimension");
    static constexpr std::size_t rank = sizeof...(Dimensions);
    static constexpr std::size_t size = (std::size_t{1} * ... * Dimensions);
    static constexpr std::array<std::size_t, rank> dimensions{Dimensions...};
};

namespace detail {

// A bound layer's output shape: its `output_shape` if it has one, else flat.
template <class L>
constexpr auto output_shape_of() {
    if constexpr (requires { typename L::output_shape; }) return typename L::output_shape{};
    else return shape<L::outputs>{};
}

} // namespace detail

template <class L>
using output_shape_t = decltype(detail::output_shape_of<L>());

} // namespace ctnn
