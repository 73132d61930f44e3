// ctnn/core/conv.hpp - convolution layers: conv1d and conv2d.
//
//   ctnn::network<float, ctnn::input<1, 8, 8>,
//                 ctnn::conv2d<1, 8, 3, /*stride*/ 1, /*padding*/ 1>, ctnn::relu, ...>
//
// conv2d<InChannels, OutChannels, Kernel, Stride = 1, Padding = 0> reads a
// shape<InChannels, H, W> and gives shape<OutChannels, H', W'>,
// H' = (H + 2·Padding − Kernel) / Stride + 1 (PyTorch's Conv2d with a square
// kernel, zero padding, no dilation, no groups); conv1d the same on
// shape<InChannels, L>. What PyTorch computes (a cross-correlation):
//   y[o][i][j] = b[o] + Σ_c Σ_u Σ_v W[o][c][u][v] · x[c][i·S + u − P][j·S + v − P]
// with x = 0 outside the input. Parameters: W as PyTorch's [out][in][K][K]
// (a state_dict's weight, copied as is), then the out biases.
//
// One layer type does both (conv1d is conv2d over a 1 × L image with a 1 × K
// kernel). Each sum runs in a fixed order (bias, then channel, kernel row,
// kernel column), so compile time and runtime agree to the bit; the innermost
// loops run along an output row, contiguous for stride 1 (vectorisable).
#pragma once

#include <ctnn/core/shape.hpp>
#include <ctnn/core/size.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

// GCC 12 unrolls a short constant loop completely before its loop
// vectoriser sees it and then leaves the copies scalar; kept a loop, it is
// one vector operation.
#if defined(__GNUC__) && !defined(__clang__)
#define CTNN_DETAIL_CONV_LOOP_NOT_UNROLLED _Pragma("GCC unroll 1")
#else
#define CTNN_DETAIL_CONV_LOOP_NOT_UNROLLED
#endif

namespace ctnn {

namespace size {

#define CTNN_DETAIL_SIZE_WORD(name)                                                                                    \
    template <std::size_t N>                                                                                           \
    struct name : std::integral_constant<std::size_t, N> {}

CTNN_DETAIL_SIZE_WORD(previous_layer_dimensions);
CTNN_DETAIL_SIZE_WORD(layer_reads_dimensions);
CTNN_DETAIL_SIZE_WORD(previous_layer_channels);
CTNN_DETAIL_SIZE_WORD(layer_input_channels);
CTNN_DETAIL_SIZE_WORD(layer_output_channels);
CTNN_DETAIL_SIZE_WORD(kernel_size);
CTNN_DETAIL_SIZE_WORD(stride);
CTNN_DETAIL_SIZE_WORD(padded_input_height);
CTNN_DETAIL_SIZE_WORD(padded_input_width);
CTNN_DETAIL_SIZE_WORD(padded_input_length);

#undef CTNN_DETAIL_SIZE_WORD

} // namespace size

namespace detail {

// One spatial axis of a sliding window (a convolution's kernel, a pooling
// window): Size positions padded by Padding on both sides, a window of
// Kernel, moved by Stride. For tap k of the window, the outputs o whose input
// position o·Stride + k − Padding lies inside the input are [first[k], end[k]).
template <std::size_t Size, std::size_t Kernel, std::size_t Stride, std::size_t Padding>
struct window_axis {
    static constexpr bool valid = Kernel > 0 && Stride > 0 && Kernel <= Size + 2 * Padding;
    static constexpr std::size_t out = valid ? (Size + 2 * Padding - Kernel) / Stride + 1 : 1;

