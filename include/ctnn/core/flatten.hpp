// ctnn/core/flatten.hpp - flatten: a shape<C, H, W> (or any shape) as one
// flat vector of C·H·W values, in storage order (channel, row, column), as
// PyTorch's nn.Flatten() orders a sample. Values are stored flat already, so
// this only changes the shape the next layer sees; it computes nothing. A
// dense layer accepts a shaped input without it; flatten says so explicitly
// and lets an activation or another shape-reading layer after it see a
// vector.
#pragma once

#include <ctnn/core/shape.hpp>

#include <array>
#include <cstddef>

namespace ctnn {

template <class T, std::size_t Size>
struct flatten_layer {
    using scalar = T;
    using output_shape = shape<Size>;
    static constexpr std::size_t inputs = Size;
    static constexpr std::size_t outputs = Size;
    static constexpr std::size_t parameter_count = 0;

    static constexpr void forward(const T*, const std::array<T, Size>& x, std::array<T, Size>& y) noexcept { y = x; }

    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T*, Sink&, const std::array<T, Size>&, const std::array<T, Size>&,
                                   const std::array<T, Size>& dy, std::array<T, Size>& dx) noexcept {
        if constexpr (NeedInputGradient) dx = dy;
    }
};

struct flatten {
    template <class T, class Shape>
    using bind_shape = flatten_layer<T, Shape::size>;
    template <class T, std::size_t Inputs>
    using bind = flatten_layer<T, Inputs>;
    static constexpr const char* spelling = "ctnn::flatten";
};

} // namespace ctnn
