// expect: a network needs at least one layer
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double>;
#else
using net_t = ctnn::network<double, ctnn::dense<1, 1>>;
#endif
static_assert(net_t::parameter_count >= 0);
