// expect: ctnn: a gradient sink needs sink\(k, g\), sink.row\(k, a, v, n\) and sink.row\(k, v, n\)
#include <ctnn/ctnn.hpp>
struct norm_sink {
    double sum = 0;
    constexpr void operator()(std::size_t, double g) noexcept { sum += g * g; }
    constexpr void row(std::size_t, double a, const double* v, std::size_t n) noexcept {
        for (std::size_t j = 0; j < n; ++j) sum += a * v[j] * a * v[j];
    }
#ifndef CTNN_COMPILE_FAIL
    constexpr void row(std::size_t, const double* v, std::size_t n) noexcept {
        for (std::size_t j = 0; j < n; ++j) sum += v[j] * v[j];
    }
#endif
};
using net_t = ctnn::network<double, ctnn::dense<2, 1>>;
constexpr double gradient_norm2() {
    const auto net = ctnn::make_network<net_t>(1);
    const auto trace = net.forward_trace({1, 2});
    norm_sink sink;
    net.backward_into<false>(trace, {1.0}, sink);
    return sink.sum;
}
static_assert(gradient_norm2() > 0);
