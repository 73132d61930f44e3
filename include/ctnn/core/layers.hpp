// ctnn/core/layers.hpp - the layers a network is made of.
//
// A user names layers by their sizes (`dense<2, 10>`) or not at all (`relu`:
// an activation takes its width from the layer before it). `network` binds each
// of these specifications to a concrete layer type that knows its scalar type,
// its width, its position in the network and where its parameters start in
// the network's one flat parameter array.
//
// A bound layer is an empty type with static functions:
//   forward (p, x, y)              y = f(x), reading parameters p[offset..]
//   backward(p, g, x, y, dy, dx)   g[offset..] += dE/dparams, dx = dE/dx
// Parameters of every layer live in one std::array owned by the network, so
// optimisers, numerical differentiation and weight loading are single loops.
#pragma once

#include <ctnn/detail/diagnostic.hpp>
#include <ctnn/core/math.hpp>

#include <array>
#include <cstddef>

namespace ctnn {

namespace detail {

// Raised when a dense layer's declared input size differs from the output size
// of the layer before it; the sizes reach the error as words
// (ctnn/detail/diagnostic.hpp): "previous_layer_outputs<10>::value ==
// dense_layer_inputs<5>::value", under the layer's index.
template <class LayerIndex, class PreviousLayerOutputs, class DenseLayerInputs>
struct check_dense_inputs_match_previous_outputs {
    static_assert(PreviousLayerOutputs::value == DenseLayerInputs::value,
                  "ctnn::network: a dense<Inputs, Outputs> layer must take as many inputs as the layer "
                  "before it gives");
    static constexpr bool value = true;
};

template <class DenseLayerInputs, class DenseLayerOutputs>
struct check_dense_sizes_not_zero {
    static_assert(DenseLayerInputs::value > 0 && DenseLayerOutputs::value > 0,
                  "ctnn::dense<Inputs, Outputs>: a dense layer needs at least one input and one output");
    static constexpr bool value = true;
};

} // namespace detail

// ---------------------------------------------------------------------------
// dense: y = x·W + b, with W of shape [Inputs][Outputs] (the study note's
// convention, x·W) stored row-major, followed by the Outputs biases.
// ---------------------------------------------------------------------------
template <class T, std::size_t In, std::size_t Out, std::size_t Offset, std::size_t Index>
struct dense_layer {
    using scalar = T;
    static constexpr std::size_t index = Index;
    static constexpr std::size_t inputs = In;
    static constexpr std::size_t outputs = Out;
    static constexpr std::size_t parameter_offset = Offset;
    static constexpr std::size_t weight_count = In * Out;
    static constexpr std::size_t parameter_count = In * Out + Out;
    static constexpr bool has_kink = false;
    static constexpr const char* name = "dense";

    // Index of weight W[i][j] and bias b[j] in the network's parameter array.
    static constexpr std::size_t weight_index(std::size_t i, std::size_t j) noexcept { return Offset + i * Out + j; }
    static constexpr std::size_t bias_index(std::size_t j) noexcept { return Offset + In * Out + j; }

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
        const T* w = p + Offset;
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

    template <bool NeedInputGradient>
    static constexpr void backward(const T* p, T* g, const std::array<T, In>& x, const std::array<T, Out>&,
                                   const std::array<T, Out>& dy, std::array<T, In>& dx) noexcept {
        const T* w = p + Offset;
        T* gw = g + Offset;
        T* gb = gw + In * Out;
        const T* xp = x.data();
        const T* dyp = dy.data();
        T* dxp = dx.data();
        for (std::size_t j = 0; j < Out; ++j) gb[j] += dyp[j];
        for (std::size_t i = 0; i < In; ++i, w += Out, gw += Out) {
            const T xi = xp[i];
            for (std::size_t j = 0; j < Out; ++j) gw[j] += xi * dyp[j];
            if constexpr (NeedInputGradient) dxp[i] = dot_outputs(w, dyp);
        }
    }

