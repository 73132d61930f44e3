// ctnn/core/batch_norm.hpp - batch normalisation (PyTorch's BatchNorm1d /
// BatchNorm2d), and folding it into the layer before it.
//
// batch_norm<MomentumNum = 1, MomentumDen = 10, EpsilonNum = 1, EpsilonDen = 100000>
// (momentum 0.1, ε = 1e-5: PyTorch's defaults) over
//   shape<C, H, W> or shape<C, L>: per-channel statistics over the batch and
//                  the positions (BatchNorm2d, BatchNorm1d on (N, C, L));
//   a flat shape<N>: per-feature statistics over the batch (BatchNorm1d on (N, C)).
//
// Parameters, C of each: γ, β, then the state running_mean, running_var
// (state_count = 2C: no gradient, not trained, kept by the training loops, in
// the text format and headers like any parameter). Initial values (the
// initial_parameters trait, whatever the initialiser): γ = 1, β = 0,
// running_mean = 0, running_var = 1.
//
// Training (a batch-coupled layer: fit, train_batch, batch_backprop,
// batch_gradient_check): each channel normalised with the batch's mean and
// biased variance, y = γ·(x − μ)/√(σ² + ε) + β; running_mean and running_var
// move by `momentum` towards μ and the unbiased variance, as PyTorch's. A
// batch of one sample is refused at compile time (train_step, fit or
// train_batch with batch size 1). Inference (forward, every per-sample pass,
// gradient_check): y = γ·(x − running_mean)/√(running_var + ε) + β.
//
// fold_batch_norm(net) (ctnn/core/fold_batch_norm.hpp) returns the network
// without its batch_norm layers, each folded into the dense or convolution
// layer before it.
//
// Spelled (text format, headers) with all four numbers, on every compiler:
// "ctnn::batch_norm<1, 10, 1, 100000>" (text format: "batch_norm 1 10 1 100000").
#pragma once

#include <ctnn/core/layer_traits.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/shape.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn {

template <class T, std::size_t C, std::size_t S, std::size_t MomentumNum, std::size_t MomentumDen,
          std::size_t EpsilonNum, std::size_t EpsilonDen, class Shape>
struct batch_norm_layer {
    using scalar = T;
    using output_shape = Shape;
    static constexpr std::size_t channels = C;
    static constexpr std::size_t positions = S; // values per channel in one sample
    static constexpr std::size_t inputs = C * S;
    static constexpr std::size_t outputs = C * S;
    static constexpr std::size_t parameter_count = 4 * C; // γ, β, running_mean, running_var
    static constexpr std::size_t weight_count = C;
    static constexpr std::size_t state_count = 2 * C;
    static constexpr std::size_t row_length = C;
    static constexpr bool batch_coupled = true;
    static constexpr T momentum = static_cast<T>(MomentumNum) / static_cast<T>(MomentumDen);
    static constexpr T epsilon = static_cast<T>(EpsilonNum) / static_cast<T>(EpsilonDen);

    static constexpr std::array<T, parameter_count> initial_parameters = [] {
        std::array<T, parameter_count> p{};
        for (std::size_t c = 0; c < C; ++c) {
            p[c] = T(1);         // γ
            p[3 * C + c] = T(1); // running_var
        }
        return p;
    }();

    // Inference: the running statistics, y = x·α + (β − mean·α), α = γ/√(var + ε)
    // (PyTorch's CPU kernel).
    static constexpr void forward(const T* p, const std::array<T, inputs>& x, std::array<T, outputs>& y) noexcept {
        const T* xp = x.data();
        T* yp = y.data();
        for (std::size_t c = 0; c < C; ++c) {
            const T alpha = p[c] / math::sqrt(p[3 * C + c] + epsilon);
            const T beta = p[C + c] - p[2 * C + c] * alpha;
            for (std::size_t s = 0; s < S; ++s) yp[c * S + s] = xp[c * S + s] * alpha + beta;
        }
    }

