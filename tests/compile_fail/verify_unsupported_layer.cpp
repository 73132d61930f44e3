// expect: no interval bounds for this layer type; specialise ctnn::interval_transfer<Layer>
// A user layer the verifier knows nothing about is refused, naming the trait
// to specialise; the twin uses a built-in layer in its place.
#include <ctnn/ctnn.hpp>

template <class T, std::size_t N>
struct negate_layer {
    using scalar = T;
    static constexpr std::size_t inputs = N, outputs = N, parameter_count = 0;
    static constexpr void forward(const T*, const std::array<T, N>& x, std::array<T, N>& y) noexcept {
        for (std::size_t i = 0; i < N; ++i) y[i] = -x[i];
    }
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T*, Sink&, const std::array<T, N>&, const std::array<T, N>&,
                                   const std::array<T, N>& dy, std::array<T, N>& dx) noexcept {
        if constexpr (NeedInputGradient)
            for (std::size_t i = 0; i < N; ++i) dx[i] = -dy[i];
    }
};
struct negate {
    template <class T, std::size_t Inputs>
    using bind = negate_layer<T, Inputs>;
};

#ifdef CTNN_COMPILE_FAIL
using middle = negate;
#else
using middle = ctnn::identity;
#endif

using net_t = ctnn::network<double, ctnn::dense<2, 3>, middle, ctnn::dense<3, 1>>;
constexpr auto net = ctnn::make_network<net_t>(1);
static_assert(ctnn::output_bounds(net, ctnn::box<double, 2>{{0.0, 0.0}, {1.0, 1.0}}).upper[0] < 100.0);