    // Backward and plain SGD in one pass over the weights, for a one-sample
    // step: W[i][j] -= lr·(x_i·dy_j), b_j -= lr·dy_j. The same bits as
    // accumulating into a zeroed gradient (0 + g == g) and then updating,
    // without writing and re-reading a gradient array. dx uses each row of W
    // before that row is updated.
    template <bool NeedInputGradient>
    static constexpr void backward_sgd(T* p, T learning_rate, const std::array<T, In>& x, const std::array<T, Out>&,
                                       const std::array<T, Out>& dy, std::array<T, In>& dx) noexcept {
        T* w = p + Offset;
        T* b = w + In * Out;
        const T* xp = x.data();
        const T* dyp = dy.data();
        T* dxp = dx.data();
        for (std::size_t j = 0; j < Out; ++j) b[j] -= learning_rate * dyp[j];
        for (std::size_t i = 0; i < In; ++i, w += Out) {
            const T xi = xp[i];
            if constexpr (NeedInputGradient) dxp[i] = dot_outputs(w, dyp);
            for (std::size_t j = 0; j < Out; ++j) w[j] -= learning_rate * (xi * dyp[j]);
        }
    }
};

template <std::size_t Inputs, std::size_t Outputs>
struct dense {
    static_assert(detail::check_dense_sizes_not_zero<size::dense_layer_inputs<Inputs>,
                                                     size::dense_layer_outputs<Outputs>>::value);
    static constexpr std::size_t inputs = Inputs;
    static constexpr std::size_t outputs = Outputs;
    static constexpr bool sets_width = true;

    template <class T, std::size_t PreviousOutputs, std::size_t Offset, std::size_t Index>
    struct bind {
        static_assert(detail::check_dense_inputs_match_previous_outputs<
                      size::layer_index<Index>, size::previous_layer_outputs<PreviousOutputs>,
                      size::dense_layer_inputs<Inputs>>::value);
        using type = dense_layer<T, Inputs, Outputs, Offset, Index>;
    };
};

// input<N>: declares the network's input width when the first real layer has
// none of its own (a network of one activation, for checking it on its own).
// It is not a layer: it adds no computation and no parameters.
template <std::size_t N>
struct input {
    static_assert(N > 0, "ctnn::input<N>: a network needs at least one input");
    static constexpr std::size_t inputs = N;
    static constexpr bool sets_width = true;
};

// ---------------------------------------------------------------------------
// Element-wise activations. Each function type F provides
//   value(x)              f(x)
//   derivative(x, y, dy)  dy · f'(x), given y = f(x) (whichever is cheaper)
// ---------------------------------------------------------------------------
template <class T, class F, std::size_t Width, std::size_t Offset, std::size_t Index>
struct activation_layer {
    using scalar = T;
    using function = F;
    static constexpr std::size_t index = Index;
    static constexpr std::size_t inputs = Width;
    static constexpr std::size_t outputs = Width;
    static constexpr std::size_t parameter_offset = Offset;
    static constexpr std::size_t parameter_count = 0;
    static constexpr bool has_kink = F::has_kink;
    static constexpr const char* name = F::name;

    static constexpr void forward(const T*, const std::array<T, Width>& x, std::array<T, Width>& y) noexcept {
        const T* xp = x.data();
        T* yp = y.data();
        for (std::size_t i = 0; i < Width; ++i) yp[i] = F::value(xp[i]);
    }

    template <bool NeedInputGradient>
    static constexpr void backward(const T*, T*, const std::array<T, Width>& x, const std::array<T, Width>& y,
                                   const std::array<T, Width>& dy, std::array<T, Width>& dx) noexcept {
        if constexpr (NeedInputGradient) {
            const T* xp = x.data();
            const T* yp = y.data();
            const T* dyp = dy.data();
            T* dxp = dx.data();
            for (std::size_t i = 0; i < Width; ++i) dxp[i] = F::derivative(xp[i], yp[i], dyp[i]);
        }
    }
};

// The specification a user writes for an activation: its width comes from the
// layer before it.
template <class F>
struct activation {
    static constexpr bool sets_width = false;

