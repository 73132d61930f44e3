// ctnn/core/pool.hpp - pooling layers: max_pool1d/2d and avg_pool1d/2d.
//
// max_pool2d<Kernel, Stride = Kernel> reads shape<C, H, W> and gives
// shape<C, H', W'>, H' = (H − Kernel) / Stride + 1: the maximum (the mean) of
// each Kernel × Kernel window, channel by channel (PyTorch's MaxPool2d /
// AvgPool2d without padding; windows that do not fit are dropped, as PyTorch's
// floor mode). The 1-D forms read shape<C, L>. No parameters.
//
// Max pooling is piecewise: each window's output is one of its inputs, the
// (first) largest. Backward sends the window's gradient to that input, as
// PyTorch does. Where two inputs tie for the maximum the function has a kink;
// same_piece (asked by gradient checks) says whether two inputs select the
// same set of maxima in every window, so no central difference is taken
// across a change of the argmax (see same_piece below).
#pragma once

#include <ctnn/core/conv.hpp>
#include <ctnn/core/shape.hpp>
#include <ctnn/core/size.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn {

enum class pooling { max, average };

template <class T, pooling Kind, std::size_t C, std::size_t H, std::size_t W, std::size_t KH, std::size_t KW,
          std::size_t SH, std::size_t SW, class OutputShape>
struct pool_layer {
    using rows = detail::window_axis<H, KH, SH, 0>;
    using columns = detail::window_axis<W, KW, SW, 0>;
    static constexpr pooling kind = Kind;
    static constexpr std::size_t channels = C, height = H, width = W, out_height = rows::out,
                                 out_width = columns::out;
    static constexpr std::size_t kernel_height = KH, kernel_width = KW, stride_height = SH, stride_width = SW;

    using scalar = T;
    using output_shape = OutputShape;
    static constexpr std::size_t inputs = C * H * W;
    static constexpr std::size_t outputs = C * out_height * out_width;
    static constexpr std::size_t parameter_count = 0;
    static constexpr std::size_t window = KH * KW;

    // Index (into x) of the first largest input of output k's window.
    static constexpr std::size_t argmax(const T* x, std::size_t c, std::size_t i, std::size_t j) noexcept {
        const std::size_t start = c * H * W + i * SH * W + j * SW;
        std::size_t best = start;
        T m = x[start];
        for (std::size_t u = 0; u < KH; ++u) {
            const T* xr = x + start + u * W;
            for (std::size_t v = 0; v < KW; ++v)
                if (xr[v] > m) {
                    m = xr[v];
                    best = start + u * W + v;
                }
        }
        return best;
    }

    static constexpr void forward(const T*, const std::array<T, inputs>& x, std::array<T, outputs>& y) noexcept {
        const T* xp = x.data();
        T* yp = y.data();
        for (std::size_t c = 0; c < C; ++c)
            for (std::size_t i = 0; i < out_height; ++i)
                for (std::size_t j = 0; j < out_width; ++j, ++yp) {
                    const T* xw = xp + c * H * W + i * SH * W + j * SW;
                    if constexpr (Kind == pooling::max) {
                        T m = xw[0];
                        for (std::size_t u = 0; u < KH; ++u)
                            for (std::size_t v = 0; v < KW; ++v)
                                if (xw[u * W + v] > m) m = xw[u * W + v];
                        *yp = m;
                    } else {
                        T sum = T(0);
                        for (std::size_t u = 0; u < KH; ++u)
                            for (std::size_t v = 0; v < KW; ++v) sum += xw[u * W + v];
                        *yp = sum / static_cast<T>(window);
                    }
                }
    }

    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T*, Sink&, const std::array<T, inputs>& x, const std::array<T, outputs>&,
                                   const std::array<T, outputs>& dy, std::array<T, inputs>& dx) noexcept {
        if constexpr (NeedInputGradient) {
            const T* dyp = dy.data();
            T* dxp = dx.data();
            for (std::size_t k = 0; k < inputs; ++k) dxp[k] = T(0);
            for (std::size_t c = 0; c < C; ++c)
                for (std::size_t i = 0; i < out_height; ++i)
                    for (std::size_t j = 0; j < out_width; ++j, ++dyp) {
                        if constexpr (Kind == pooling::max) {
                            dxp[argmax(x.data(), c, i, j)] += *dyp;
                        } else {
                            const T g = *dyp / static_cast<T>(window);
                            T* dxw = dxp + c * H * W + i * SH * W + j * SW;
                            for (std::size_t u = 0; u < KH; ++u)
                                for (std::size_t v = 0; v < KW; ++v) dxw[u * W + v] += g;
                        }
                    }
        }
    }

    // Max pooling: a and b lie on the same smooth piece when every window
    // has the same set of maximal inputs in both. A unique argmax that stays
    // is the usual case; a tie that a perturbation breaks (or creates) is a
    // kink and is reported. A tie that holds in both (inputs that move
    // together, such as a convolution's bias over a blank patch of the image,
    // or zeros from a ReLU) is kept: the maximum is then the tied inputs'
    // common value, smooth along the perturbation, and backward's choice of
    // the first of them gives its derivative.
    static constexpr bool same_piece(const std::array<T, inputs>& a, const std::array<T, inputs>& b) noexcept
        requires(Kind == pooling::max)
    {
        const T* ap = a.data();
        const T* bp = b.data();
        for (std::size_t c = 0; c < C; ++c)
            for (std::size_t i = 0; i < out_height; ++i)
                for (std::size_t j = 0; j < out_width; ++j) {
                    const std::size_t start = c * H * W + i * SH * W + j * SW;
                    const T ma = ap[argmax(ap, c, i, j)], mb = bp[argmax(bp, c, i, j)];
                    for (std::size_t u = 0; u < KH; ++u)
                        for (std::size_t v = 0; v < KW; ++v) {
                            const std::size_t at = start + u * W + v;
                            if ((ap[at] == ma) != (bp[at] == mb)) return false;
                        }
                }
        return true;
    }
};

