// ctnn/grad/backprop.hpp - a sample's loss, and its gradient by backpropagation.
#pragma once

#include <ctnn/grad/loss.hpp>
#include <ctnn/core/network.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn {

namespace detail {

template <class Net, class X, std::size_t NX, class D, std::size_t ND>
constexpr bool check_sample() {
    static_assert(is_network_v<Net>, "ctnn: the first argument must be a ctnn::network");
    static_assert(std::is_floating_point_v<D>,
                  "ctnn: targets must be arrays of the network's scalar type; for class labels (integers) make "
                  "one-hot rows with ctnn::one_hot<Classes>(labels)");
    static_assert(check_same_scalar<typename Net::scalar, X>::value && check_same_scalar<typename Net::scalar, D>::value);
    static_assert(check_input_size<Net::input_size, NX>::value && check_target_size<Net::output_size, ND>::value);
    return true;
}

} // namespace detail

// The loss of one sample: Loss::value(forward(x), d).
template <class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND>
constexpr typename Net::scalar loss_value(const Net& net, const Loss&, const std::array<X, NX>& x,
                                          const std::array<D, ND>& d) noexcept {
    static_assert(detail::check_sample<Net, X, NX, D, ND>() && detail::check_loss<Loss>::value);
    return Loss::value(net.forward(x), d);
}

// Mean loss over a dataset of N samples.
template <class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND, std::size_t N>
constexpr typename Net::scalar mean_loss(const Net& net, const Loss& loss, const std::array<std::array<X, NX>, N>& xs,
                                         const std::array<std::array<D, ND>, N>& ds) noexcept {
    static_assert(N > 0, "ctnn::mean_loss: the dataset is empty");
    typename Net::scalar sum{0};
    for (std::size_t n = 0; n < N; ++n) sum += loss_value(net, loss, xs[n], ds[n]);
    return sum / static_cast<typename Net::scalar>(N);
}

template <class Net>
struct loss_and_gradient {
    typename Net::scalar loss;
    typename Net::gradient_type gradient;
};

namespace detail {

// One sample's forward pass, the loss's gradient at the output, then
// backward(trace, dE/dy): the one sequence behind backprop, mini-batches and
// the fused SGD step. Returns the sample's loss.
template <class Loss, class Net, class Backward>
constexpr typename Net::scalar forward_then_backward(const Net& net, const typename Net::input_type& x,
                                                     const typename Net::output_type& d,
                                                     Backward&& backward) noexcept {
    if constexpr (!loss<Loss>) {
        return {}; // reported by check_loss
    } else {
        const auto trace = net.forward_trace(x);
        const auto& y = output_of(trace);
        typename Net::output_type dy;
        Loss::gradient(y, d, dy);
        backward(trace, dy);
        return Loss::value(y, d);
    }
}

} // namespace detail

// Backpropagation for one sample: the loss and dE/dparameters.
template <class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND>
constexpr loss_and_gradient<Net> backprop(const Net& net, const Loss&, const std::array<X, NX>& x,
                                          const std::array<D, ND>& d) noexcept {
    static_assert(detail::check_sample<Net, X, NX, D, ND>() && detail::check_loss<Loss>::value);
    loss_and_gradient<Net> result{};
    result.loss = detail::forward_then_backward<Loss>(net, x, d, [&](const auto& trace, const auto& dy) {
        net.accumulate_gradient(trace, dy, result.gradient);
    });
    return result;
}

} // namespace ctnn
