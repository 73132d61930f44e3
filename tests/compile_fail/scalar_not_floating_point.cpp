// expect: Scalar must be float or double
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<int, ctnn::dense<2, 1>>;
#else
using net_t = ctnn::network<float, ctnn::dense<2, 1>>;
#endif
static_assert(net_t::parameter_count == 3);