    static constexpr std::array<std::size_t, (Kernel > 0 ? Kernel : 1)> first = [] {
        std::array<std::size_t, (Kernel > 0 ? Kernel : 1)> f{};
        if constexpr (valid)
            for (std::size_t k = 0; k < Kernel; ++k) {
                std::size_t o = 0;
                while (o < out && o * Stride + k < Padding) ++o;
                f[k] = o;
            }
        return f;
    }();
    static constexpr std::array<std::size_t, (Kernel > 0 ? Kernel : 1)> end = [] {
        std::array<std::size_t, (Kernel > 0 ? Kernel : 1)> e{};
        if constexpr (valid)
            for (std::size_t k = 0; k < Kernel; ++k) {
                std::size_t o = out;
                while (o > first[k] && (o - 1) * Stride + k >= Size + Padding) --o;
                e[k] = o < first[k] ? first[k] : o;
            }
        return e;
    }();
};

} // namespace detail

// The layer both conv1d and conv2d bind to: Cin × H × W in, Cout × OH × OW
// out, a KH × KW kernel, strides SH, SW and paddings PH, PW. OutputShape is
// shape<Cout, OW> for conv1d (H = KH = 1), shape<Cout, OH, OW> for conv2d.
template <class T, std::size_t Cin, std::size_t H, std::size_t W, std::size_t Cout, std::size_t KH, std::size_t KW,
          std::size_t SH, std::size_t SW, std::size_t PH, std::size_t PW, class OutputShape>
struct conv_layer {
    using rows = detail::window_axis<H, KH, SH, PH>;
    using columns = detail::window_axis<W, KW, SW, PW>;
    static constexpr std::size_t in_channels = Cin, out_channels = Cout;
    static constexpr std::size_t height = H, width = W, out_height = rows::out, out_width = columns::out;
    static constexpr std::size_t kernel_height = KH, kernel_width = KW;
    static constexpr std::size_t stride_height = SH, stride_width = SW, padding_height = PH, padding_width = PW;

    using scalar = T;
    using output_shape = OutputShape;
    static constexpr std::size_t inputs = Cin * H * W;
    static constexpr std::size_t outputs = Cout * out_height * out_width;
    static constexpr std::size_t weight_count = Cout * Cin * KH * KW; // then Cout biases
    static constexpr std::size_t parameter_count = weight_count + Cout;
    // As PyTorch's init computes them for a convolution's weight.
    static constexpr std::size_t fan_in = Cin * KH * KW;
    static constexpr std::size_t fan_out = Cout * KH * KW;

    static constexpr std::size_t plane = H * W, out_plane = out_height * out_width;

    // ---- Run time: the same sums in the same order, blocked.
    // The input is first copied with its columns padded (padded_width cells
    // per row: the cells j·SW + v that output column j reads through tap v;
    // zero outside the input) so that every tap runs over the full output row
    // with a constant trip count; a product that falls on a padding cell adds
    // nothing (it is made −0, below), so each output's sum is the constant
    // evaluation's: the bias, then the taps (c, u, v) in order that fall
    // inside the input. A block of output channels × one output row is
    // summed in a local array (no running sum through y, nothing for the
    // compiler to check for overlap); kernel columns unrolled at compile time.
    static constexpr std::size_t padded_width = (out_width - 1) * SW + KW;
    static constexpr std::size_t channel_block = [] {
        std::size_t b = 256 / (out_width > 0 ? out_width : 1); // at most 256 sums (16 AVX-512 registers)
        b = b < 1 ? 1 : b;
        return b < Cout ? b : Cout;
    }();
    // A product on a padding cell becomes −0 (its bits ANDed with keep, ORed
    // with minus_zero), and s + (−0) is s for every s (±0, NaN and ∞
    // included): the sum is the one that skips the tap. (A select of floats
    // GCC 12 turns into a branch and does not vectorise; bit operations it does.)
    using bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    static constexpr bits sign_bit = bits{1} << (8 * sizeof(T) - 1);
    struct column_masks {
        std::array<std::array<bits, out_width>, KW> keep{}, minus_zero{};
    };
    static constexpr column_masks masks = [] {
        column_masks m{};
        for (std::size_t v = 0; v < KW; ++v)
            for (std::size_t j = 0; j < out_width; ++j) {
                const bool valid = j >= columns::first[v] && j < columns::end[v];
                m.keep[v][j] = valid ? ~bits{0} : bits{0};
                m.minus_zero[v][j] = valid ? bits{0} : sign_bit;
            }
        return m;
    }();
    template <std::size_t V>
    static constexpr bool full_columns = columns::first[V] == 0 && columns::end[V] == out_width;