    // Inference backward: dγ = Σ dy·(x − mean)/√(var + ε), dβ = Σ dy, dx = dy·α.
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T* p, Sink& sink, const std::array<T, inputs>& x,
                                   const std::array<T, outputs>&, const std::array<T, outputs>& dy,
                                   std::array<T, inputs>& dx) noexcept {
        std::array<T, C> dgamma{}, dbeta{};
        for (std::size_t c = 0; c < C; ++c) {
            const T invstd = T(1) / math::sqrt(p[3 * C + c] + epsilon);
            const T mean = p[2 * C + c];
            const T* xc = x.data() + c * S;
            const T* dyc = dy.data() + c * S;
            T sum = T(0), dotp = T(0);
            for (std::size_t s = 0; s < S; ++s) {
                sum += dyc[s];
                dotp += (xc[s] - mean) * dyc[s];
            }
            dgamma[c] = dotp * invstd;
            dbeta[c] = sum;
            if constexpr (NeedInputGradient) {
                const T a = invstd * p[c];
                T* dxc = dx.data() + c * S;
                for (std::size_t s = 0; s < S; ++s) dxc[s] = dyc[s] * a;
            }
        }
        sink.row(0, dgamma.data(), C);
        sink.row(C, dbeta.data(), C);
    }

    // The batch's mean of channel c and the sum of squared deviations from it
    // (two passes, as PyTorch's CPU kernel). Raw pointers: in constant
    // evaluation each operator[] is a call.
    static constexpr void statistics(const std::array<T, inputs>* const* xs, std::size_t count, std::size_t c,
                                     T& mean, T& var_sum) noexcept {
        const T m = static_cast<T>(count * S);
        T sum = T(0);
        for (std::size_t b = 0; b < count; ++b) {
            const T* x = xs[b]->data() + c * S;
            for (std::size_t s = 0; s < S; ++s) sum += x[s];
        }
        mean = sum / m;
        T squares = T(0);
        for (std::size_t b = 0; b < count; ++b) {
            const T* x = xs[b]->data() + c * S;
            for (std::size_t s = 0; s < S; ++s) {
                const T d = x[s] - mean;
                squares += d * d;
            }
        }
        var_sum = squares;
    }

    // Training over a batch: xs[b], ys[b] for b < count (count >= 2).
    // Writes the running statistics the batch leaves to state[0, 2C) (if not null).
    static constexpr void forward_batch_training(const T* p, T* state, const std::array<T, inputs>* const* xs,
                                                 std::array<T, outputs>* const* ys, std::size_t count) noexcept {
        const T m = static_cast<T>(count * S);
        for (std::size_t c = 0; c < C; ++c) {
            T mean = T(0), var_sum = T(0);
            statistics(xs, count, c, mean, var_sum);
            const T invstd = T(1) / math::sqrt(var_sum / m + epsilon);
            const T alpha = invstd * p[c];
            const T beta = p[C + c] - mean * alpha;
            for (std::size_t b = 0; b < count; ++b) {
                const T* x = xs[b]->data() + c * S;
                T* y = ys[b]->data() + c * S;
                for (std::size_t s = 0; s < S; ++s) y[s] = x[s] * alpha + beta;
            }
            if (state) {
                const T unbiased = m > T(1) ? var_sum / (m - T(1)) : var_sum / m;
                state[c] = momentum * mean + (T(1) - momentum) * p[2 * C + c];
                state[C + c] = momentum * unbiased + (T(1) - momentum) * p[3 * C + c];
            }
        }
    }

    // Training backward (PyTorch's CPU kernel): with x̂ = (x − μ)·invstd,
    // dγ = Σ dy·x̂, dβ = Σ dy, dx = (dy − Σdy/m − (x − μ)·(Σ dy·(x − μ))·invstd²/m)·invstd·γ.
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward_batch_training(const T* p, Sink& sink, const std::array<T, inputs>* const* xs,
                                                  const std::array<T, outputs>* const* dys,
                                                  std::array<T, inputs>* const* dxs, std::size_t count) noexcept {
        const T m = static_cast<T>(count * S);
        std::array<T, C> dgamma{}, dbeta{};
        for (std::size_t c = 0; c < C; ++c) {
            T mean = T(0), var_sum = T(0);
            statistics(xs, count, c, mean, var_sum);
            const T invstd = T(1) / math::sqrt(var_sum / m + epsilon);
            T dy_sum = T(0), dotp = T(0);
            for (std::size_t b = 0; b < count; ++b) {
                const T* x = xs[b]->data() + c * S;
                const T* dy = dys[b]->data() + c * S;
                for (std::size_t s = 0; s < S; ++s) {
                    dy_sum += dy[s];
                    dotp += (x[s] - mean) * dy[s];
                }
            }
            dgamma[c] = dotp * invstd;
            dbeta[c] = dy_sum;
            if constexpr (NeedInputGradient) {
                const T k = dotp * invstd * invstd / m;
                const T grad_mean = dy_sum / m;
                const T w = invstd * p[c];
                for (std::size_t b = 0; b < count; ++b) {
                    const T* x = xs[b]->data() + c * S;
                    const T* dy = dys[b]->data() + c * S;
                    T* dx = dxs[b]->data() + c * S;
                    for (std::size_t s = 0; s < S; ++s) dx[s] = (dy[s] - grad_mean - (x[s] - mean) * k) * w;
                }
            }
        }
        sink.row(0, dgamma.data(), C);
        sink.row(C, dbeta.data(), C);
    }
};

namespace detail {

template <class Shape>
constexpr std::size_t norm_channels() noexcept {
    if constexpr (Shape::rank >= 2) return Shape::dimensions[0];
    else return Shape::size;
}

} // namespace detail

// Momentum = MomentumNum / MomentumDen, ε = EpsilonNum / EpsilonDen.
template <std::size_t MomentumNum = 1, std::size_t MomentumDen = 10, std::size_t EpsilonNum = 1,
          std::size_t EpsilonDen = 100000>
struct batch_norm {
    static_assert(MomentumDen > 0 && MomentumNum <= MomentumDen && EpsilonDen > 0 && EpsilonNum > 0,
                  "ctnn::batch_norm<MomentumNum, MomentumDen, EpsilonNum, EpsilonDen>: the momentum must be in "
                  "[0, 1] and ε positive");
    template <class T, class Shape>
    using bind_shape = batch_norm_layer<T, detail::norm_channels<Shape>(), Shape::size / detail::norm_channels<Shape>(),
                                        MomentumNum, MomentumDen, EpsilonNum, EpsilonDen, Shape>;
    template <class T, std::size_t Inputs>
    using bind = bind_shape<T, shape<Inputs>>;

    template <class Put>
    static constexpr void spell(Put& put) {
        detail::spell_with_numbers(put, "ctnn::batch_norm", {MomentumNum, MomentumDen, EpsilonNum, EpsilonDen});
    }
};

} // namespace ctnn
