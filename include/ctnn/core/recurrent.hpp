// ctnn/core/recurrent.hpp - recurrent layers over a window of steps, and
// streaming them one sample at a time.
//
//   using net_t = ctnn::network<float, ctnn::input<64, 1>,        // 64 steps of 1 feature
//                               ctnn::gru<16>,                    // -> shape<64, 16>
//                               ctnn::each_step<ctnn::dense<16, 1>>>; // -> shape<64, 1>
//   ctnn::stream s(net);            // hidden state 0
//   float y = s.step(x);            // one sample in, one out (arrays for wider layers)
//
// A sequence is a shape<Steps, Features>, flat and step-major (step t's
// features are x[t·Features ... t·Features + Features − 1]); declare it with
// ctnn::input<Steps, Features>. The layers here:
//
//   gru<Hidden>, lstm<Hidden>   shape<Steps, Features> -> shape<Steps, Hidden>:
//                               every step's hidden state, from a zero initial
//                               state (a training window starts from rest)
//   each_step<Layer>            any layer applied to every step with the same
//                               parameters (a per-sample readout:
//                               each_step<dense<Hidden, 1>>)
//   last_step                   shape<Steps, Width> -> shape<Width>: the last
//                               step only (sequence in, one answer out; any
//                               layer may follow, e.g. a dense head)
//
// Element-wise activations work on a sequence as on any shape.
//
// Parameters are PyTorch's (torch.nn.GRU / torch.nn.LSTM, one layer,
// batch_first irrelevant), in its order and layout, so exporting is a copy:
//   weight_ih [Gates·Hidden][Features], weight_hh [Gates·Hidden][Hidden],
//   bias_ih [Gates·Hidden], bias_hh [Gates·Hidden], each row-major;
// gates in PyTorch's order, GRU (r, z, n), LSTM (i, f, g, o):
//   GRU   r = σ(W_ir x + b_ir + W_hr h + b_hr)       LSTM  i = σ(W_ii x + b_ii + W_hi h + b_hi)
//         z = σ(W_iz x + b_iz + W_hz h + b_hz)             f = σ(...), g = tanh(...), o = σ(...)
//         n = tanh(W_in x + b_in + r·(W_hn h + b_hn))      c' = f·c + i·g
//         h' = (1 − z)·n + z·h                             h' = o·tanh(c')
// The first Gates·Hidden·(Features + Hidden) parameters are weights, the rest
// biases; fan_in = Features + Hidden (the terms of one gate's sum), fan_out =
// Hidden.
//
// Backward is backpropagation through time over the window: it runs the
// window forward again keeping each step's gates (the trace holds only the
// hidden states, and an LSTM's cell state is not among them), then walks the
// steps backwards, summing each parameter's gradient in a local array, and
// delivers every gradient once at the end, after the last read of a parameter.
//
// One implementation for the window and the stream: a layer's forward is a
// loop over `step`, the very function ctnn::stream calls per sample, on the
// same prepared weights (transposed, so each step's matrix-vector products
// run along contiguous memory: the sums are the same, term by term and in the
// same order, as over PyTorch's layout). A stream's outputs are therefore bit
// for bit those of the windowed forward on the same sequence.
#pragma once

#include <ctnn/core/activation.hpp>
#include <ctnn/core/layer_traits.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/size.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace ctnn {

namespace size {

template <std::size_t N>
struct input_dimensions : std::integral_constant<std::size_t, N> {};
template <std::size_t N>
struct features_per_step : std::integral_constant<std::size_t, N> {};
template <std::size_t N>
struct hidden_size : std::integral_constant<std::size_t, N> {};

} // namespace size

