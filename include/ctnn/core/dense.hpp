// ctnn/core/dense.hpp - the fully connected layer: y = x·W + b.
//
// W has shape [Inputs][Outputs] (the study note's convention, x·W), stored
// row-major, followed by the Outputs biases. Written to the same contract as
// any user layer (ctnn/concepts.hpp): it sees only its own parameters.
#pragma once

#include <ctnn/core/fma.hpp>
#include <ctnn/core/size.hpp>

#include <array>
#include <cstddef>

// A loop of multiply-adds on the path ctnn::multiply_add takes (ctnn/core/fma.hpp),
// with the choice made once per loop: a call, or a conditional, per
// multiply-add would cost Clang steps and GCC operations in constant evaluation.
#define CTNN_DENSE_MULTIPLY_ADD_LOOP(head, lhs, a, b, c)                                                      \
    if constexpr (fma_path<T>) head lhs = ctnn::fma(a, b, c);                                                  \
    else head lhs = (a) * (b) + (c)

// GCC 12 fully unrolls ("peels") an inner loop of up to 16 iterations before
// its loop vectoriser runs, and the straight-line code left is often not
// vectorised (read from the generated code, -O3 -march=native: a block of
// forward_batch of 4 samples × 16 doubles became 16 scalar vfmadd213sd per
// sample with the sums loaded and stored each time, 7-10x slower than the
// per-sample loop; dot_outputs' 16 float lanes became 16 scalar
// vfmadd231ss). Kept a loop, it is vectorised. Clang vectorises either way.
// The pragma changes no arithmetic: the same operations on each element.
#if defined(__GNUC__) && !defined(__clang__)
#define CTNN_DENSE_VECTOR_LOOP _Pragma("GCC unroll 1")
#else
#define CTNN_DENSE_VECTOR_LOOP
#endif
#if defined(__clang__)
#define CTNN_DENSE_ROW_LOOP _Pragma("clang loop vectorize(disable)")
#else
#define CTNN_DENSE_ROW_LOOP
#endif

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
    //    over the outputs), in blocks of outputs whose sums stay in registers
    //    for the whole pass over the inputs. For a narrow layer (outputs fit in two cache
    //    lines) one chain of In dependent additions is latency-bound, so row i
    //    goes to partial sum i % 4 and y = b + ((s0 + s1) + (s2 + s3)).
    //  * backward: dx[i] = Σ_j W[i][j]·dy[j] with output j in lane j % lanes
    //    (a block of lanes is one vector), lanes combined pairwise: a single
    //    accumulator cannot be vectorised without reassociation.
    // Each multiply-add is ctnn::multiply_add's (ctnn/core/fma.hpp), the path
    // chosen once per loop (CTNN_DENSE_MULTIPLY_ADD_LOOP): one rounding on the
    // FMA path, two otherwise; the same at compile time.
    static constexpr std::size_t lanes = 64 / sizeof(T);
    static constexpr std::size_t chains = (In >= 4 && Out * sizeof(T) <= 128) ? 4 : 1;

    // Outputs per register block of the wide forward pass: 256 bytes, four
    // AVX-512 or eight AVX registers of running sums.
    static constexpr std::size_t block = 256 / sizeof(T);

    // y[j0 .. j0 + Width) of the axpy form, the running sums in a local array
    // (the compiler sees they cannot alias the weights, so they stay in
    // registers for the whole pass over the inputs). The order of each
    // output's sum is the axpy form's: b_j, then + x_i·W[i][j] for i = 0, 1, ...
    template <std::size_t Width>
    static constexpr void forward_block(const T* w, const T* b, const T* xp, T* yp, std::size_t j0) noexcept {
        if (__builtin_is_constant_evaluated()) {
            // The same sums in the same order, kept in y itself: constant
            // evaluation has no registers to save and one pass fewer costs
            // Width fewer Clang steps (a forward pass of a 2-H-1 network: a
            // quarter). tests/static and tests/runtime compare the bits.
            T* y = yp + j0;
            for (std::size_t j = 0; j < Width; ++j) y[j] = b[j0 + j];
            const T* r = w + j0;
            // (The path chosen outside the row loop: a statement per row is a step.)
            CTNN_DENSE_MULTIPLY_ADD_LOOP(for (std::size_t i = 0; i < In; ++i, r += Out)
                                             for (std::size_t j = 0; j < Width; ++j),
                                         y[j], xp[i], r[j], y[j]);
            return;
        }
        std::array<T, Width> acc;
        T* a = acc.data();
        for (std::size_t j = 0; j < Width; ++j) a[j] = b[j0 + j];
        const T* row = w + j0;
        for (std::size_t i = 0; i < In; ++i, row += Out) {
            const T xi = xp[i];
            CTNN_DENSE_MULTIPLY_ADD_LOOP(for (std::size_t j = 0; j < Width; ++j), a[j], xi, row[j], a[j]);
        }
        for (std::size_t j = 0; j < Width; ++j) yp[j0 + j] = a[j];
    }

    static constexpr void forward(const T* p, const std::array<T, In>& x, std::array<T, Out>& y) noexcept {
        const T* w = p;
        const T* b = w + In * Out;
        const T* xp = x.data();
        T* yp = y.data();
        if constexpr (chains == 1) {
            constexpr std::size_t full = Out - Out % block;
            for (std::size_t j0 = 0; j0 < full; j0 += block) forward_block<block>(w, b, xp, yp, j0);
            if constexpr (Out % block != 0) forward_block<Out % block>(w, b, xp, yp, full);
        } else {
            std::array<T, 4 * Out> partial{};
            T* s0 = partial.data();
            T* s1 = s0 + Out;
            T* s2 = s1 + Out;
            T* s3 = s2 + Out;
            constexpr std::size_t full = In - In % 4;
            if constexpr (fma_path<T>) {
                for (std::size_t i = 0; i < full; i += 4, w += 4 * Out) {
                    const T x0 = xp[i], x1 = xp[i + 1], x2 = xp[i + 2], x3 = xp[i + 3];
                    for (std::size_t j = 0; j < Out; ++j) {
                        s0[j] = ctnn::fma(x0, w[j], s0[j]);
                        s1[j] = ctnn::fma(x1, w[Out + j], s1[j]);
                        s2[j] = ctnn::fma(x2, w[2 * Out + j], s2[j]);
                        s3[j] = ctnn::fma(x3, w[3 * Out + j], s3[j]);
                    }
                }
            } else {
                for (std::size_t i = 0; i < full; i += 4, w += 4 * Out) {
                    const T x0 = xp[i], x1 = xp[i + 1], x2 = xp[i + 2], x3 = xp[i + 3];
                    for (std::size_t j = 0; j < Out; ++j) {
                        s0[j] += x0 * w[j];
                        s1[j] += x1 * w[Out + j];
                        s2[j] += x2 * w[2 * Out + j];
                        s3[j] += x3 * w[3 * Out + j];
                    }
                }
            }
            T* tails[3] = {s0, s1, s2};
            for (std::size_t k = 0; k < In % 4; ++k, w += Out) {
                const T xi = xp[full + k];
                T* sk = tails[k];
                CTNN_DENSE_MULTIPLY_ADD_LOOP(for (std::size_t j = 0; j < Out; ++j), sk[j], xi, w[j], sk[j]);
            }
            for (std::size_t j = 0; j < Out; ++j) yp[j] = b[j] + ((s0[j] + s1[j]) + (s2[j] + s3[j]));
        }
    }

    // ---- Mini-batches (ctnn/train/batch.hpp uses these when a layer has them)
    // The same values as forward/backward sample by sample, bit for bit: each
    // output's sum and each parameter's gradient sum run in the same order
    // (samples in batch order), only the loops are nested so that each weight
    // is read once per block of samples rather than once per sample.
    static constexpr bool batch_kernels = true;
    static constexpr std::size_t batch_block = 128 / sizeof(T); // outputs per block (two AVX-512 registers)
    static constexpr std::size_t batch_samples = 4;            // samples per block

    template <std::size_t Width, std::size_t Samples>
    static constexpr void forward_batch_block(const T* w, const T* b, const std::array<T, In>* const* xs,
                                              std::array<T, Out>* const* ys, std::size_t j0) noexcept {
        std::array<T, Samples * Width> acc;
        T* a = acc.data();
        for (std::size_t s = 0; s < Samples; ++s)
            for (std::size_t j = 0; j < Width; ++j) a[s * Width + j] = b[j0 + j];
        const T* row = w + j0;
        for (std::size_t i = 0; i < In; ++i, row += Out) {
            for (std::size_t s = 0; s < Samples; ++s) {
                const T xi = (*xs[s])[i];
                T* as = a + s * Width;
                CTNN_DENSE_MULTIPLY_ADD_LOOP(CTNN_DENSE_VECTOR_LOOP for (std::size_t j = 0; j < Width; ++j), as[j], xi,
                                             row[j], as[j]);
            }
        }
        for (std::size_t s = 0; s < Samples; ++s)
            for (std::size_t j = 0; j < Width; ++j) (*ys[s])[j0 + j] = a[s * Width + j];
    }

    template <std::size_t Width>
    static constexpr void forward_batch_columns(const T* w, const T* b, const std::array<T, In>* const* xs,
                                                std::array<T, Out>* const* ys, std::size_t count,
                                                std::size_t j0) noexcept {
        std::size_t s = 0;
        for (; s + batch_samples <= count; s += batch_samples)
            forward_batch_block<Width, batch_samples>(w, b, xs + s, ys + s, j0);
        for (; s < count; ++s) forward_batch_block<Width, 1>(w, b, xs + s, ys + s, j0);
    }

    // ys[s] = forward(xs[s]) for s < count.
    static constexpr void forward_batch(const T* p, const std::array<T, In>* const* xs,
                                        std::array<T, Out>* const* ys, std::size_t count) noexcept {
        if constexpr (chains != 1) {
            // Narrow layers sum in four chains per sample: one sample at a time.
            for (std::size_t s = 0; s < count; ++s) forward(p, *xs[s], *ys[s]);
        } else {
            const T* b = p + In * Out;
            constexpr std::size_t full = Out - Out % batch_block;
            for (std::size_t j0 = 0; j0 < full; j0 += batch_block)
                forward_batch_columns<batch_block>(p, b, xs, ys, count, j0);
            if constexpr (Out % batch_block != 0) forward_batch_columns<Out % batch_block>(p, b, xs, ys, count, full);
        }
    }

    // Rows r0 .. r0 + Rows of the weight gradient summed over the samples:
    // g[r][j] = ((+0 + x_0[r]·dy_0[j]) + x_1[r]·dy_1[j]) + ..., each product
    // rounded and then added, as a gradient accumulator adds sample by sample.
    template <std::size_t Rows, std::size_t Width>
    static constexpr void weight_gradient_block(T* g, const std::array<T, In>* const* xs,
                                                const std::array<T, Out>* const* dys, std::size_t count,
                                                std::size_t r0, std::size_t j0) noexcept {
        std::array<T, Rows * Width> acc;
        T* a = acc.data();
        for (std::size_t k = 0; k < Rows * Width; ++k) a[k] = T(0);
        for (std::size_t s = 0; s < count; ++s) {
            const T* d = dys[s]->data() + j0;
            for (std::size_t r = 0; r < Rows; ++r) {
                const T xr = (*xs[s])[r0 + r];
                T* ar = a + r * Width;
                CTNN_DENSE_VECTOR_LOOP for (std::size_t j = 0; j < Width; ++j) ar[j] += xr * d[j];
            }
        }
        for (std::size_t r = 0; r < Rows; ++r)
            for (std::size_t j = 0; j < Width; ++j) g[r * Out + j0 + j] = a[r * Width + j];
    }

    template <std::size_t Rows>
    static constexpr void weight_gradient_rows(T* g, const std::array<T, In>* const* xs,
                                               const std::array<T, Out>* const* dys, std::size_t count,
                                               std::size_t r0) noexcept {
        constexpr std::size_t full = Out - Out % batch_block;
        for (std::size_t j0 = 0; j0 < full; j0 += batch_block)
            weight_gradient_block<Rows, batch_block>(g, xs, dys, count, r0, j0);
        if constexpr (Out % batch_block != 0)
            weight_gradient_block<Rows, Out % batch_block>(g, xs, dys, count, r0, full);
    }

    // backward for each sample s < count, the parameter gradient summed over
    // the samples and delivered once (sink.row(k, v, n)); dxs[s] as backward's.
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward_batch(const T* p, Sink& sink, const std::array<T, In>* const* xs,
                                         const std::array<T, Out>* const* dys, std::array<T, In>* const* dxs,
                                         std::size_t count) noexcept {
        constexpr std::size_t rows = 4;
        std::array<T, rows * Out> g;
        T* gp = g.data();
        for (std::size_t j = 0; j < Out; ++j) gp[j] = T(0);
        for (std::size_t s = 0; s < count; ++s)
            for (std::size_t j = 0; j < Out; ++j) gp[j] += (*dys[s])[j];
        sink.row(In * Out, gp, Out);
        const auto do_rows = [&]<std::size_t Rows>(std::size_t r0) {
            if constexpr (NeedInputGradient)
                for (std::size_t r = 0; r < Rows; ++r)
                    for (std::size_t s = 0; s < count; ++s)
                        (*dxs[s])[r0 + r] = dot_outputs(p + (r0 + r) * Out, dys[s]->data());
            weight_gradient_rows<Rows>(gp, xs, dys, count, r0);
            for (std::size_t r = 0; r < Rows; ++r) sink.row((r0 + r) * Out, gp + r * Out, Out);
        };
        for (std::size_t blk = 0; blk < In / rows; ++blk) do_rows.template operator()<rows>(blk * rows);
        for (std::size_t r = 0; r < In % rows; ++r) do_rows.template operator()<1>(In - In % rows + r);
    }

    // Σ_j a[j]·c[j] over the Out outputs, in the lane order described above.
    static constexpr T dot_outputs(const T* a, const T* c) noexcept {
        if constexpr (Out < lanes) {
            T acc = T(0);
            CTNN_DENSE_MULTIPLY_ADD_LOOP(for (std::size_t j = 0; j < Out; ++j), acc, a[j], c[j], acc);
            return acc;
        } else {
            std::array<T, lanes> lane{};
            T* l = lane.data();
            constexpr std::size_t tail = Out % lanes;
            if constexpr (tail == 0) {
                // (Kept a loop for GCC, see CTNN_DENSE_VECTOR_LOOP: one vector
                // of lanes. With a tail the lanes are read back one by one, and
                // the vector stores stall them: measured 2-3x slower at Out = 10.)
                for (std::size_t j = 0; j < Out; j += lanes) {
                    CTNN_DENSE_MULTIPLY_ADD_LOOP(CTNN_DENSE_VECTOR_LOOP for (std::size_t k = 0; k < lanes; ++k), l[k],
                                                 a[j + k], c[j + k], l[k]);
                }
            } else {
                for (std::size_t j = 0; j < Out - tail; j += lanes) {
                    CTNN_DENSE_MULTIPLY_ADD_LOOP(for (std::size_t k = 0; k < lanes; ++k), l[k], a[j + k], c[j + k],
                                                 l[k]);
                }
            }
            const T* at = a + (Out - tail);
            const T* ct = c + (Out - tail);
            CTNN_DENSE_MULTIPLY_ADD_LOOP(for (std::size_t k = 0; k < tail; ++k), l[k], at[k], ct[k], l[k]);
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
        if constexpr (Out == 1) {
            // One output: the weights are one column, In contiguous values whose
            // gradients dy_0·x_i are one row for the sink (the same products as
            // x_i·dy_0), delivered after every dx_i has read its weight. One
            // delivery instead of In saves In − 1 calls in constant evaluation.
            const T d = dyp[0];
            if constexpr (NeedInputGradient) { // dot_outputs' arithmetic for one output
                CTNN_DENSE_MULTIPLY_ADD_LOOP(for (std::size_t i = 0; i < In; ++i), dxp[i], w[i], d, T(0));
            }
            sink.row(0, d, xp, In);
        } else if (__builtin_is_constant_evaluated()) {
            for (std::size_t i = 0; i < In; ++i, w += Out) {
                if constexpr (NeedInputGradient) dxp[i] = dot_outputs(w, dyp);
                sink.row(i * Out, xp[i], dyp, Out);
            }
        } else {
            // At run time dy is first copied to a local array: a sink that
            // updates the weights in place (the fused training step) writes
            // through a pointer the compiler could not otherwise tell apart
            // from dy, so it kept each row scalar or behind an overlap check.
            // And the row loop is not for Clang's vectoriser: clang++-19 -O3
            // -march=native vectorised it across rows (stride Out) with
            // AVX-512 gathers and scatters, 1.2-1.7x slower than -O2
            // (bench/analysis.md, issue 19 item 4).
            std::array<T, Out> dy_local;
            T* dl = dy_local.data();
            for (std::size_t j = 0; j < Out; ++j) dl[j] = dyp[j];
            CTNN_DENSE_ROW_LOOP for (std::size_t i = 0; i < In; ++i, w += Out) {
                if constexpr (NeedInputGradient) dxp[i] = dot_outputs(w, dl);
                sink.row(i * Out, xp[i], dl, Out);
            }
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

#undef CTNN_DENSE_MULTIPLY_ADD_LOOP
#undef CTNN_DENSE_VECTOR_LOOP
#undef CTNN_DENSE_ROW_LOOP