    static constexpr void pad_columns(const T* x, T* xp) noexcept {
        for (std::size_t r = 0; r < Cin * H; ++r, x += W, xp += padded_width)
            for (std::size_t s = 0; s < padded_width; ++s) xp[s] = s >= PW && s - PW < W ? x[s - PW] : T(0);
    }

    template <std::size_t Block, std::size_t... V>
    static constexpr void forward_row(const T* w, const T* b, const T* xp, T* y, std::size_t o0, std::size_t i,
                                      std::index_sequence<V...>) noexcept {
        std::array<T, Block * out_width> acc;
        T* a = acc.data();
        for (std::size_t o = 0; o < Block; ++o)
            for (std::size_t j = 0; j < out_width; ++j) a[o * out_width + j] = b[o0 + o];
        for (std::size_t c = 0; c < Cin; ++c) {
            for (std::size_t u = 0; u < KH; ++u) {
                if (i < rows::first[u] || i >= rows::end[u]) continue; // the tap row is outside the input
                const T* xr = xp + (c * H + i * SH + u - PH) * padded_width;
                const T* wu = w + (o0 * Cin + c) * KH * KW + u * KW;
                (
                    [&] {
                        const T* xv = xr + V;
                        for (std::size_t o = 0; o < Block; ++o) {
                            const T wv = wu[o * Cin * KH * KW + V];
                            T* ao = a + o * out_width;
                            if constexpr (full_columns<V>) {
                                for (std::size_t j = 0; j < out_width; ++j) ao[j] += wv * xv[j * SW];
                            } else {
                                const bits* keep = masks.keep[V].data();
                                const bits* minus_zero = masks.minus_zero[V].data();
                                for (std::size_t j = 0; j < out_width; ++j)
                                    ao[j] += std::bit_cast<T>((std::bit_cast<bits>(wv * xv[j * SW]) & keep[j]) |
                                                              minus_zero[j]);
                            }
                        }
                    }(),
                    ...);
            }
        }
        for (std::size_t o = 0; o < Block; ++o)
            for (std::size_t j = 0; j < out_width; ++j) y[(o0 + o) * out_plane + i * out_width + j] = a[o * out_width + j];
    }

    // Narrow output rows (less than a 64-byte vector) and at least 32 bytes of
    // output channels: the vector runs over the output channels instead, one
    // output position at a time (the weights regrouped [c][u][v][o] first),
    // every tap that falls outside the input skipped.
    static constexpr bool by_position = out_width * sizeof(T) < 64 && Cout * sizeof(T) >= 32;

    static constexpr void forward_by_position(const T* w, const T* x, T* y) noexcept {
        const T* b = w + weight_count;
        std::array<T, weight_count> regrouped;
        T* wt = regrouped.data();
        for (std::size_t o = 0; o < Cout; ++o)
            for (std::size_t t = 0; t < Cin * KH * KW; ++t) wt[t * Cout + o] = w[o * Cin * KH * KW + t];
        for (std::size_t i = 0; i < out_height; ++i)
            for (std::size_t j = 0; j < out_width; ++j) {
                std::array<T, Cout> acc;
                T* a = acc.data();
                for (std::size_t o = 0; o < Cout; ++o) a[o] = b[o];
                for (std::size_t c = 0; c < Cin; ++c)
                    for (std::size_t u = 0; u < KH; ++u) {
                        if (i < rows::first[u] || i >= rows::end[u]) continue;
                        const T* xr = x + c * plane + (i * SH + u - PH) * W;
                        const T* wu = wt + (c * KH + u) * KW * Cout;
                        for (std::size_t v = 0; v < KW; ++v) {
                            if (j < columns::first[v] || j >= columns::end[v]) continue;
                            const T xv = xr[j * SW + v - PW];
                            const T* wv = wu + v * Cout;
                            CTNN_DETAIL_CONV_LOOP_NOT_UNROLLED
                            for (std::size_t o = 0; o < Cout; ++o) a[o] += wv[o] * xv;
                        }
                    }
                for (std::size_t o = 0; o < Cout; ++o) y[o * out_plane + i * out_width + j] = a[o];
            }
    }

