// expect: gelu is not supported by the verifier
// The verifier refuses an activation it cannot bound soundly, in words; the
// twin bounds the same network with tanh.
#include <ctnn/ctnn.hpp>

#ifdef CTNN_COMPILE_FAIL
using hidden = ctnn::gelu;
#else
using hidden = ctnn::tanh;
#endif

using net_t = ctnn::network<double, ctnn::dense<2, 3>, hidden, ctnn::dense<3, 1>>;
constexpr auto net = ctnn::make_network<net_t>(1);
static_assert(ctnn::output_bounds(net, ctnn::box<double, 2>{{0.0, 0.0}, {1.0, 1.0}}).upper[0] < 100.0);
