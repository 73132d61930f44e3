// expect: ctnn::batch_norm<MomentumNum, MomentumDen, EpsilonNum, EpsilonDen>: the momentum must be in
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::batch_norm<1, 10, 0, 1>, ctnn::dense<3, 1>>; // ε = 0
#else
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::batch_norm<1, 10, 1, 1000>, ctnn::dense<3, 1>>;
#endif
static_assert(net_t::parameter_count == 9 + 12 + 4);