    template <class T, std::size_t PreviousOutputs, std::size_t Offset, std::size_t Index>
    struct bind {
        using type = activation_layer<T, F, PreviousOutputs, Offset, Index>;
    };
};

namespace functions {

struct identity {
    static constexpr const char* name = "identity";
    static constexpr bool has_kink = false;
    template <class T> static constexpr T value(T x) noexcept { return x; }
    template <class T> static constexpr T derivative(T, T, T dy) noexcept { return dy; }
};

// relu'(0) is taken as 0, as in the study note's d_relu.
struct relu {
    static constexpr const char* name = "relu";
    static constexpr bool has_kink = true; // at 0: gradient checks must not straddle it
    template <class T> static constexpr T value(T x) noexcept { return x > T(0) ? x : T(0); }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept { return x > T(0) ? dy : T(0); }
};

struct sigmoid {
    static constexpr const char* name = "sigmoid";
    static constexpr bool has_kink = false;
    template <class T> static constexpr T value(T x) noexcept { return math::sigmoid(x); }
    template <class T> static constexpr T derivative(T, T y, T dy) noexcept { return dy * y * (T(1) - y); }
};

struct tanh {
    static constexpr const char* name = "tanh";
    static constexpr bool has_kink = false;
    template <class T> static constexpr T value(T x) noexcept { return math::tanh(x); }
    template <class T> static constexpr T derivative(T, T y, T dy) noexcept { return dy * (T(1) - y * y); }
};

// Leaky ReLU with slope Numerator/Denominator for x <= 0 (default 0.01, as
// PyTorch's LeakyReLU). The slope is a pair of integers because Clang 14 has no
// floating-point template parameters. f'(0) is taken as the slope.
template <long long Numerator = 1, long long Denominator = 100>
struct leaky_relu {
    static_assert(Denominator > 0, "ctnn::leaky_relu<Numerator, Denominator>: Denominator must be positive");
    static constexpr const char* name = "leaky_relu";
    static constexpr bool has_kink = true; // at 0
    template <class T> static constexpr T slope() noexcept { return T(Numerator) / T(Denominator); }
    template <class T> static constexpr T value(T x) noexcept { return x > T(0) ? x : slope<T>() * x; }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept { return x > T(0) ? dy : slope<T>() * dy; }
};

// ELU: x for x > 0, α·(eˣ − 1) otherwise, α = Numerator/Denominator (default
// 1). expm1 keeps small negative x accurate. f'(x) = y + α for x <= 0.
template <long long Numerator = 1, long long Denominator = 1>
struct elu {
    static_assert(Denominator > 0, "ctnn::elu<Numerator, Denominator>: Denominator must be positive");
    static_assert(Numerator > 0, "ctnn::elu<Numerator, Denominator>: alpha must be positive");
    static constexpr const char* name = "elu";
    // f' jumps at 0 unless α = 1, and f'' jumps always: checks must not straddle 0.
    static constexpr bool has_kink = true;
    template <class T> static constexpr T alpha() noexcept { return T(Numerator) / T(Denominator); }
    template <class T> static constexpr T value(T x) noexcept { return x > T(0) ? x : alpha<T>() * math::expm1(x); }
    template <class T> static constexpr T derivative(T x, T y, T dy) noexcept {
        return x > T(0) ? dy : dy * (y + alpha<T>());
    }
};

// GELU in its tanh form (Hendrycks & Gimpel; PyTorch's approximate="tanh"):
//   f(x) = ½x(1 + tanh(u)),  u = √(2/π)(x + 0.044715x³).
// (The exact form needs erf, which ctnn::math does not provide.)
struct gelu {
    static constexpr const char* name = "gelu";
    static constexpr bool has_kink = false;
    static constexpr double sqrt_2_over_pi = 0.7978845608028654;
    static constexpr double cubic = 0.044715;
    template <class T> static constexpr T value(T x) noexcept {
        const T u = T(sqrt_2_over_pi) * (x + T(cubic) * x * x * x);
        return T(0.5) * x * (T(1) + math::tanh(u));
    }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept {
        const T u = T(sqrt_2_over_pi) * (x + T(cubic) * x * x * x);
        const T t = math::tanh(u);
        const T du = T(sqrt_2_over_pi) * (T(1) + T(3 * cubic) * x * x);
        return dy * (T(0.5) * (T(1) + t) + T(0.5) * x * (T(1) - t * t) * du);
    }
};

} // namespace functions

using identity = activation<functions::identity>;
using relu = activation<functions::relu>;
using sigmoid = activation<functions::sigmoid>;
using tanh = activation<functions::tanh>;
using gelu = activation<functions::gelu>;
// ctnn::leaky_relu<> has slope 0.01; ctnn::leaky_relu<1, 5> has slope 0.2.
template <long long Numerator = 1, long long Denominator = 100>
using leaky_relu = activation<functions::leaky_relu<Numerator, Denominator>>;
// ctnn::elu<> has α = 1.
template <long long Numerator = 1, long long Denominator = 1>
using elu = activation<functions::elu<Numerator, Denominator>>;

// ---------------------------------------------------------------------------
// softmax: yᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m), m = max x. Subtracting the maximum
// changes nothing mathematically and keeps every exponent <= 0, so no logit
// overflows. Not element-wise: dxᵢ = yᵢ·(dyᵢ − Σⱼ yⱼ·dyⱼ).
// For training a classifier prefer a final dense layer and the fused loss
// ctnn::softmax_cross_entropy, which never forms log(yᵢ) of a tiny yᵢ.
// ---------------------------------------------------------------------------
template <class T, std::size_t Width, std::size_t Offset, std::size_t Index>
struct softmax_layer {
    using scalar = T;
    static constexpr std::size_t index = Index;
    static constexpr std::size_t inputs = Width;
    static constexpr std::size_t outputs = Width;
    static constexpr std::size_t parameter_offset = Offset;
    static constexpr std::size_t parameter_count = 0;
    static constexpr bool has_kink = false;
    static constexpr const char* name = "softmax";

