// expect: a sequence layer \(gru, lstm, each_step, last_step\) needs a sequence as input
// A GRU after a dense layer's flat output: it needs shape<Steps, Features>.
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::dense<4, 6>, ctnn::gru<3>>;
#else
using net_t = ctnn::network<double, ctnn::input<3, 2>, ctnn::gru<3>>;
#endif
static_assert(net_t::parameter_count > 0);
