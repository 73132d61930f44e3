// A program built against single_include/ctnn/ctnn.hpp alone: the
// compile-time path (static_assert gradient check, training in a constant
// expression) and the runtime path.
#include "alone.hpp"

#include <array>
#include <cstdint>
#include <cstdio>

namespace {

using net_t = ctnn::network<double, ctnn::dense<2, 4>, ctnn::tanh, ctnn::dense<4, 1>>;
constexpr std::array<double, 2> x{0.5, -1.5};
constexpr std::array<double, 1> d{0.25};

constexpr auto report = ctnn::gradient_check(ctnn::make_network<net_t>(3, ctnn::init::uniform{-1.0, 1.0}),
                                             ctnn::mse{}, x, d);
static_assert(report.passed && report.gradient_norm > 0.0 && report.parameters_checked == net_t::parameter_count);

constexpr double trained_loss(std::uint64_t seed, int steps) {
    auto net = ctnn::make_network<net_t>(seed, ctnn::init::uniform{-1.0, 1.0});
    ctnn::sgd optimiser{0.1};
    for (int step = 0; step < steps; ++step) ctnn::train_step(net, ctnn::mse{}, optimiser, x, d);
    return ctnn::loss_value(net, ctnn::mse{}, x, d);
}
constexpr double loss_after_compile_time_training = trained_loss(3, 20);
static_assert(loss_after_compile_time_training < trained_loss(3, 0) / 2, "training at compile time lowers the loss");

} // namespace

int main(int argc, char**) {
    const auto seed = static_cast<std::uint64_t>(argc) + 2; // 3, unknown to the compiler
    const double before = trained_loss(seed, 0);
    const double after = trained_loss(seed, 20);
    if (!(after < before / 2) || after != loss_after_compile_time_training || !(train_elsewhere(seed) >= 0.0)) {
        std::printf("single header: runtime training disagrees with compile time\n");
        return 1;
    }
    std::printf("single header: trained, loss %g -> %g\n", before, after);
}
