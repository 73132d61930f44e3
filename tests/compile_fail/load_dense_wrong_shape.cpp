// expect: the weights must be \[LayerInputs\]\[LayerOutputs\]
// Pre-trained weights of the wrong shape: [3][2] given for a dense<2, 3>.
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::relu, ctnn::dense<3, 1>>;
constexpr net_t load() {
    net_t net{};
#ifdef CTNN_COMPILE_FAIL
    constexpr std::array<std::array<double, 2>, 3> w{{{1, 2}, {3, 4}, {5, 6}}};
#else
    constexpr std::array<std::array<double, 3>, 2> w{{{1, 2, 3}, {4, 5, 6}}};
#endif
    constexpr std::array<double, 3> b{0.5, 0.5, 0.5};
    ctnn::load_dense<0>(net, w, b);
    return net;
}
static_assert(load().parameters[0] == 1);
