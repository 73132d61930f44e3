// expect: inputs and targets must have the network's scalar type
// A float sample given to a double network.
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 1>>;
constexpr auto net = ctnn::make_network<net_t>(1);
#ifdef CTNN_COMPILE_FAIL
constexpr std::array<float, 2> x{0.5f, 0.25f};
#else
constexpr std::array<double, 2> x{0.5, 0.25};
#endif
constexpr std::array<double, 1> d{1.0};
static_assert(ctnn::loss_value(net, ctnn::mse{}, x, d) >= 0);