    static constexpr void forward_blocked(const T* p, const T* x, T* y) noexcept {
        if constexpr (by_position) {
            forward_by_position(p, x, y);
            return;
        }
        const T* b = p + weight_count;
        std::array<T, Cin * H * padded_width> padded;
        pad_columns(x, padded.data());
        constexpr std::size_t full = Cout - Cout % channel_block;
        for (std::size_t i = 0; i < out_height; ++i) {
            for (std::size_t o0 = 0; o0 < full; o0 += channel_block)
                forward_row<channel_block>(p, b, padded.data(), y, o0, i, std::make_index_sequence<KW>{});
            if constexpr (Cout % channel_block != 0)
                forward_row<Cout % channel_block>(p, b, padded.data(), y, full, i, std::make_index_sequence<KW>{});
        }
    }

    // Raw pointers rather than std::array::operator[]: in constant evaluation
    // each call counts against the compiler's limits.
    static constexpr void forward(const T* p, const std::array<T, inputs>& x, std::array<T, outputs>& y) noexcept {
        if (!std::is_constant_evaluated()) {
            forward_blocked(p, x.data(), y.data());
            return;
        }
        const T* w = p;
        const T* b = p + weight_count;
        T* yp = y.data();
        for (std::size_t o = 0; o < Cout; ++o) {
            T* yo = yp + o * out_plane;
            for (std::size_t i = 0; i < out_plane; ++i) yo[i] = b[o];
            for (std::size_t c = 0; c < Cin; ++c) {
                const T* xc = x.data() + c * plane;
                for (std::size_t u = 0; u < KH; ++u) {
                    const std::size_t i0 = rows::first[u], i1 = rows::end[u];
                    for (std::size_t v = 0; v < KW; ++v, ++w) {
                        const T wv = *w;
                        const std::size_t j0 = columns::first[v], n = columns::end[v] - j0;
                        if (n == 0) continue;
                        // Offsets, not pointers, step between rows: no pointer leaves the arrays.
                        std::size_t xo = (i0 * SH + u - PH) * W + (j0 * SW + v - PW), yo_row = i0 * out_width + j0;
                        for (std::size_t i = i0; i < i1; ++i, xo += SH * W, yo_row += out_width) {
                            const T* xr = xc + xo;
                            T* yr = yo + yo_row;
                            for (std::size_t j = 0; j < n; ++j) yr[j] += wv * xr[j * SW];
                        }
                    }
                }
            }
        }
    }

