// expect: ctnn: a writer's output must be callable with a char
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 1>>;
constexpr bool written() {
#ifdef CTNN_COMPILE_FAIL
    int out = 0;
#else
    ctnn::char_counter out;
#endif
    ctnn::write_text(ctnn::make_network<net_t>(1), out);
    return true;
}
static_assert(written());