namespace detail {

// Raised when a sequence layer (named by Layer: ctnn::gru<16>, ...) follows a
// value that is not a sequence shape<Steps, Features>.
template <class Layer, class InputDimensions>
struct check_input_is_a_sequence {
    static_assert(InputDimensions::value == 2,
                  "ctnn: a sequence layer (gru, lstm, each_step, last_step) needs a sequence as input, "
                  "shape<Steps, Features>: declare the network's input as ctnn::input<Steps, Features>");
    static constexpr bool value = true;
};

template <class Layer, class HiddenSize>
struct check_hidden_size_not_zero {
    static_assert(HiddenSize::value > 0, "ctnn::gru<Hidden> / ctnn::lstm<Hidden>: the hidden size must be at least 1");
    static constexpr bool value = true;
};

template <class Layer, class FeaturesPerStep, class LayerInputs>
struct check_each_step_layer_takes_one_step {
    static_assert(FeaturesPerStep::value == LayerInputs::value,
                  "ctnn::each_step<Layer>: the layer must take as many inputs as one step has features");
    static constexpr bool value = true;
};

// Steps and features of a shape; a shape that is not a sequence is read as
// one step (after its check has said so).
template <class Shape>
struct sequence_of {
    static constexpr bool is_sequence = Shape::rank == 2;
    static constexpr std::size_t steps = is_sequence ? Shape::dimensions[0] : 1;
    static constexpr std::size_t features = Shape::size / steps;
};

// out[j] = b[j] + Σ_k v[k]·wt[k][j] for j < Rows, the k in order; wt is
// row-major [n][Rows] (a transposed weight matrix), so the inner loop runs
// along memory and vectorises, and each out[j] is summed exactly as
// b[j] + W[j][0]·v[0] + W[j][1]·v[1] + ... would be over W [Rows][n].
template <std::size_t Rows, class T>
constexpr void affine_transposed(const T* b, const T* wt, const T* v, std::size_t n, T* out) noexcept {
    for (std::size_t j = 0; j < Rows; ++j) out[j] = b[j];
    for (std::size_t k = 0; k < n; ++k, wt += Rows) {
        const T vk = v[k];
        for (std::size_t j = 0; j < Rows; ++j) out[j] += vk * wt[j];
    }
}

// The run-time kernels of one step (the recurrent layers' forward, ctnn::stream
// and the forward replay of backpropagation through time). Constant evaluation
// keeps the plain loops above and math::sigmoid / math::tanh element by
// element; these give the same bits (tests/runtime/recurrent.cpp compares them
// on a sweep of floats and doubles and every special value) in a form the
// compiler can vectorise: every branch of math's sigmoid_d / tanh_d (and the
// exp_d / expm1_d inside them) computed on every lane and the result selected,
// with the same operations in the same order on each lane.

// out[j] = b[j] + Σ_k v[k]·wt[k][j] (k in order, the sums of affine_transposed)
// for the Width rows from j0, the running sums in a local array the compiler
// keeps in registers (no running sum through memory, no aliasing to check).
template <std::size_t Width, std::size_t Rows, class T>
constexpr void affine_block(const T* b, const T* wt, const T* v, std::size_t n, T* out, std::size_t j0) noexcept {
    std::array<T, Width> acc;
    T* a = acc.data();
    for (std::size_t j = 0; j < Width; ++j) a[j] = b[j0 + j];
    const T* row = wt + j0;
    for (std::size_t k = 0; k < n; ++k, row += Rows) {
        const T vk = v[k];
        for (std::size_t j = 0; j < Width; ++j) a[j] += vk * row[j];
    }
    for (std::size_t j = 0; j < Width; ++j) out[j0 + j] = a[j];
}

template <std::size_t Rows, class T>
constexpr void affine_blocked(const T* b, const T* wt, const T* v, std::size_t n, T* out) noexcept {
    constexpr std::size_t block = 256 / sizeof(T); // four AVX-512 registers of sums
    constexpr std::size_t full = Rows - Rows % block;
    for (std::size_t j0 = 0; j0 < full; j0 += block) affine_block<block, Rows>(b, wt, v, n, out, j0);
    if constexpr (Rows % block != 0) affine_block<Rows % block, Rows>(b, wt, v, n, out, full);
}

// c ? a : b, and x if keep else +0, written on the bits: GCC 12 turns a
// select of doubles into a branch (moving a division or a conversion to int
// into it) and then does not vectorise the loop; bitwise selects it leaves.
constexpr double pick(bool c, double a, double b) noexcept {
    const std::uint64_t m = std::uint64_t{0} - std::uint64_t{c};
    return std::bit_cast<double>((std::bit_cast<std::uint64_t>(a) & m) | (std::bit_cast<std::uint64_t>(b) & ~m));
}
constexpr double keep_if(bool keep, double x) noexcept {
    return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) & (std::uint64_t{0} - std::uint64_t{keep}));
}

// 2^k for an exponent field k + 1023 in 1..2046.
constexpr double pow2_lane(int k) noexcept {
    return std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
}

// math's exp_d(a) for a <= 0 or NaN (NaN: any value; the callers select).
constexpr double exp_nonpositive_lane(double a) noexcept {
    using namespace math::detail;
    const bool zero = !(a >= kExpLo); // exp_d's "x < kExpLo: 0" (and NaN)
    const double x = keep_if(!zero, a);
    const int k = static_cast<int>(x * kInvLn2 + (x < 0.0 ? -0.5 : 0.5)), h = k / 2;
    const double dk = static_cast<double>(k), hi = x - dk * kLn2Hi, lo = dk * kLn2Lo, r = hi - lo, t = r * r,
                 c = r - t * (kP1 + t * (kP2 + t * (kP3 + t * (kP4 + t * kP5))));
    const double e = (1.0 - ((lo - (r * c) / (2.0 - c)) - hi)) * pow2_lane(h) * pow2_lane(k - h);
    return keep_if(!zero, e);
}

// out[j] = math::sigmoid(in[j]) for j < N.
template <std::size_t N, class T>
constexpr void sigmoid_lanes(const T* in, T* out) noexcept {
    for (std::size_t j = 0; j < N; ++j) {
        const double x = static_cast<double>(in[j]);
        const bool negative = x < 0.0;
        const double e = exp_nonpositive_lane(negative ? x : -x);
        const double s = pick(negative, e, 1.0) / (1.0 + e);
        out[j] = static_cast<T>(pick(x != x, math::detail::kNaN, s));
    }
}

