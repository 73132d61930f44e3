// expect: ctnn::dropout<Num, Den>: the drop probability Num / Den must be in
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::dropout<1, 1>, ctnn::dense<3, 1>>; // drops everything
#else
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::dropout<1, 2>, ctnn::dense<3, 1>>;
#endif
static_assert(net_t::parameter_count == 13);
