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
#include <cstddef>
#include <type_traits>

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

    // Raw pointers rather than std::array::operator[]: in constant evaluation
    // each call counts against the compiler's limits.
    static constexpr void forward(const T* p, const std::array<T, inputs>& x, std::array<T, outputs>& y) noexcept {
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
        for (std::size_t o = 0; o < Cout; ++o) {
            const T* dyo = dyp + o * out_plane;
            T sum = T(0);
            for (std::size_t i = 0; i < out_plane; ++i) sum += dyo[i];
            bias_gradient[o] = sum;
        }
        sink.row(weight_count, bias_gradient.data(), Cout);
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
