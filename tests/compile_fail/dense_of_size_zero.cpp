// expect: a dense layer needs at least one input and one output
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::dense<2, 0>>;
#else
using net_t = ctnn::network<double, ctnn::dense<2, 1>>;
#endif
static_assert(net_t::parameter_count > 0);