    static constexpr void forward(const T*, const std::array<T, Width>& x, std::array<T, Width>& y) noexcept {
        const T* xp = x.data();
        T* yp = y.data();
        T m = xp[0];
        for (std::size_t i = 1; i < Width; ++i)
            if (xp[i] > m) m = xp[i];
        T sum = T(0);
        for (std::size_t i = 0; i < Width; ++i) {
            yp[i] = math::exp(xp[i] - m);
            sum += yp[i];
        }
        for (std::size_t i = 0; i < Width; ++i) yp[i] /= sum;
    }

    template <bool NeedInputGradient>
    static constexpr void backward(const T*, T*, const std::array<T, Width>&, const std::array<T, Width>& y,
                                   const std::array<T, Width>& dy, std::array<T, Width>& dx) noexcept {
        if constexpr (NeedInputGradient) {
            const T* yp = y.data();
            const T* dyp = dy.data();
            T* dxp = dx.data();
            T dot = T(0);
            for (std::size_t i = 0; i < Width; ++i) dot += yp[i] * dyp[i];
            for (std::size_t i = 0; i < Width; ++i) dxp[i] = yp[i] * (dyp[i] - dot);
        }
    }
};

struct softmax {
    static constexpr bool sets_width = false;

    template <class T, std::size_t PreviousOutputs, std::size_t Offset, std::size_t Index>
    struct bind {
        using type = softmax_layer<T, PreviousOutputs, Offset, Index>;
    };
};

} // namespace ctnn