    // Narrow rows (by_position): the lanes of every weight at once, vectorised
    // over the output channels (dy regrouped [position][o] first); each lane
    // (weight, column) sums over the rows in order from +0 and each weight's
    // gradient is its lanes in [first, end) in order from +0, as above. The
    // input gradient first (the constant evaluation's loops), then the
    // gradients are delivered in parameter order.
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward_by_position(const T* w, Sink& sink, const T* x, const T* dy, T* dx) noexcept {
        constexpr std::size_t taps = Cin * KH * KW;
        if constexpr (NeedInputGradient) {
            const T* wk = w;
            for (std::size_t o = 0; o < Cout; ++o)
                for (std::size_t c = 0; c < Cin; ++c)
                    for (std::size_t u = 0; u < KH; ++u)
                        for (std::size_t v = 0; v < KW; ++v, ++wk) {
                            const T wv = *wk;
                            for (std::size_t i = rows::first[u]; i < rows::end[u]; ++i)
                                for (std::size_t j = columns::first[v]; j < columns::end[v]; ++j)
                                    dx[c * plane + (i * SH + u - PH) * W + j * SW + v - PW] +=
                                        wv * dy[o * out_plane + i * out_width + j];
                        }
        }
        std::array<T, out_plane * Cout> regrouped;
        T* dyt = regrouped.data();
        for (std::size_t o = 0; o < Cout; ++o)
            for (std::size_t q = 0; q < out_plane; ++q) dyt[q * Cout + o] = dy[o * out_plane + q];
        std::array<T, taps * out_width * Cout> lanes{};
        T* l = lanes.data();
        for (std::size_t i = 0; i < out_height; ++i)
            for (std::size_t j = 0; j < out_width; ++j) {
                const T* d = dyt + (i * out_width + j) * Cout;
                for (std::size_t c = 0; c < Cin; ++c)
                    for (std::size_t u = 0; u < KH; ++u) {
                        if (i < rows::first[u] || i >= rows::end[u]) continue;
                        const T* xr = x + c * plane + (i * SH + u - PH) * W;
                        for (std::size_t v = 0; v < KW; ++v) {
                            if (j < columns::first[v] || j >= columns::end[v]) continue;
                            const T xv = xr[j * SW + v - PW];
                            T* lt = l + (((c * KH + u) * KW + v) * out_width + j) * Cout;
                            CTNN_DETAIL_CONV_LOOP_NOT_UNROLLED
                            for (std::size_t o = 0; o < Cout; ++o) lt[o] += d[o] * xv;
                        }
                    }
            }
        std::array<T, taps * Cout> sums{};
        T* g = sums.data();
        for (std::size_t t = 0; t < taps; ++t) {
            const std::size_t v = t % KW;
            T* gt = g + t * Cout;
            for (std::size_t j = columns::first[v]; j < columns::end[v]; ++j) {
                const T* lt = l + (t * out_width + j) * Cout;
                CTNN_DETAIL_CONV_LOOP_NOT_UNROLLED
                for (std::size_t o = 0; o < Cout; ++o) gt[o] += lt[o];
            }
        }
        std::size_t k = 0;
        for (std::size_t o = 0; o < Cout; ++o)
            for (std::size_t t = 0; t < taps; ++t, ++k) sink(k, g[t * Cout + o]);
    }

    // Run time: the weight gradients of one kernel row (o, c, u) together,
    // each still summed column by column over the rows in order into its
    // lane and the lanes added last in order (absolute columns: the same
    // values as the constant evaluation's lanes), delivered in parameter
    // order after the input gradient has read the weights (the input
    // gradient's sums keep their order: o, then u, then v).
    template <bool NeedInputGradient, class Sink, std::size_t... V>
    static constexpr void backward_blocked(const T* w, Sink& sink, const T* x, const T* dy, T* dx,
                                           std::index_sequence<V...>) noexcept {
        std::array<T, Cin * H * padded_width> padded;
        pad_columns(x, padded.data());
        std::array<T, KW * out_width> lanes;
        T* l = lanes.data();
        std::size_t k = 0;
        for (std::size_t o = 0; o < Cout; ++o) {
            const T* dyo = dy + o * out_plane;
            for (std::size_t c = 0; c < Cin; ++c) {
                [[maybe_unused]] T* dxc = dx + c * plane;
                for (std::size_t u = 0; u < KH; ++u, k += KW) {
                    for (std::size_t m = 0; m < KW * out_width; ++m) l[m] = T(0);
                    const T* wk = w + k;
                    for (std::size_t i = rows::first[u]; i < rows::end[u]; ++i) {
                        const std::size_t r = (i * SH + u - PH) * W;
                        // Lanes of columns outside [first, end) gather products with
                        // padding cells: they are never read.
                        const T* xr = padded.data() + (c * H + i * SH + u - PH) * padded_width;
                        const T* dyr = dyo + i * out_width;
                        (
                            [&] {
                                const T* xv = xr + V;
                                T* lv = l + V * out_width;
                                for (std::size_t j = 0; j < out_width; ++j) lv[j] += dyr[j] * xv[j * SW];
                            }(),
                            ...);
                        if constexpr (NeedInputGradient)
                            (
                                [&] {
                                    constexpr std::size_t j0 = columns::first[V], j1 = columns::end[V];
                                    T* dxv = dxc + r + (j0 * SW + V - PW);
                                    const T wv = wk[V];
                                    for (std::size_t j = j0; j < j1; ++j) dxv[(j - j0) * SW] += wv * dyr[j];
                                }(),
                                ...);
                    }
                    // The KW sums side by side (independent chains), each over all
                    // columns with those outside [first, end) turned into −0, which
                    // adds nothing: the sums of the lanes in [first, end) in order.
                    std::array<T, KW> g{};
                    for (std::size_t j = 0; j < out_width; ++j)
                        ((g[V] += std::bit_cast<T>((std::bit_cast<bits>(l[V * out_width + j]) & masks.keep[V][j]) |
                                                   masks.minus_zero[V][j])),
                         ...);
                    (sink(k + V, g[V]), ...);
                }
            }
        }
    }

