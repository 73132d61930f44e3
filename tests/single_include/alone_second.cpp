// A second translation unit with the single header: the two must link (ODR).
#include "alone.hpp"

#include <array>

double train_elsewhere(std::uint64_t seed) {
    using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::relu, ctnn::dense<3, 1>>;
    auto net = ctnn::make_network<net_t>(seed, ctnn::init::uniform{-1.0, 1.0});
    ctnn::sgd optimiser{0.05};
    const std::array<double, 2> x{0.5, -0.25};
    const std::array<double, 1> d{0.75};
    for (int step = 0; step < 10; ++step) ctnn::train_step(net, ctnn::mse{}, optimiser, x, d);
    return ctnn::loss_value(net, ctnn::mse{}, x, d);
}
