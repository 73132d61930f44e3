// ctnn/train.hpp - one training step, by backprop or by numerical gradient.
#pragma once

#include <ctnn/gradient.hpp>
#include <ctnn/optimizer.hpp>

#include <array>
#include <cstddef>

namespace ctnn {

// How a training run ended. A run that diverges stops with a status instead of
// carrying NaN or infinity into every later step.
enum class training_status {
    ok,             // every step's loss was finite
    loss_not_finite // a loss became NaN or infinite: training stopped there
};

constexpr const char* describe(training_status s) noexcept {
    switch (s) {
    case training_status::ok: return "ok";
    case training_status::loss_not_finite: return "diverged: the loss became NaN or infinite";
    }
    return "unknown";
}

// Forward, backward, update. Returns the sample's loss before the update.
template <class Net, class Loss, class Optimiser, class X, std::size_t NX, class D, std::size_t ND>
constexpr typename Net::scalar train_step(Net& net, const Loss& loss, Optimiser& optimiser, const std::array<X, NX>& x,
                                          const std::array<D, ND>& d) noexcept {
    auto result = backprop(net, loss, x, d);
    optimiser.update(net.parameters, result.gradient);
    return result.loss;
}

// The same step with the gradient from central differences (2P forward
// passes). Returns the sample's loss before the update, like train_step.
template <class Net, class Loss, class Optimiser, class X, std::size_t NX, class D, std::size_t ND>
constexpr typename Net::scalar train_step_numerical(Net& net, const Loss& loss, Optimiser& optimiser,
                                                    const std::array<X, NX>& x, const std::array<D, ND>& d,
                                                    typename Net::scalar h) noexcept {
    const auto before = loss_value(net, loss, x, d);
    const auto gradient = numerical_gradient(net, loss, x, d, h);
    optimiser.update(net.parameters, gradient);
    return before;
}

} // namespace ctnn
