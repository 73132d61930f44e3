// The network of tests/layers: batch_norm over conv2d channels and over dense
// features, dropout, trained by fit (its running statistics away from 0 and 1).
#pragma once

#include <ctnn/ctnn.hpp>

#include <array>
#include <cstddef>

namespace norm_header_test {

using net_t = ctnn::network<double, ctnn::input<1, 4, 4>, ctnn::conv2d<1, 2, 3>, ctnn::batch_norm<>, ctnn::tanh,
                            ctnn::flatten, ctnn::dropout<1, 4>, ctnn::dense<8, 3>, ctnn::batch_norm<2, 10>,
                            ctnn::tanh, ctnn::dense<3, 1>>;

struct dataset {
    std::array<std::array<double, 16>, 8> x;
    std::array<std::array<double, 1>, 8> d;
};
inline constexpr dataset data = [] {
    dataset r{};
    ctnn::splitmix64 g{12};
    for (std::size_t n = 0; n < 8; ++n) {
        double s = 0;
        for (auto& v : r.x[n]) s += (v = 1.0 + g.uniform(-1.0, 1.0));
        r.d[n] = {s / 16.0 - 1.0};
    }
    return r;
}();

inline net_t trained() {
    net_t net = ctnn::make_network<net_t>(3, ctnn::init::he_uniform{});
    ctnn::sgd opt{0.05};
    ctnn::fit<10, 4>(net, ctnn::mse{}, opt, data.x, data.d, {.seed = 5});
    return net;
}

} // namespace norm_header_test
