// expect: the first layer must have sizes
// An activation takes its width from the layer before it; there is none.
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::relu, ctnn::dense<2, 1>>;
#else
using net_t = ctnn::network<double, ctnn::input<2>, ctnn::relu, ctnn::dense<2, 1>>;
#endif
static_assert(net_t::input_size == 2);
