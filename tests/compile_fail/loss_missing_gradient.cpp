// expect: ctnn: a loss needs static value\(y, d\) -> T and gradient\(y, d, dy\)
#include <ctnn/ctnn.hpp>
struct sum_of_errors {
    template <class T, std::size_t N>
    static constexpr T value(const std::array<T, N>& y, const std::array<T, N>& d) noexcept {
        T s = 0;
        for (std::size_t i = 0; i < N; ++i) s += y[i] - d[i];
        return s;
    }
#ifndef CTNN_COMPILE_FAIL
    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>&, const std::array<T, N>&, std::array<T, N>& dy) noexcept {
        for (auto& g : dy) g = T(1);
    }
#endif
};
using net_t = ctnn::network<double, ctnn::dense<2, 1>>;
constexpr auto net = ctnn::make_network<net_t>(1);
static_assert(ctnn::backprop(net, sum_of_errors{}, std::array<double, 2>{1, 2}, std::array<double, 1>{1}).loss != 0);