// out[j] = math::tanh(in[j]) for j < N.
template <std::size_t N, class T>
constexpr void tanh_lanes(const T* in, T* out) noexcept {
    using namespace math::detail;
    for (std::size_t j = 0; j < N; ++j) {
        const double x = static_cast<double>(in[j]);
        const double a0 = x < 0.0 ? -x : x;
        const bool saturated = !(a0 <= 22.0), tiny = a0 < 0x1p-28;
        const double a = keep_if(!(saturated || tiny), a0); // a value every branch below can take
        const bool large = a >= 1.0;
        // expm1_d(y) for y in [-2, -2^-28·2] and [2, 44]: none of its early returns.
        const double y = large ? 2.0 * a : -2.0 * a;
        const int k = static_cast<int>(y * kInvLn2 + (y < 0.0 ? -0.5 : 0.5));
        const double dk = static_cast<double>(k), hi = y - dk * kLn2Hi, lo = dk * kLn2Lo, r = hi - lo,
                     cr = (hi - r) - lo, t = r * r, c = r - t * (kP1 + t * (kP2 + t * (kP3 + t * (kP4 + t * kP5)))),
                     e = r + ((r * c) / (2.0 - c) + cr * (1.0 + r));
        const int h = k / 2;
        const double big_k = (1.0 + e) * pow2_lane(h) * pow2_lane(k - h) - 1.0,
                     small_k = e * pow2_lane(h) * pow2_lane(k - h) + (pow2_lane(k) - 1.0);
        const double m = pick(k == 0, e, pick(k > 52, big_k, small_k));
        // tanh_d's 1 − 2/(m + 2) or −m/(m + 2): one division, its numerator chosen.
        const double d = pick(large, 2.0, -m) / (m + 2.0), z = pick(large, 1.0 - d, d);
        const double v = pick(x < 0.0, -z, z);
        const double sat = pick(x != x, kNaN, pick(x < 0.0, -1.0, 1.0));
        out[j] = static_cast<T>(pick(saturated, sat, pick(tiny, x, v)));
    }
}

template <std::size_t N, class T>
constexpr T dot(const T* a, const T* b) noexcept {
    T acc = T(0);
    for (std::size_t j = 0; j < N; ++j) acc += a[j] * b[j];
    return acc;
}

// The GRU's arithmetic of one step, given the two affine maps of the step,
// ih = b_ih + W_ih·x and hh = b_hh + W_hh·h (each r, z, n rows).
template <class T, std::size_t H>
struct gru_cell {
    static constexpr std::size_t gates = 3;
    static constexpr std::size_t state_size = H;     // h
    static constexpr std::size_t saved_size = 4 * H; // r, z, n, W_hn·h + b_hn: what backward needs

    static constexpr void step(const T* ih, const T* hh, const T* h, T* next, T* saved) noexcept {
        T* r = saved;
        T* z = r + H;
        T* n = z + H;
        T* hn = n + H;
        if (!std::is_constant_evaluated()) {
            // The same values (the lanes give math's bits), vectorised.
            std::array<T, 2 * H> a;
            for (std::size_t j = 0; j < 2 * H; ++j) a[j] = ih[j] + hh[j];
            sigmoid_lanes<2 * H>(a.data(), r); // r, z
            for (std::size_t j = 0; j < H; ++j) {
                hn[j] = hh[2 * H + j];
                a[j] = ih[2 * H + j] + r[j] * hn[j];
            }
            tanh_lanes<H>(a.data(), n);
            for (std::size_t j = 0; j < H; ++j) next[j] = (T(1) - z[j]) * n[j] + z[j] * h[j];
            return;
        }
        for (std::size_t j = 0; j < H; ++j) r[j] = math::sigmoid(ih[j] + hh[j]);
        for (std::size_t j = 0; j < H; ++j) z[j] = math::sigmoid(ih[H + j] + hh[H + j]);
        for (std::size_t j = 0; j < H; ++j) {
            hn[j] = hh[2 * H + j];
            n[j] = math::tanh(ih[2 * H + j] + r[j] * hn[j]);
        }
        for (std::size_t j = 0; j < H; ++j) next[j] = (T(1) - z[j]) * n[j] + z[j] * h[j];
    }

    // Given dE/dh' (dnext), sets dE/d(ih) and dE/d(hh) (they differ only in
    // the n rows, where r multiplies W_hn·h + b_hn) and the part of dE/dh
    // that does not go through W_hh (through z·h).
    static constexpr void backward(const T* saved, const T* h, const T* dnext, T* g_ih, T* g_hh, T* dh) noexcept {
        const T* r = saved;
        const T* z = r + H;
        const T* n = z + H;
        const T* hn = n + H;
        for (std::size_t j = 0; j < H; ++j) {
            const T d = dnext[j];
            const T dn = d * (T(1) - z[j]) * (T(1) - n[j] * n[j]);
            const T dz = d * (h[j] - n[j]) * z[j] * (T(1) - z[j]);
            const T dr = dn * hn[j] * r[j] * (T(1) - r[j]);
            g_ih[j] = g_hh[j] = dr;
            g_ih[H + j] = g_hh[H + j] = dz;
            g_ih[2 * H + j] = dn;
            g_hh[2 * H + j] = dn * r[j];
            dh[j] = d * z[j];
        }
    }
};

