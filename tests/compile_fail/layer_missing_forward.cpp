// expect: ctnn: a layer needs static constexpr void forward
#include <ctnn/ctnn.hpp>
template <class T, std::size_t N>
struct pass_through_layer {
    using scalar = T;
    static constexpr std::size_t inputs = N, outputs = N, parameter_count = 0;
#ifndef CTNN_COMPILE_FAIL
    static constexpr void forward(const T*, const std::array<T, N>& x, std::array<T, N>& y) noexcept { y = x; }
#endif
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T*, Sink&, const std::array<T, N>&, const std::array<T, N>&,
                                   const std::array<T, N>& dy, std::array<T, N>& dx) noexcept {
        if constexpr (NeedInputGradient) dx = dy;
    }
};
struct pass_through {
    template <class T, std::size_t Inputs>
    using bind = pass_through_layer<T, Inputs>;
};
using net_t = ctnn::network<double, ctnn::dense<2, 3>, pass_through, ctnn::dense<3, 1>>;
static_assert(net_t::parameter_count == 13);
