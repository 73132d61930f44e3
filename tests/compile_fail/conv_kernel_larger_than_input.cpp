// expect: the kernel \(window\) is larger than the input plus its padding
// A 5×5 kernel on a 3×3 image padded by 1 on each side (5 would fit; 3 + 2·0 does not).
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::input<1, 3, 3>, ctnn::conv2d<1, 2, 5>>;
#else
using net_t = ctnn::network<double, ctnn::input<1, 3, 3>, ctnn::conv2d<1, 2, 5, 1, 1>>;
#endif
static_assert(net_t::parameter_count > 0);