    // dE/db[o] = Σ dy[o], dE/dW[o][c][u][v] = Σ_{i,j} dy[o][i][j]·x[c][i·S + u − P][j·S + v − P],
    // dx = the same taps scattered back. A weight is shared by every output
    // position: its gradient is complete only after all of them, so each is
    // summed here and delivered once, after the weight's last read (for dx);
    // the fused training step may update it in place at once.
    // Each weight's sum over positions goes column by column into `lane`
    // (vectorisable along a row), the columns added last, in order.
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T* p, Sink& sink, const std::array<T, inputs>& x,
                                   const std::array<T, outputs>&, const std::array<T, outputs>& dy,
                                   std::array<T, inputs>& dx) noexcept {
        const T* w = p;
        const T* dyp = dy.data();
        T* dxp = dx.data();
        if constexpr (NeedInputGradient)
            for (std::size_t k = 0; k < inputs; ++k) dxp[k] = T(0);
        std::array<T, Cout> bias_gradient{};
        if (!std::is_constant_evaluated()) {
            // The same sums (each from +0 over its plane in order), the Cout
            // chains side by side rather than one after the other.
            T* bg = bias_gradient.data();
            for (std::size_t i = 0; i < out_plane; ++i)
                for (std::size_t o = 0; o < Cout; ++o) bg[o] += dyp[o * out_plane + i];
        } else {
            for (std::size_t o = 0; o < Cout; ++o) {
                const T* dyo = dyp + o * out_plane;
                T sum = T(0);
                for (std::size_t i = 0; i < out_plane; ++i) sum += dyo[i];
                bias_gradient[o] = sum;
            }
        }
        sink.row(weight_count, bias_gradient.data(), Cout);
        if (!std::is_constant_evaluated()) {
            if constexpr (by_position)
                backward_by_position<NeedInputGradient>(w, sink, x.data(), dyp, dxp);
            else backward_blocked<NeedInputGradient>(w, sink, x.data(), dyp, dxp, std::make_index_sequence<KW>{});
            return;
        }
        std::size_t k = 0;
        for (std::size_t o = 0; o < Cout; ++o) {
            const T* dyo = dyp + o * out_plane;
            for (std::size_t c = 0; c < Cin; ++c) {
                const T* xc = x.data() + c * plane;
                T* dxc = dxp + c * plane;
                for (std::size_t u = 0; u < KH; ++u) {
                    const std::size_t i0 = rows::first[u], i1 = rows::end[u];
                    for (std::size_t v = 0; v < KW; ++v, ++k) {
                        const std::size_t j0 = columns::first[v], n = columns::end[v] - j0;
                        std::array<T, out_width> lane{};
                        T* l = lane.data();
                        const T wv = w[k];
                        std::size_t xo = (i0 * SH + u - PH) * W + (j0 * SW + v - PW), yo_row = i0 * out_width + j0;
                        for (std::size_t i = i0; i < i1 && n > 0; ++i, xo += SH * W, yo_row += out_width) {
                            const T* xr = xc + xo;
                            const T* dyr = dyo + yo_row;
                            [[maybe_unused]] T* dxr = dxc + xo;
                            for (std::size_t j = 0; j < n; ++j) l[j] += dyr[j] * xr[j * SW];
                            if constexpr (NeedInputGradient)
                                for (std::size_t j = 0; j < n; ++j) dxr[j * SW] += wv * dyr[j];
                        }
                        T g = T(0);
                        for (std::size_t j = 0; j < n; ++j) g += l[j];
                        sink(k, g);
                    }
                }
            }
        }
    }
};

