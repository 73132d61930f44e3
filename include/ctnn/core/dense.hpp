// ctnn/core/dense.hpp - the fully connected layer: y = x·W + b.
//
// W has shape [Inputs][Outputs] (the study note's convention, x·W), stored
// row-major, followed by the Outputs biases. Written to the same contract as
// any user layer (ctnn/concepts.hpp): it sees only its own parameters.
#pragma once

#include <ctnn/core/size.hpp>

#include <array>
#include <cstddef>

namespace ctnn {

namespace detail {

template <class DenseLayerInputs, class DenseLayerOutputs>
struct check_dense_sizes_not_zero {
    static_assert(DenseLayerInputs::value > 0 && DenseLayerOutputs::value > 0,
                  "ctnn::dense<Inputs, Outputs>: a dense layer needs at least one input and one output");
    static constexpr bool value = true;
};

} // namespace detail

template <class T, std::size_t In, std::size_t Out>
struct dense_layer {
    using scalar = T;
    static constexpr std::size_t inputs = In;
    static constexpr std::size_t outputs = Out;
    static constexpr std::size_t parameter_count = In * Out + Out;
    static constexpr std::size_t weight_count = In * Out; // then Out biases

    // The loops index raw pointers rather than std::array::operator[]: in
    // constant evaluation each call is counted against the compiler's limits.
    //
    // Every sum is written out in a fixed order, so constant evaluation and
    // runtime agree to the bit without -ffast-math, yet the order leaves
    // independent work for the CPU:
    //  * forward: y = b + Σ_i x_i·W[i][·] row by row (axpy form: vectorised
    //    over the outputs). For a narrow layer (outputs fit in two cache
    //    lines) one chain of In dependent additions is latency-bound, so row i
    //    goes to partial sum i % 4 and y = b + ((s0 + s1) + (s2 + s3)).
    //  * backward: dx[i] = Σ_j W[i][j]·dy[j] with output j in lane j % lanes
    //    (a block of lanes is one vector), lanes combined pairwise: a single
    //    accumulator cannot be vectorised without reassociation.
    static constexpr std::size_t lanes = 64 / sizeof(T);
    static constexpr std::size_t chains = (In >= 4 && Out * sizeof(T) <= 128) ? 4 : 1;

    static constexpr void forward(const T* p, const std::array<T, In>& x, std::array<T, Out>& y) noexcept {
        const T* w = p;
        const T* b = w + In * Out;
        const T* xp = x.data();
        T* yp = y.data();
        if constexpr (chains == 1) {
            for (std::size_t j = 0; j < Out; ++j) yp[j] = b[j];
            for (std::size_t i = 0; i < In; ++i, w += Out) {
                const T xi = xp[i];
                for (std::size_t j = 0; j < Out; ++j) yp[j] += xi * w[j];
            }
        } else {
            std::array<T, 4 * Out> partial{};
            T* s0 = partial.data();
            T* s1 = s0 + Out;
            T* s2 = s1 + Out;
            T* s3 = s2 + Out;
            constexpr std::size_t full = In - In % 4;
            for (std::size_t i = 0; i < full; i += 4, w += 4 * Out) {
                const T x0 = xp[i], x1 = xp[i + 1], x2 = xp[i + 2], x3 = xp[i + 3];
                for (std::size_t j = 0; j < Out; ++j) {
                    s0[j] += x0 * w[j];
                    s1[j] += x1 * w[Out + j];
                    s2[j] += x2 * w[2 * Out + j];
                    s3[j] += x3 * w[3 * Out + j];
                }
            }
            T* tails[3] = {s0, s1, s2};
            for (std::size_t k = 0; k < In % 4; ++k, w += Out) {
                const T xi = xp[full + k];
                T* sk = tails[k];
                for (std::size_t j = 0; j < Out; ++j) sk[j] += xi * w[j];
            }
            for (std::size_t j = 0; j < Out; ++j) yp[j] = b[j] + ((s0[j] + s1[j]) + (s2[j] + s3[j]));
        }
    }

    // Σ_j a[j]·c[j] over the Out outputs, in the lane order described above.
    static constexpr T dot_outputs(const T* a, const T* c) noexcept {
        if constexpr (Out < lanes) {
            T acc = T(0);
            for (std::size_t j = 0; j < Out; ++j) acc += a[j] * c[j];
            return acc;
        } else {
            std::array<T, lanes> lane{};
            T* l = lane.data();
            constexpr std::size_t tail = Out % lanes;
            for (std::size_t j = 0; j < Out - tail; j += lanes)
                for (std::size_t k = 0; k < lanes; ++k) l[k] += a[j + k] * c[j + k];
            for (std::size_t k = 0; k < tail; ++k) l[k] += a[Out - tail + k] * c[Out - tail + k];
            for (std::size_t width = lanes / 2; width > 0; width /= 2)
                for (std::size_t k = 0; k < width; ++k) l[k] += l[k + width];
            return l[0];
        }
    }

    // dE/db = dy, dE/dW[i][j] = x_i·dy_j, dx_i = Σ_j W[i][j]·dy_j. Row i of W
    // is read for dx_i before its gradient is delivered, so a sink that updates
    // the weights in place (the fused training step) sees the contract kept.
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T* p, Sink& sink, const std::array<T, In>& x, const std::array<T, Out>&,
                                   const std::array<T, Out>& dy, std::array<T, In>& dx) noexcept {
        const T* w = p;
        const T* xp = x.data();
        const T* dyp = dy.data();
        T* dxp = dx.data();
        sink.row(In * Out, dyp, Out);
        for (std::size_t i = 0; i < In; ++i, w += Out) {
            if constexpr (NeedInputGradient) dxp[i] = dot_outputs(w, dyp);
            sink.row(i * Out, xp[i], dyp, Out);
        }
    }
};

template <std::size_t Inputs, std::size_t Outputs>
struct dense {
    static_assert(detail::check_dense_sizes_not_zero<size::dense_layer_inputs<Inputs>,
                                                     size::dense_layer_outputs<Outputs>>::value);
    static constexpr std::size_t inputs = Inputs;

    template <class T, std::size_t PreviousOutputs>
    using bind = dense_layer<T, Inputs, Outputs>;
};

} // namespace ctnn
