// expect: the stride must be at least 1
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::input<1, 8>, ctnn::conv1d<1, 2, 3, 0>>;
#else
using net_t = ctnn::network<double, ctnn::input<1, 8>, ctnn::conv1d<1, 2, 3, 1>>;
#endif
static_assert(net_t::parameter_count > 0);
