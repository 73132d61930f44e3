// ctnn/grad/batch_gradient_check.hpp - the gradient check of a batch-coupled
// network (batch_norm in training): the batch's mean loss as a function of the
// parameters, with batch statistics, against central differences of the same
// batch loss (ctnn::gradient_check checks the per-sample, inference passes).
//
//   static_assert(ctnn::batch_gradient_check(net, ctnn::mse{}, xs, ds).passed);
//
// The gradient is batch_backprop's (what fit and train_batch step with),
// every sample in the network's own context (a fixed dropout mask if
// net.context is training). State (running statistics) is skipped: nothing
// in the batch loss depends on it. No kink detection: check networks with
// smooth activations.
#pragma once

#include <ctnn/grad/gradient_check.hpp>
#include <ctnn/train/batch.hpp>

#include <array>
#include <cstddef>

namespace ctnn {

template <class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND, std::size_t B>
constexpr gradient_check_report batch_gradient_check(
    const Net& net, const Loss& loss, const std::array<std::array<X, NX>, B>& xs,
    const std::array<std::array<D, ND>, B>& ds,
    const tolerance<typename Net::scalar>& tol = tolerance<typename Net::scalar>::defaults()) noexcept {
    static_assert(detail::check_sample<Net, X, NX, D, ND>() && detail::check_loss<Loss>::value);
    using T = typename Net::scalar;
    gradient_check_report r{};
    detail::error_tracker<T> track{r, tol};
    const auto analytic = batch_backprop(net, loss, xs, ds);
    if (!math::isfinite(analytic.loss) || !track.gradient(analytic.gradient.data(), Net::parameter_count))
        return track.fail_non_finite();
    Net probe_net = net;
    for (std::size_t k = 0; k < Net::parameter_count; ++k) {
        if (Net::is_state(k)) continue;
        const auto outcome = detail::probe(
            track, k, analytic.gradient[k], probe_net.parameters[k], detail::step_for(tol.step, probe_net.parameters[k]),
            [&](int) { return batch_backprop(probe_net, loss, xs, ds).loss; }, [] { return false; });
        if (outcome == detail::probe_outcome::non_finite) return track.fail_non_finite();
    }
    for (std::size_t l = 0; l < Net::layer_count; ++l)
        if (Net::parameter_offsets[l] <= r.worst_index && r.worst_index < Net::parameter_offsets[l + 1])
            r.worst_layer = l;
    r.worst_parameter = r.worst_index - Net::parameter_offsets[r.worst_layer];
    return track.finish();
}

} // namespace ctnn