// The LSTM's arithmetic of one step; its state is h then c.
template <class T, std::size_t H>
struct lstm_cell {
    static constexpr std::size_t gates = 4;
    static constexpr std::size_t state_size = 2 * H; // h, c
    static constexpr std::size_t saved_size = 5 * H; // i, f, g, o, tanh(c')

    static constexpr void step(const T* ih, const T* hh, const T* state, T* next, T* saved) noexcept {
        T* i = saved;
        T* f = i + H;
        T* g = f + H;
        T* o = g + H;
        T* tc = o + H;
        if (!std::is_constant_evaluated()) {
            std::array<T, 4 * H> a;
            for (std::size_t j = 0; j < 4 * H; ++j) a[j] = ih[j] + hh[j];
            sigmoid_lanes<2 * H>(a.data(), i); // i, f
            tanh_lanes<H>(a.data() + 2 * H, g);
            sigmoid_lanes<H>(a.data() + 3 * H, o);
            for (std::size_t j = 0; j < H; ++j) a[j] = f[j] * state[H + j] + i[j] * g[j];
            tanh_lanes<H>(a.data(), tc);
            for (std::size_t j = 0; j < H; ++j) {
                next[j] = o[j] * tc[j];
                next[H + j] = a[j];
            }
            return;
        }
        for (std::size_t j = 0; j < H; ++j) {
            i[j] = math::sigmoid(ih[j] + hh[j]);
            f[j] = math::sigmoid(ih[H + j] + hh[H + j]);
            g[j] = math::tanh(ih[2 * H + j] + hh[2 * H + j]);
            o[j] = math::sigmoid(ih[3 * H + j] + hh[3 * H + j]);
        }
        for (std::size_t j = 0; j < H; ++j) {
            const T c = f[j] * state[H + j] + i[j] * g[j];
            tc[j] = math::tanh(c);
            next[j] = o[j] * tc[j];
            next[H + j] = c;
        }
    }

    // dnext = (dE/dh', dE/dc'); sets dE/d(gates) in g_ih and g_hh (the same:
    // both biases and both products enter each gate's sum alike) and
    // (dE/dh, dE/dc) except what goes through W_hh.
    static constexpr void backward(const T* saved, const T* state, const T* dnext, T* g_ih, T* g_hh,
                                   T* dstate) noexcept {
        const T* i = saved;
        const T* f = i + H;
        const T* g = f + H;
        const T* o = g + H;
        const T* tc = o + H;
        for (std::size_t j = 0; j < H; ++j) {
            const T dh = dnext[j];
            const T dc = dnext[H + j] + dh * o[j] * (T(1) - tc[j] * tc[j]);
            g_ih[j] = g_hh[j] = dc * g[j] * i[j] * (T(1) - i[j]);
            g_ih[H + j] = g_hh[H + j] = dc * state[H + j] * f[j] * (T(1) - f[j]);
            g_ih[2 * H + j] = g_hh[2 * H + j] = dc * i[j] * (T(1) - g[j] * g[j]);
            g_ih[3 * H + j] = g_hh[3 * H + j] = dh * tc[j] * o[j] * (T(1) - o[j]);
            dstate[j] = T(0);
            dstate[H + j] = dc * f[j];
        }
    }
};

} // namespace detail

// A recurrent layer over a window of Steps steps (gru<Hidden>, lstm<Hidden>
// bind to this). Besides the layer contract it has what ctnn::stream uses:
// prepare(p, q) (the parameters in the layout `step` reads), state_size and
// step(q, state, x, y) (one step: x has Features values, y Hidden).
template <class T, template <class, std::size_t> class Cell, std::size_t Steps, std::size_t Features,
          std::size_t Hidden>
struct recurrent_layer {
    using cell = Cell<T, Hidden>;
    using scalar = T;
    using output_shape = shape<Steps, Hidden>;
    static constexpr std::size_t steps = Steps;
    static constexpr std::size_t features = Features;
    static constexpr std::size_t hidden = Hidden;
    static constexpr std::size_t gate_rows = cell::gates * Hidden;
    static constexpr std::size_t inputs = Steps * Features;
    static constexpr std::size_t outputs = Steps * Hidden;
    static constexpr std::size_t weight_count = gate_rows * (Features + Hidden); // weight_ih, weight_hh
    static constexpr std::size_t parameter_count = weight_count + 2 * gate_rows; // then bias_ih, bias_hh
    static constexpr std::size_t fan_in = Features + Hidden;
    static constexpr std::size_t fan_out = Hidden;
    // Where PyTorch's four tensors start.
    static constexpr std::size_t weight_ih = 0;
    static constexpr std::size_t weight_hh = gate_rows * Features;
    static constexpr std::size_t bias_ih = weight_count;
    static constexpr std::size_t bias_hh = weight_count + gate_rows;

    static constexpr std::size_t step_inputs = Features;
    static constexpr std::size_t step_outputs = Hidden;
    static constexpr std::size_t state_size = cell::state_size;

