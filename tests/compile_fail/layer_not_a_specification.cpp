// expect: every entry of the layer list needs
// A type that is not a layer specification in the layer list.
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::dense<2, 3>, double, ctnn::dense<3, 1>>;
#else
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::relu, ctnn::dense<3, 1>>;
#endif
static_assert(net_t::parameter_count == 13);
