// expect: ctnn::input<N> may only be the first entry of the layer list
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::dense<2, 2>, ctnn::input<2>, ctnn::relu>;
#else
using net_t = ctnn::network<double, ctnn::input<2>, ctnn::dense<2, 2>, ctnn::relu>;
#endif
static_assert(net_t::layer_count == 2);