    // q: weight_ih and weight_hh transposed ([Features][gate_rows],
    // [Hidden][gate_rows]) at the same offsets, the biases as they are.
    static constexpr void prepare(const T* p, T* q) noexcept {
        for (std::size_t j = 0; j < gate_rows; ++j)
            for (std::size_t i = 0; i < Features; ++i) q[weight_ih + i * gate_rows + j] = p[weight_ih + j * Features + i];
        for (std::size_t j = 0; j < gate_rows; ++j)
            for (std::size_t k = 0; k < Hidden; ++k) q[weight_hh + k * gate_rows + j] = p[weight_hh + j * Hidden + k];
        for (std::size_t k = weight_count; k < parameter_count; ++k) q[k] = p[k];
    }

    // One step from state (h first) to the next, keeping what backward needs.
    static constexpr void cell_step(const T* q, const T* x, const T* state, T* next, T* saved) noexcept {
        std::array<T, gate_rows> ih, hh;
        if (std::is_constant_evaluated()) {
            detail::affine_transposed<gate_rows>(q + bias_ih, q + weight_ih, x, Features, ih.data());
            detail::affine_transposed<gate_rows>(q + bias_hh, q + weight_hh, state, Hidden, hh.data());
        } else { // the same sums, in registers
            detail::affine_blocked<gate_rows>(q + bias_ih, q + weight_ih, x, Features, ih.data());
            detail::affine_blocked<gate_rows>(q + bias_hh, q + weight_hh, state, Hidden, hh.data());
        }
        cell::step(ih.data(), hh.data(), state, next, saved);
    }

    // One step of the stream: state in place, y = the new h.
    static constexpr void step(const T* q, T* state, const T* x, T* y) noexcept {
        std::array<T, state_size> next;
        std::array<T, cell::saved_size> saved;
        cell_step(q, x, state, next.data(), saved.data());
        for (std::size_t k = 0; k < state_size; ++k) state[k] = next[k];
        for (std::size_t k = 0; k < Hidden; ++k) y[k] = next[k];
    }

    static constexpr void forward(const T* p, const std::array<T, inputs>& x, std::array<T, outputs>& y) noexcept {
        std::array<T, parameter_count> q;
        prepare(p, q.data());
        std::array<T, state_size> state{};
        for (std::size_t t = 0; t < Steps; ++t) step(q.data(), state.data(), x.data() + t * Features, y.data() + t * Hidden);
    }

    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T* p, Sink& sink, const std::array<T, inputs>& x,
                                   const std::array<T, outputs>&, const std::array<T, outputs>& dy,
                                   std::array<T, inputs>& dx) noexcept {
        constexpr std::size_t S = state_size;
        constexpr std::size_t V = cell::saved_size;
        std::array<T, parameter_count> q;
        prepare(p, q.data());
        // The window again, keeping every state (states[0] = 0) and the gates.
        std::array<T, (Steps + 1) * S> states{};
        std::array<T, Steps * V> saved;
        for (std::size_t t = 0; t < Steps; ++t)
            cell_step(q.data(), x.data() + t * Features, states.data() + t * S, states.data() + (t + 1) * S,
                      saved.data() + t * V);

        std::array<T, parameter_count> g{}; // in PyTorch's layout, delivered at the end
        std::array<T, S> dstate{};          // dE/d(state after step t), from the steps after it
        std::array<T, gate_rows> g_ih, g_hh;
        std::array<T, S> dprev;
        for (std::size_t t = Steps; t-- > 0;) {
            for (std::size_t k = 0; k < Hidden; ++k) dstate[k] += dy[t * Hidden + k];
            const T* h = states.data() + t * S; // state before step t; h first
            const T* xt = x.data() + t * Features;
            cell::backward(saved.data() + t * V, h, dstate.data(), g_ih.data(), g_hh.data(), dprev.data());
            for (std::size_t j = 0; j < gate_rows; ++j) {
                T* gw = g.data() + weight_ih + j * Features;
                const T a = g_ih[j];
                for (std::size_t i = 0; i < Features; ++i) gw[i] += a * xt[i];
            }
            for (std::size_t j = 0; j < gate_rows; ++j) {
                T* gw = g.data() + weight_hh + j * Hidden;
                const T a = g_hh[j];
                for (std::size_t k = 0; k < Hidden; ++k) gw[k] += a * h[k];
            }
            for (std::size_t j = 0; j < gate_rows; ++j) {
                g[bias_ih + j] += g_ih[j];
                g[bias_hh + j] += g_hh[j];
            }
            if constexpr (NeedInputGradient)
                for (std::size_t i = 0; i < Features; ++i)
                    dx[t * Features + i] = detail::dot<gate_rows>(q.data() + weight_ih + i * gate_rows, g_ih.data());
            for (std::size_t k = 0; k < Hidden; ++k)
                dprev[k] += detail::dot<gate_rows>(q.data() + weight_hh + k * gate_rows, g_hh.data());
            dstate = dprev;
        }
        sink.row(0, g.data(), parameter_count);
    }
};

template <class T, std::size_t Steps, std::size_t Features, std::size_t Hidden>
using gru_layer = recurrent_layer<T, detail::gru_cell, Steps, Features, Hidden>;
template <class T, std::size_t Steps, std::size_t Features, std::size_t Hidden>
using lstm_layer = recurrent_layer<T, detail::lstm_cell, Steps, Features, Hidden>;

