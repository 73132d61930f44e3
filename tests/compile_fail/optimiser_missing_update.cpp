// expect: ctnn: an optimiser needs a `double learning_rate` member and update\(parameters, gradient\)
#include <ctnn/ctnn.hpp>
struct halving {
    double learning_rate = 0.1;
#ifndef CTNN_COMPILE_FAIL
    template <class T, std::size_t P>
    constexpr void update(std::array<T, P>& w, const std::array<T, P>& g) const noexcept {
        for (std::size_t k = 0; k < P; ++k) w[k] -= T(learning_rate) * g[k];
    }
#endif
};
using net_t = ctnn::network<double, ctnn::dense<2, 1>>;
constexpr double trained_loss() {
    auto net = ctnn::make_network<net_t>(1);
    halving opt;
    return ctnn::train_step(net, ctnn::mse{}, opt, std::array<double, 2>{1, 2}, std::array<double, 1>{1});
}
static_assert(trained_loss() >= 0);
