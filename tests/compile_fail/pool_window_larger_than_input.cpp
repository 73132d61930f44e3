// expect: the kernel \(window\) is larger than the input
// After a 3×3 convolution a 4×4 image is 2×2: a 3×3 pooling window does not fit.
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::input<1, 4, 4>, ctnn::conv2d<1, 2, 3>, ctnn::max_pool2d<3>>;
#else
using net_t = ctnn::network<double, ctnn::input<1, 4, 4>, ctnn::conv2d<1, 2, 3>, ctnn::max_pool2d<2>>;
#endif
static_assert(net_t::parameter_count > 0);
