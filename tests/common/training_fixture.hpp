// A small classification dataset and a network for the training tests
// (tests/static/batch.cpp, fit.cpp, metrics.cpp, ...).
#pragma once

#include <ctnn/ctnn.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace training_test {

using ctnn::dense;
using net_t = ctnn::network<double, dense<3, 4>, ctnn::tanh, dense<4, 2>>;
using samples5 = std::array<std::array<double, 3>, 5>;
using targets5 = std::array<std::array<double, 2>, 5>;

constexpr samples5 xs{{{0.5, -1.25, 2.0}, {1.0, 0.0, -1.0}, {-0.3, 0.8, 0.1}, {2.0, 2.0, -0.5}, {0.0, -0.7, 0.4}}};
constexpr targets5 ds{{{1, 0}, {0, 1}, {1, 0}, {0, 1}, {1, 0}}};

constexpr net_t start() { return ctnn::make_network<net_t>(3, ctnn::init::xavier_uniform{}); }

// The mean of ctnn::backprop's gradients over the samples order[first..first+count).
template <std::size_t N>
constexpr net_t::gradient_type mean_of_backprops(const std::array<std::size_t, N>& order, std::size_t first,
                                                 std::size_t count) {
    const net_t net = start();
    net_t::gradient_type sum{};
    for (std::size_t b = 0; b < count; ++b) {
        const auto r = ctnn::backprop(net, ctnn::softmax_cross_entropy{}, xs[order[first + b]], ds[order[first + b]]);
        for (std::size_t k = 0; k < net_t::parameter_count; ++k) sum[k] += r.gradient[k];
    }
    for (auto& g : sum) g /= static_cast<double>(count);
    return sum;
}

constexpr double largest_difference(const net_t::gradient_type& a, const net_t::gradient_type& b) {
    double worst = 0;
    for (std::size_t k = 0; k < a.size(); ++k) {
        const double e = ctnn::math::abs(a[k] - b[k]);
        if (e > worst) worst = e;
    }
    return worst;
}

constexpr double norm(const net_t::gradient_type& a) {
    double s = 0;
    for (const double v : a) s += v * v;
    return s;
}

} // namespace training_test