namespace detail {

template <class ConvLayerInputChannels, class ConvLayerOutputChannels, class KernelSize, class Stride>
struct check_conv_sizes_not_zero {
    static_assert(ConvLayerInputChannels::value > 0 && ConvLayerOutputChannels::value > 0,
                  "ctnn::conv1d/conv2d<InChannels, OutChannels, Kernel, Stride, Padding>: a convolution needs at "
                  "least one input and one output channel");
    static_assert(KernelSize::value > 0,
                  "ctnn::conv1d/conv2d<InChannels, OutChannels, Kernel, Stride, Padding>: the kernel size must be "
                  "at least 1");
    static_assert(Stride::value > 0,
                  "ctnn::conv1d/conv2d<InChannels, OutChannels, Kernel, Stride, Padding>: the stride must be at "
                  "least 1 (a stride of 0 never moves the kernel)");
    static constexpr bool value = true;
};

// Raised where a conv2d (conv1d) meets the shape the layer before it gives.
template <class PreviousLayerDimensions, class ExpectedDimensions>
struct check_convolution_gets_a_shape {
    static_assert(PreviousLayerDimensions::value == ExpectedDimensions::value,
                  "ctnn::conv1d/conv2d: the layer before gives values of another shape: conv2d reads "
                  "shape<Channels, Height, Width> and conv1d shape<Channels, Length> (start the network with "
                  "ctnn::input<C, H, W> or ctnn::input<C, L>; a dense layer gives a flat vector)");
    static constexpr bool value = true;
};

template <class PreviousLayerChannels, class LayerInputChannels>
struct check_convolution_channels_match_previous_layer {
    static_assert(PreviousLayerChannels::value == LayerInputChannels::value,
                  "ctnn::conv1d/conv2d<InChannels, ...>: InChannels must be the number of channels the layer "
                  "before gives (the first dimension of its shape)");
    static constexpr bool value = true;
};

template <class KernelSize, class PaddedInput>
struct check_kernel_fits_padded_input {
    static_assert(KernelSize::value <= PaddedInput::value,
                  "ctnn::conv1d/conv2d/max_pool/avg_pool: the kernel (window) is larger than the input plus its "
                  "padding on both sides: there is no position to put it");
    static constexpr bool value = true;
};

template <class Shape, std::size_t Rank>
constexpr std::size_t dimension_or_one(std::size_t k) {
    return Shape::rank == Rank ? Shape::dimensions[k] : 1;
}

template <class T, class Shape, std::size_t Cin, std::size_t Cout, std::size_t K, std::size_t S, std::size_t P>
struct bind_conv2d {
    static_assert(check_conv_sizes_not_zero<size::layer_input_channels<Cin>, size::layer_output_channels<Cout>,
                                            size::kernel_size<K>, size::stride<S>>::value);
    static_assert(check_convolution_gets_a_shape<size::previous_layer_dimensions<Shape::rank>,
                                                 size::layer_reads_dimensions<3>>::value);
    static constexpr std::size_t C = dimension_or_one<Shape, 3>(0);
    static constexpr std::size_t H = Shape::rank == 3 ? Shape::dimensions[1] : K;
    static constexpr std::size_t W = Shape::rank == 3 ? Shape::dimensions[2] : K;
    static_assert(Shape::rank != 3 ||
                  check_convolution_channels_match_previous_layer<size::previous_layer_channels<C>,
                                                                  size::layer_input_channels<Cin>>::value);
    static_assert(Shape::rank != 3 ||
                  (check_kernel_fits_padded_input<size::kernel_size<K>, size::padded_input_height<H + 2 * P>>::value &&
                   check_kernel_fits_padded_input<size::kernel_size<K>, size::padded_input_width<W + 2 * P>>::value));
    static constexpr bool ok = Shape::rank == 3 && C == Cin && K > 0 && S > 0 && K <= H + 2 * P && K <= W + 2 * P &&
                               Cin > 0 && Cout > 0;
    // After a failed check: a stand-in that takes the input as it is, so no
    // second error follows from the first.
    static constexpr std::size_t Coutb = Cout > 0 ? Cout : 1;
    using stand_in = conv_layer<T, Shape::size, 1, 1, Coutb, 1, 1, 1, 1, 0, 0, shape<Coutb, 1, 1>>;
    using type = std::conditional_t<ok,
                                    conv_layer<T, Cin, H, W, Cout, K, K, S, S, P, P,
                                               shape<Cout, window_axis<H, K, S, P>::out, window_axis<W, K, S, P>::out>>,
                                    stand_in>;
};

template <class T, class Shape, std::size_t Cin, std::size_t Cout, std::size_t K, std::size_t S, std::size_t P>
struct bind_conv1d {
    static_assert(check_conv_sizes_not_zero<size::layer_input_channels<Cin>, size::layer_output_channels<Cout>,
                                            size::kernel_size<K>, size::stride<S>>::value);
    static_assert(check_convolution_gets_a_shape<size::previous_layer_dimensions<Shape::rank>,
                                                 size::layer_reads_dimensions<2>>::value);
    static constexpr std::size_t C = dimension_or_one<Shape, 2>(0);
    static constexpr std::size_t L = Shape::rank == 2 ? Shape::dimensions[1] : K;
    static_assert(Shape::rank != 2 ||
                  check_convolution_channels_match_previous_layer<size::previous_layer_channels<C>,
                                                                  size::layer_input_channels<Cin>>::value);
    static_assert(Shape::rank != 2 ||
                  check_kernel_fits_padded_input<size::kernel_size<K>, size::padded_input_length<L + 2 * P>>::value);
    static constexpr bool ok = Shape::rank == 2 && C == Cin && K > 0 && S > 0 && K <= L + 2 * P && Cin > 0 && Cout > 0;
    static constexpr std::size_t Coutb = Cout > 0 ? Cout : 1;
    using stand_in = conv_layer<T, Shape::size, 1, 1, Coutb, 1, 1, 1, 1, 0, 0, shape<Coutb, 1>>;
    using type = std::conditional_t<
        ok, conv_layer<T, Cin, 1, L, Cout, 1, K, 1, S, 0, P, shape<Cout, window_axis<L, K, S, P>::out>>, stand_in>;
};

} // namespace detail

