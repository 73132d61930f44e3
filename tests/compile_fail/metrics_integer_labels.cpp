// expect: the targets are integer class labels .*ctnn::one_hot<Classes>\(labels\)
// Integer labels passed where target rows are expected; the twin passes one_hot rows.
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 3>>;
constexpr auto net = ctnn::make_network<net_t>(1);
constexpr std::array<std::array<double, 2>, 2> xs{{{0.5, 0.25}, {1.0, -1.0}}};
constexpr std::array<std::uint8_t, 2> labels{0, 2};
#ifdef CTNN_COMPILE_FAIL
constexpr double a = ctnn::accuracy(net, xs, labels);
#else
constexpr double a = ctnn::accuracy(net, xs, ctnn::one_hot<3>(labels));
#endif
static_assert(a >= 0.0);
