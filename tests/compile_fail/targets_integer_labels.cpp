// expect: targets must be arrays of the network's scalar type; for class labels \(integers\) make one-hot rows with ctnn::one_hot<Classes>\(labels\)
// An integer class label passed as the target of a 3-class network; the twin passes its one-hot row.
#include <ctnn/core/initialise.hpp>
#include <ctnn/core/layers.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/grad/backprop.hpp>
#include <ctnn/grad/loss.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 3>>;
constexpr auto net = ctnn::make_network<net_t>(1);
constexpr std::array<double, 2> x{0.5, 0.25};
#ifdef CTNN_COMPILE_FAIL
constexpr std::array<int, 3> d{0, 1, 0};
#else
constexpr std::array<double, 3> d{0.0, 1.0, 0.0};
#endif
static_assert(ctnn::backprop(net, ctnn::softmax_cross_entropy{}, x, d).loss >= 0);
