// expect: ctnn::fit: the inputs \(xs\) and the targets \(ds\) must hold the same number of samples
// Four inputs but three targets; the twin gives four of each.
#include <ctnn/core/initialise.hpp>
#include <ctnn/core/layers.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/grad/loss.hpp>
#include <ctnn/train/fit.hpp>
#include <ctnn/train/optimiser.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::tanh, ctnn::dense<3, 1>>;
constexpr std::array<std::array<double, 2>, 4> xs{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
#ifdef CTNN_COMPILE_FAIL
constexpr std::array<std::array<double, 1>, 3> ds{{{0}, {1}, {1}}};
#else
constexpr std::array<std::array<double, 1>, 4> ds{{{0}, {1}, {1}, {0}}};
#endif
constexpr bool trained() {
    auto net = ctnn::make_network<net_t>(1);
    ctnn::sgd opt{0.1};
    ctnn::fit<2, 2>(net, ctnn::mse{}, opt, xs, ds);
    return true;
}
static_assert(trained());
