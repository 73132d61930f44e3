// expect: the target \(what the loss compares the output with\) has a different size than the network's output
// The network has one output; the target given to the loss has two.
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::tanh, ctnn::dense<3, 1>>;
constexpr auto net = ctnn::make_network<net_t>(1);
constexpr std::array<double, 2> x{0.5, 0.25};
#ifdef CTNN_COMPILE_FAIL
constexpr std::array<double, 2> d{1.0, 2.0};
#else
constexpr std::array<double, 1> d{1.0};
#endif
static_assert(ctnn::backprop(net, ctnn::mse{}, x, d).loss >= 0);