template <std::size_t Hidden>
struct gru {
    static_assert(detail::check_hidden_size_not_zero<gru, size::hidden_size<Hidden>>::value);
    template <class T, class Shape>
    using bind_shape =
        std::enable_if_t<detail::check_input_is_a_sequence<gru, size::input_dimensions<Shape::rank>>::value,
                         gru_layer<T, detail::sequence_of<Shape>::steps, detail::sequence_of<Shape>::features, Hidden>>;
};

template <std::size_t Hidden>
struct lstm {
    static_assert(detail::check_hidden_size_not_zero<lstm, size::hidden_size<Hidden>>::value);
    template <class T, class Shape>
    using bind_shape =
        std::enable_if_t<detail::check_input_is_a_sequence<lstm, size::input_dimensions<Shape::rank>>::value,
                         lstm_layer<T, detail::sequence_of<Shape>::steps, detail::sequence_of<Shape>::features, Hidden>>;
};

// Layer L (bound for one step) applied to each of Steps steps, with one set
// of parameters; its gradient is the sum over the steps, delivered once.
template <class T, class L, std::size_t Steps>
struct each_step_layer {
    using scalar = T;
    using layer = L;
    using output_shape = shape<Steps, L::outputs>;
    static constexpr std::size_t inputs = Steps * L::inputs;
    static constexpr std::size_t outputs = Steps * L::outputs;
    static constexpr std::size_t parameter_count = L::parameter_count;
    static constexpr std::size_t weight_count = layer_traits<L>::weight_count;
    static constexpr std::size_t fan_in = layer_traits<L>::fan_in;
    static constexpr std::size_t fan_out = layer_traits<L>::fan_out;

    static constexpr std::size_t step_inputs = L::inputs;
    static constexpr std::size_t step_outputs = L::outputs;
    static constexpr std::size_t state_size = 0;

    static constexpr void prepare(const T* p, T* q) noexcept {
        for (std::size_t k = 0; k < parameter_count; ++k) q[k] = p[k];
    }

    static constexpr void step(const T* q, T*, const T* x, T* y) noexcept {
        std::array<T, L::inputs> xs;
        std::array<T, L::outputs> ys;
        for (std::size_t i = 0; i < L::inputs; ++i) xs[i] = x[i];
        L::forward(q, xs, ys);
        for (std::size_t j = 0; j < L::outputs; ++j) y[j] = ys[j];
    }

    static constexpr void forward(const T* p, const std::array<T, inputs>& x, std::array<T, outputs>& y) noexcept {
        for (std::size_t t = 0; t < Steps; ++t) step(p, nullptr, x.data() + t * L::inputs, y.data() + t * L::outputs);
    }

    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T* p, Sink& sink, const std::array<T, inputs>& x,
                                   const std::array<T, outputs>& y, const std::array<T, outputs>& dy,
                                   std::array<T, inputs>& dx) noexcept {
        std::array<T, parameter_count> g{};
        struct accumulate {
            T* g;
            constexpr void operator()(std::size_t k, T v) noexcept { g[k] += v; }
            constexpr void row(std::size_t k, T a, const T* v, std::size_t n) noexcept {
                for (std::size_t j = 0; j < n; ++j) g[k + j] += a * v[j];
            }
            constexpr void row(std::size_t k, const T* v, std::size_t n) noexcept {
                for (std::size_t j = 0; j < n; ++j) g[k + j] += v[j];
            }
        } sum{g.data()};
        std::array<T, L::inputs> xs, dxs;
        std::array<T, L::outputs> ys, dys;
        for (std::size_t t = 0; t < Steps; ++t) {
            for (std::size_t i = 0; i < L::inputs; ++i) xs[i] = x[t * L::inputs + i];
            for (std::size_t j = 0; j < L::outputs; ++j) {
                ys[j] = y[t * L::outputs + j];
                dys[j] = dy[t * L::outputs + j];
            }
            L::template backward<NeedInputGradient>(p, sum, xs, ys, dys, dxs);
            if constexpr (NeedInputGradient)
                for (std::size_t i = 0; i < L::inputs; ++i) dx[t * L::inputs + i] = dxs[i];
        }
        if constexpr (parameter_count > 0) sink.row(0, g.data(), parameter_count);
    }

    static constexpr bool same_piece(const std::array<T, inputs>& a, const std::array<T, inputs>& b) noexcept
        requires layer_traits<L>::has_kinks
    {
        std::array<T, L::inputs> as, bs;
        for (std::size_t t = 0; t < Steps; ++t) {
            for (std::size_t i = 0; i < L::inputs; ++i) {
                as[i] = a[t * L::inputs + i];
                bs[i] = b[t * L::inputs + i];
            }
            if (!layer_traits<L>::same_piece(as, bs)) return false;
        }
        return true;
    }
};

