// expect: the input has a different size than the network's input layer
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::tanh, ctnn::dense<3, 1>>;
constexpr auto net = ctnn::make_network<net_t>(1);
#ifdef CTNN_COMPILE_FAIL
constexpr std::array<double, 3> x{0.5, 0.25, 1.0};
#else
constexpr std::array<double, 2> x{0.5, 0.25};
#endif
static_assert(net.forward(x)[0] == net.forward(x)[0]);