namespace detail {

template <class KernelSize, class Stride>
struct check_pool_sizes_not_zero {
    static_assert(KernelSize::value > 0, "ctnn::max_pool/avg_pool<Kernel, Stride>: the window must be at least 1 wide");
    static_assert(Stride::value > 0,
                  "ctnn::max_pool/avg_pool<Kernel, Stride>: the stride must be at least 1 (a stride of 0 never "
                  "moves the window)");
    static constexpr bool value = true;
};

template <class PreviousLayerDimensions, class ExpectedDimensions>
struct check_pooling_gets_a_shape {
    static_assert(PreviousLayerDimensions::value == ExpectedDimensions::value,
                  "ctnn::max_pool2d/avg_pool2d read shape<Channels, Height, Width>, max_pool1d/avg_pool1d "
                  "shape<Channels, Length>: the layer before gives values of another shape");
    static constexpr bool value = true;
};

template <class T, class Shape, pooling Kind, std::size_t K, std::size_t S>
struct bind_pool2d {
    static_assert(check_pool_sizes_not_zero<size::kernel_size<K>, size::stride<S>>::value);
    static_assert(check_pooling_gets_a_shape<size::previous_layer_dimensions<Shape::rank>,
                                             size::layer_reads_dimensions<3>>::value);
    static constexpr std::size_t C = dimension_or_one<Shape, 3>(0);
    static constexpr std::size_t H = Shape::rank == 3 ? Shape::dimensions[1] : K;
    static constexpr std::size_t W = Shape::rank == 3 ? Shape::dimensions[2] : K;
    static_assert(Shape::rank != 3 ||
                  (check_kernel_fits_padded_input<size::kernel_size<K>, size::padded_input_height<H>>::value &&
                   check_kernel_fits_padded_input<size::kernel_size<K>, size::padded_input_width<W>>::value));
    static constexpr bool ok = Shape::rank == 3 && K > 0 && S > 0 && K <= H && K <= W;
    // After a failed check: a stand-in that takes the input as it is.
    using stand_in = pool_layer<T, Kind, Shape::size, 1, 1, 1, 1, 1, 1, shape<Shape::size, 1, 1>>;
    using type = std::conditional_t<
        ok, pool_layer<T, Kind, C, H, W, K, K, S, S, shape<C, window_axis<H, K, S, 0>::out, window_axis<W, K, S, 0>::out>>,
        stand_in>;
};

template <class T, class Shape, pooling Kind, std::size_t K, std::size_t S>
struct bind_pool1d {
    static_assert(check_pool_sizes_not_zero<size::kernel_size<K>, size::stride<S>>::value);
    static_assert(check_pooling_gets_a_shape<size::previous_layer_dimensions<Shape::rank>,
                                             size::layer_reads_dimensions<2>>::value);
    static constexpr std::size_t C = dimension_or_one<Shape, 2>(0);
    static constexpr std::size_t L = Shape::rank == 2 ? Shape::dimensions[1] : K;
    static_assert(Shape::rank != 2 ||
                  check_kernel_fits_padded_input<size::kernel_size<K>, size::padded_input_length<L>>::value);
    static constexpr bool ok = Shape::rank == 2 && K > 0 && S > 0 && K <= L;
    using stand_in = pool_layer<T, Kind, Shape::size, 1, 1, 1, 1, 1, 1, shape<Shape::size, 1>>;
    using type = std::conditional_t<ok, pool_layer<T, Kind, C, 1, L, 1, K, 1, S, shape<C, window_axis<L, K, S, 0>::out>>,
                                    stand_in>;
};

} // namespace detail

// PyTorch's MaxPool2d(Kernel, Stride) / AvgPool2d(Kernel, Stride): shape<C, H, W> in.
template <std::size_t Kernel, std::size_t Stride = Kernel>
struct max_pool2d {
    static constexpr std::size_t kernel = Kernel, stride = Stride;
    template <class T, class Shape>
    using bind_shape = typename detail::bind_pool2d<T, Shape, pooling::max, Kernel, Stride>::type;
    template <class T, std::size_t Inputs>
    using bind = bind_shape<T, shape<Inputs>>;
};

template <std::size_t Kernel, std::size_t Stride = Kernel>
struct avg_pool2d {
    static constexpr std::size_t kernel = Kernel, stride = Stride;
    template <class T, class Shape>
    using bind_shape = typename detail::bind_pool2d<T, Shape, pooling::average, Kernel, Stride>::type;
    template <class T, std::size_t Inputs>
    using bind = bind_shape<T, shape<Inputs>>;
};

// PyTorch's MaxPool1d(Kernel, Stride) / AvgPool1d(Kernel, Stride): shape<C, L> in.
template <std::size_t Kernel, std::size_t Stride = Kernel>
struct max_pool1d {
    static constexpr std::size_t kernel = Kernel, stride = Stride;
    template <class T, class Shape>
    using bind_shape = typename detail::bind_pool1d<T, Shape, pooling::max, Kernel, Stride>::type;
    template <class T, std::size_t Inputs>
    using bind = bind_shape<T, shape<Inputs>>;
};

template <std::size_t Kernel, std::size_t Stride = Kernel>
struct avg_pool1d {
    static constexpr std::size_t kernel = Kernel, stride = Stride;
    template <class T, class Shape>
    using bind_shape = typename detail::bind_pool1d<T, Shape, pooling::average, Kernel, Stride>::type;
    template <class T, std::size_t Inputs>
    using bind = bind_shape<T, shape<Inputs>>;
};

} // namespace ctnn
