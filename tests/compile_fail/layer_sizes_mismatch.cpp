// expect: must take as many inputs as the layer before it gives
// The hidden layer gives 10 outputs; the next dense layer declares 5 inputs.
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::dense<2, 10>, ctnn::relu, ctnn::dense<5, 1>>;
#else
using net_t = ctnn::network<double, ctnn::dense<2, 10>, ctnn::relu, ctnn::dense<10, 1>>;
#endif
static_assert(net_t::parameter_count > 0);
