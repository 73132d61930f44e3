// expect: ctnn::activation<F>: F needs static value\(x\) and derivative\(x, y, dy\)
#include <ctnn/ctnn.hpp>
struct square {
    template <class T> static constexpr T value(T x) noexcept { return x * x; }
#ifndef CTNN_COMPILE_FAIL
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept { return 2 * x * dy; }
#endif
};
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::activation<square>, ctnn::dense<3, 1>>;
static_assert(net_t::parameter_count == 13);