namespace detail {

template <class T, class Spec, std::size_t Features>
constexpr auto bind_one_step() {
    if constexpr (requires { typename Spec::template bind_shape<T, shape<Features>>; })
        return static_cast<typename Spec::template bind_shape<T, shape<Features>>*>(nullptr);
    else return static_cast<typename Spec::template bind<T, Features>*>(nullptr);
}

template <class T, class Spec, std::size_t Features>
using one_step_t = std::remove_pointer_t<decltype(bind_one_step<T, Spec, Features>())>;

} // namespace detail

// each_step<Layer>: Layer (a specification, e.g. dense<16, 1>) on every step
// of a sequence.
template <class Layer>
struct each_step {
    template <class T, class Shape>
    using bind_shape = std::enable_if_t<
        detail::check_input_is_a_sequence<each_step, size::input_dimensions<Shape::rank>>::value &&
            detail::check_each_step_layer_takes_one_step<
                each_step, size::features_per_step<detail::sequence_of<Shape>::features>,
                size::layer_inputs<detail::one_step_t<T, Layer, detail::sequence_of<Shape>::features>::inputs>>::value,
        each_step_layer<T, detail::one_step_t<T, Layer, detail::sequence_of<Shape>::features>,
                        detail::sequence_of<Shape>::steps>>;
};

// The last step of a sequence.
template <class T, std::size_t Steps, std::size_t Width>
struct last_step_layer {
    using scalar = T;
    using output_shape = shape<Width>;
    static constexpr std::size_t inputs = Steps * Width;
    static constexpr std::size_t outputs = Width;
    static constexpr std::size_t parameter_count = 0;
    static constexpr bool ends_sequence = true; // ctnn::stream: every step is the last so far

    static constexpr void forward(const T*, const std::array<T, inputs>& x, std::array<T, outputs>& y) noexcept {
        for (std::size_t j = 0; j < Width; ++j) y[j] = x[(Steps - 1) * Width + j];
    }

    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T*, Sink&, const std::array<T, inputs>&, const std::array<T, outputs>&,
                                   const std::array<T, outputs>& dy, std::array<T, inputs>& dx) noexcept {
        if constexpr (NeedInputGradient) {
            for (std::size_t i = 0; i < (Steps - 1) * Width; ++i) dx[i] = T(0);
            for (std::size_t j = 0; j < Width; ++j) dx[(Steps - 1) * Width + j] = dy[j];
        }
    }
};

struct last_step {
    template <class T, class Shape>
    using bind_shape =
        std::enable_if_t<detail::check_input_is_a_sequence<last_step, size::input_dimensions<Shape::rank>>::value,
                         last_step_layer<T, detail::sequence_of<Shape>::steps, detail::sequence_of<Shape>::features>>;
    static constexpr const char* spelling = "ctnn::last_step";
};

namespace detail {

// How ctnn::stream runs layer L one step at a time: its own prepare/step
// (recurrent layers, each_step), element-wise on one step's values
// (activations), or not at all.
template <class L>
struct stepper {
    static constexpr bool available = false; // reported by check_layer_can_stream; the rest keeps it quiet
    static constexpr std::size_t step_inputs = 0, step_outputs = 0, state_size = 0;
    template <class T>
    static constexpr void prepare(const T*, T*) noexcept {}
    template <class T>
    static constexpr void step(const T*, T*, const T*, T*) noexcept {}
};

template <class L>
    requires requires(const typename L::scalar* q, typename L::scalar* s) {
        std::size_t{L::step_inputs};
        std::size_t{L::step_outputs};
        std::size_t{L::state_size};
        L::prepare(q, s);
        L::step(q, s, q, s);
    }
struct stepper<L> {
    static constexpr bool available = true;
    static constexpr std::size_t step_inputs = L::step_inputs;
    static constexpr std::size_t step_outputs = L::step_outputs;
    static constexpr std::size_t state_size = L::state_size;
    template <class T>
    static constexpr void prepare(const T* p, T* q) noexcept {
        L::prepare(p, q);
    }
    template <class T>
    static constexpr void step(const T* q, T* state, const T* x, T* y) noexcept {
        L::step(q, state, x, y);
    }
};

template <class T, class F, std::size_t Width, class Shape>
struct stepper<activation_layer<T, F, Width, Shape>> {
    static constexpr bool available = Shape::rank == 2;
    static constexpr std::size_t step_inputs = Width / sequence_of<Shape>::steps;
    static constexpr std::size_t step_outputs = step_inputs;
    static constexpr std::size_t state_size = 0;
    static constexpr void prepare(const T*, T*) noexcept {}
    static constexpr void step(const T*, T*, const T* x, T* y) noexcept {
        for (std::size_t i = 0; i < step_inputs; ++i) y[i] = F::value(x[i]);
    }
};

template <class L>
inline constexpr bool ends_sequence = requires { requires L::ends_sequence; };

template <class LayerIndex, bool CanStream>
struct check_layer_can_stream {
    static_assert(CanStream,
                  "ctnn::stream: this layer cannot run one step at a time: before last_step a streamed network "
                  "may hold only gru, lstm, each_step<...> and element-wise activations (a dense layer over a "
                  "whole window cannot stream; use each_step<dense<...>> or put it after last_step)");
    static constexpr bool value = true;
};

template <class InputDimensions>
struct check_stream_input_is_a_sequence {
    static_assert(InputDimensions::value == 2,
                  "ctnn::stream: the network's input must be a sequence, ctnn::input<Steps, Features>");
    static constexpr bool value = true;
};

} // namespace detail

