// expect: ctnn::stream: this layer cannot run one step at a time
// A dense layer over the whole window (all steps' hidden states at once)
// cannot run one sample at a time; after last_step it can.
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<float, ctnn::input<4, 1>, ctnn::gru<3>, ctnn::dense<12, 1>>;
#else
using net_t = ctnn::network<float, ctnn::input<4, 1>, ctnn::gru<3>, ctnn::last_step, ctnn::dense<3, 1>>;
#endif
float first_output(const net_t& net, float x) {
    ctnn::stream s(net);
    return s.step(x);
}
