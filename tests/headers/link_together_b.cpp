// One of two translation units that use ctnn in the same way (see link_together.hpp).
#include "link_together.hpp"

#include <ctnn/ctnn.hpp>

#include <array>

namespace link_together {

double train_in_b(std::uint64_t seed) {
    using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::tanh, ctnn::dense<3, 1>>;
    auto net = ctnn::make_network<net_t>(seed, ctnn::init::uniform{-1.0, 1.0});
    ctnn::sgd optimiser{0.05};
    const std::array<double, 2> x{0.5, -0.25};
    const std::array<double, 1> d{0.75};
    for (int step = 0; step < 10; ++step) ctnn::train_step(net, ctnn::mse{}, optimiser, x, d);
    const auto report = ctnn::gradient_check(net, ctnn::mse{}, x, d);
    return report.passed ? ctnn::loss_value(net, ctnn::mse{}, x, d) : -1.0;
}

} // namespace link_together
