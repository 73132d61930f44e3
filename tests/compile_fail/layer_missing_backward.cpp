// expect: ctnn: a layer needs template <bool NeedInputGradient, class Sink> static constexpr void backward
// A user layer without backward: one error, naming the member (docs/extending.md).
#include <ctnn/ctnn.hpp>
template <class T, std::size_t N>
struct pass_through_layer {
    using scalar = T;
    static constexpr std::size_t inputs = N, outputs = N, parameter_count = 0;
    static constexpr void forward(const T*, const std::array<T, N>& x, std::array<T, N>& y) noexcept { y = x; }
#ifndef CTNN_COMPILE_FAIL
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T*, Sink&, const std::array<T, N>&, const std::array<T, N>&,
                                   const std::array<T, N>& dy, std::array<T, N>& dx) noexcept {
        if constexpr (NeedInputGradient) dx = dy;
    }
#endif
};
struct pass_through {
    template <class T, std::size_t Inputs>
    using bind = pass_through_layer<T, Inputs>;
};
using net_t = ctnn::network<double, ctnn::dense<2, 3>, pass_through, ctnn::dense<3, 1>>;
constexpr auto net = ctnn::make_network<net_t>(1);
static_assert(ctnn::gradient_check(net, ctnn::mse{}, std::array<double, 2>{1, 2}, std::array<double, 1>{1}).passed);
