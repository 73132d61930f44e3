// expect: conv2d reads shape<Channels, Height, Width>
// A dense layer gives a flat vector; a convolution needs an image.
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::dense<4, 16>, ctnn::conv2d<1, 2, 3>>;
#else
using net_t = ctnn::network<double, ctnn::input<1, 4, 4>, ctnn::conv2d<1, 2, 3>>;
#endif
static_assert(net_t::parameter_count > 0);
