// expect: the optimiser argument is a number; pass an optimiser such as ctnn::sgd\{0.1\}
// A learning rate passed where the optimiser goes; the twin passes ctnn::sgd{0.1}.
#include <ctnn/core/initialise.hpp>
#include <ctnn/core/layers.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/grad/loss.hpp>
#include <ctnn/train/optimiser.hpp>
#include <ctnn/train/step.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::tanh, ctnn::dense<3, 1>>;
constexpr std::array<double, 2> x{0.5, 0.25};
constexpr std::array<double, 1> d{1.0};
constexpr bool trained() {
    auto net = ctnn::make_network<net_t>(1);
#ifdef CTNN_COMPILE_FAIL
    double optimiser = 0.1;
#else
    ctnn::sgd optimiser{0.1};
#endif
    ctnn::train_step(net, ctnn::mse{}, optimiser, x, d);
    return true;
}
static_assert(trained());