// A network run one step at a time, holding its state (every recurrent
// layer's h, and an LSTM's c; zero at the start and after reset()).
//
//   ctnn::stream s(net);                  // a copy of the parameters, prepared
//   auto y = s.step(x);                   // std::array<T, Features> in
//
// Each step's output is bit for bit the windowed forward's output at that
// step for the same samples from a zero state (for a network with last_step:
// the windowed forward of the steps so far). The network needs a sequence
// input; before last_step it may hold gru, lstm, each_step<...> and
// element-wise activations, after it any layer. The stream holds a copy of
// the parameters (recurrent weights transposed) and the state, nothing else.
template <class Net>
class stream {
    using T = typename Net::scalar;
    static constexpr std::size_t layer_count = Net::layer_count;
    static_assert(detail::check_stream_input_is_a_sequence<size::input_dimensions<Net::input_shape::rank>>::value);

    template <std::size_t K>
    using layer = typename Net::template layer_type<K>;

    template <std::size_t K = 0>
    static constexpr std::size_t find_sequence_end() {
        if constexpr (K == layer_count) return K;
        else if constexpr (detail::ends_sequence<layer<K>>) return K;
        else return find_sequence_end<K + 1>();
    }
    // Layers before it run a step at a time, layers after it whole.
    static constexpr std::size_t sequence_end = find_sequence_end();

    template <std::size_t K>
    static constexpr bool check_steps() {
        if constexpr (K == sequence_end) return true;
        else return detail::check_layer_can_stream<size::layer_index<K>, detail::stepper<layer<K>>::available>::value &&
                    check_steps<K + 1>();
    }
    static_assert(check_steps<0>());

    template <std::size_t K>
    static constexpr std::size_t state_size_of() {
        if constexpr (K < sequence_end) return detail::stepper<layer<K>>::state_size;
        else return 0;
    }
    template <std::size_t... K>
    static constexpr auto state_offsets_of(std::index_sequence<K...>) {
        std::array<std::size_t, layer_count + 1> offsets{};
        const std::size_t sizes[] = {state_size_of<K>()..., 0};
        for (std::size_t k = 0; k < layer_count; ++k) offsets[k + 1] = offsets[k] + sizes[k];
        return offsets;
    }
    static constexpr std::array<std::size_t, layer_count + 1> state_offsets =
        state_offsets_of(std::make_index_sequence<layer_count>{});
    static constexpr std::size_t state_total = state_offsets[layer_count];

    static constexpr std::size_t last_width() {
        if constexpr (sequence_end < layer_count) return Net::output_size;
        else return detail::stepper<layer<layer_count - 1>>::step_outputs;
    }

public:
    using network_type = Net;
    using scalar = T;
    static constexpr std::size_t step_inputs = detail::sequence_of<typename Net::input_shape>::features;
    static constexpr std::size_t step_outputs = last_width();
    using input_type = std::array<T, step_inputs>;
    using output_type = std::array<T, step_outputs>;
    using state_type = std::array<T, state_total>;

    constexpr explicit stream(const Net& net) noexcept { prepare<0>(net.parameters.data()); }

    // One sample in, the network's output for it out; the state moves on.
    constexpr output_type step(const input_type& x) noexcept { return run<0>(x); }

    // A network of one feature in and one value out takes and gives numbers.
    constexpr T step(T x) noexcept
        requires(step_inputs == 1 && step_outputs == 1)
    {
        return run<0>(input_type{x})[0];
    }

    constexpr void reset() noexcept { state_ = {}; }
    constexpr const state_type& state() const noexcept { return state_; }

private:
    std::array<T, Net::parameter_count> prepared_{};
    state_type state_{};

    template <std::size_t K>
    constexpr void prepare(const T* p) noexcept {
        if constexpr (K < layer_count) {
            constexpr std::size_t offset = Net::parameter_offsets[K];
            if constexpr (K < sequence_end) {
                detail::stepper<layer<K>>::prepare(p + offset, prepared_.data() + offset);
            } else {
                for (std::size_t k = 0; k < layer<K>::parameter_count; ++k) prepared_[offset + k] = p[offset + k];
            }
            prepare<K + 1>(p);
        }
    }

    template <std::size_t K, std::size_t N>
    constexpr output_type run(const std::array<T, N>& v) noexcept {
        if constexpr (K == layer_count) {
            return v;
        } else if constexpr (K < sequence_end) {
            using S = detail::stepper<layer<K>>;
            std::array<T, S::step_outputs> out;
            S::step(prepared_.data() + Net::parameter_offsets[K], state_.data() + state_offsets[K], v.data(),
                    out.data());
            return run<K + 1>(out);
        } else if constexpr (K == sequence_end) {
            return run<K + 1>(v); // last_step: this step is the last so far
        } else {
            std::array<T, layer<K>::outputs> out;
            layer<K>::forward(prepared_.data() + Net::parameter_offsets[K], v, out);
            return run<K + 1>(out);
        }
    }
};

} // namespace ctnn
