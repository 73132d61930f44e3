// expect: InChannels must be the number of channels the layer before gives
// The first convolution gives 4 channels; the second declares 3.
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::input<1, 8, 8>, ctnn::conv2d<1, 4, 3>, ctnn::relu, ctnn::conv2d<3, 2, 3>>;
#else
using net_t = ctnn::network<double, ctnn::input<1, 8, 8>, ctnn::conv2d<1, 4, 3>, ctnn::relu, ctnn::conv2d<4, 2, 3>>;
#endif
static_assert(net_t::parameter_count > 0);