// 2-D convolution (PyTorch's Conv2d(InChannels, OutChannels, Kernel, Stride,
// Padding)): reads shape<InChannels, H, W>.
template <std::size_t InChannels, std::size_t OutChannels, std::size_t Kernel, std::size_t Stride = 1,
          std::size_t Padding = 0>
struct conv2d {
    static constexpr std::size_t in_channels = InChannels, out_channels = OutChannels, kernel = Kernel,
                                 stride = Stride, padding = Padding;
    template <class T, class Shape>
    using bind_shape = typename detail::bind_conv2d<T, Shape, InChannels, OutChannels, Kernel, Stride, Padding>::type;
    template <class T, std::size_t Inputs>
    using bind = bind_shape<T, shape<Inputs>>; // a flat input: the shape check says so
};

// 1-D convolution (PyTorch's Conv1d(InChannels, OutChannels, Kernel, Stride,
// Padding)): reads shape<InChannels, Length>.
template <std::size_t InChannels, std::size_t OutChannels, std::size_t Kernel, std::size_t Stride = 1,
          std::size_t Padding = 0>
struct conv1d {
    static constexpr std::size_t in_channels = InChannels, out_channels = OutChannels, kernel = Kernel,
                                 stride = Stride, padding = Padding;
    template <class T, class Shape>
    using bind_shape = typename detail::bind_conv1d<T, Shape, InChannels, OutChannels, Kernel, Stride, Padding>::type;
    template <class T, std::size_t Inputs>
    using bind = bind_shape<T, shape<Inputs>>;
};

} // namespace ctnn
