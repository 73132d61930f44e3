// The two user extensions docs/extending.md shows, verbatim (a test checks
// that every C++ block of that page appears here): an activation whose kinks
// are away from 0, and a layer with parameters. Nothing here is ctnn's own:
// it is written as a user outside the library writes it.
#pragma once

#include <ctnn/ctnn.hpp>

namespace user {

// hard_tanh: clamp(x, -1, 1), kinks at -1 and +1.
struct hard_tanh_function {
    template <class T> static constexpr T value(T x) noexcept { return x < T(-1) ? T(-1) : x > T(1) ? T(1) : x; }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept {
        return x < T(-1) || x > T(1) ? T(0) : dy;
    }
    // Which smooth piece holds x: gradient checks never difference across -1 or +1.
    template <class T> static constexpr int piece(T x) noexcept { return x < T(-1) ? 0 : x > T(1) ? 2 : 1; }
};
using hard_tanh = ctnn::activation<hard_tanh_function>;

// scale_shift: y_i = a_i·x_i + b_i, one scale and one shift per feature (an
// element-wise affine layer, like a batch norm at inference).
template <class T, std::size_t N>
struct scale_shift_layer {
    using scalar = T;
    static constexpr std::size_t inputs = N, outputs = N;
    static constexpr std::size_t parameter_count = 2 * N; // a[0..N), then b[0..N)
    static constexpr std::size_t weight_count = N;         // the scales are weights, the shifts biases
    static constexpr std::size_t fan_in = 1, fan_out = 1;  // each output sees one input

    static constexpr void forward(const T* p, const std::array<T, N>& x, std::array<T, N>& y) noexcept {
        for (std::size_t i = 0; i < N; ++i) y[i] = p[i] * x[i] + p[N + i];
    }

    // dE/da_i = x_i·dy_i, dE/db_i = dy_i, dx_i = a_i·dy_i. Each gradient is
    // delivered once, after a_i was read: the sink may update it in place.
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T* p, Sink& sink, const std::array<T, N>& x, const std::array<T, N>&,
                                   const std::array<T, N>& dy, std::array<T, N>& dx) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            if constexpr (NeedInputGradient) dx[i] = p[i] * dy[i];
            sink(i, x[i] * dy[i]);
            sink(N + i, dy[i]);
        }
    }
};

// What a user writes in the layer list: its width comes from the layer before.
struct scale_shift {
    template <class T, std::size_t Inputs>
    using bind = scale_shift_layer<T, Inputs>;
};

} // namespace user
