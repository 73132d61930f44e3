// expect: ctnn: an initialiser needs weight<T>\(gen, fan_in, fan_out\) and bias<T>
#include <ctnn/ctnn.hpp>
struct ones {
    template <class T>
    constexpr T weight(ctnn::splitmix64&, std::size_t, std::size_t) const noexcept { return T(1); }
#ifndef CTNN_COMPILE_FAIL
    template <class T>
    constexpr T bias(ctnn::splitmix64&, std::size_t, std::size_t) const noexcept { return T(0); }
#endif
};
using net_t = ctnn::network<double, ctnn::dense<2, 1>>;
static_assert(ctnn::make_network<net_t>(1, ones{}).parameters[0] == 1.0);
