// ctnn/train/fit.hpp - a training loop over epochs of shuffled mini-batches.
//
//   ctnn::adam_for<net_t> opt{.learning_rate = 0.01};
//   const auto history = ctnn::fit<200, 16>(net, ctnn::softmax_cross_entropy{}, opt, xs, ds,
//                                           {.seed = 7}, ctnn::schedule::cosine{.epochs = 200},
//                                           [](const auto& epoch) { std::printf(...); });
//   if (history.status != ctnn::training_status::ok) ...
//
// A run that continues where it stopped is a ctnn::fit_run: it carries
// everything the loop changes (parameters, optimiser state, the shuffling
// generator, the current sample order, the epoch count that drives the
// schedule), so fit<a> then fit<b> on one run gives the same bits as fit<a + b>,
// whatever a and b are:
//
//   auto run = ctnn::start_fit(net, opt, xs, {.seed = 7});
//   ctnn::fit<50, 16>(run, loss, xs, ds, schedule);   // epochs 0..49
//   ctnn::fit<150, 16>(run, loss, xs, ds, schedule);  // epochs 50..199: as one fit<200, 16>
//
// (ctnn::fit_in_chunks, ctnn/train/chunking.hpp, cuts a compile-time run into
// such pieces by itself.)
//
// Epochs and BatchSize are template parameters, so the history is a
// std::array<T, Epochs> and the loop is as usable in constant evaluation as at
// runtime. The callback, called after every epoch with a ctnn::epoch_report, is
// how a runtime program shows progress while the loop itself does no I/O; a
// constant-evaluated fit simply passes none.
#pragma once

#include <ctnn/train/batch.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/train/schedule.hpp>
#include <ctnn/train/step.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace ctnn {

struct fit_options {
    std::uint64_t seed = 0;      // of the shuffling generator
    bool shuffle = true;         // reshuffle the sample order before every epoch
    std::size_t first_epoch = 0; // the schedule's epoch number of this call's first epoch (to resume a run)
    // A batch loss above this stops training with training_status::loss_diverged
    // before the batch's update (0: ctnn::default_divergence_limit of the
    // network's scalar type). This is what lets a diverging fit end with a
    // status in constant evaluation, where an overflow is a compile error.
    double divergence_limit = 0;
};

// What the callback receives after each epoch.
template <class T>
struct epoch_report {
    std::size_t epoch;     // 0-based, counted from this call's first epoch
    std::size_t epochs;    // how many this call runs
    T loss;                // the epoch's mean training loss
    double learning_rate;  // the rate used in this epoch
};

template <class T, std::size_t Epochs>
struct fit_history {
    // Mean training loss of each epoch: the mean over all samples of their
    // loss just before the update of their batch (what Keras reports). Entries
    // from `epochs` on are 0, except a non-finite loss that stopped training.
    std::array<T, Epochs> loss{};
    std::array<double, Epochs> learning_rate{};
    std::size_t epochs = 0; // epochs completed
    training_status status = training_status::ok;

    constexpr T final_loss() const noexcept { return epochs == 0 ? T(0) : loss[epochs - 1]; }
};

namespace detail {

template <class T, std::size_t P>
constexpr bool all_finite(const std::array<T, P>& a) noexcept {
    for (std::size_t k = 0; k < P; ++k)
        if (!math::isfinite(a[k])) return false;
    return true;
}

template <class Callback, class T>
struct check_callback {
    static_assert(requires(Callback& c, const epoch_report<T>& r) { c(r); },
                  "ctnn::fit: the callback must be callable with a const ctnn::epoch_report<Scalar>&");
    static constexpr bool value = true;
};

} // namespace detail

// The state of a fit that can be continued: everything fit changes. A value,
// so a run can be cut into pieces, each its own constant evaluation.
template <class Net, class Optimiser, std::size_t N>
struct fit_run {
    using network_type = Net;
    using optimiser_type = Optimiser;
    using scalar = typename Net::scalar;
    static constexpr std::size_t sample_count = N;

    Net net;
    Optimiser optimiser;             // its learning_rate is the base rate the schedule scales
    splitmix64 generator{0};         // the shuffling generator, as the last epoch left it
    std::array<std::size_t, N> order = iota_indices<N>(); // the sample order of the last epoch
    std::size_t epoch = 0;           // the schedule's number of the next epoch
    bool shuffle = true;             // reshuffle the order before every epoch
    training_status status = training_status::ok;
    scalar divergence_limit = default_divergence_limit<scalar>;
};

// A run that starts where fit<Epochs, BatchSize>(net, ..., optimiser, xs, ds,
// options) would: generator seeded with options.seed, samples in their order,
// schedule at options.first_epoch.
template <class Net, class Optimiser, class X, std::size_t NX, std::size_t N>
constexpr fit_run<Net, Optimiser, N> start_fit(const Net& net, const Optimiser& optimiser,
                                               const std::array<std::array<X, NX>, N>&,
                                               const fit_options& options = {}) noexcept {
    using T = typename Net::scalar;
    return {net,
            optimiser,
            splitmix64{options.seed},
            iota_indices<N>(),
            options.first_epoch,
            options.shuffle,
            training_status::ok,
            options.divergence_limit > 0 ? static_cast<T>(options.divergence_limit) : default_divergence_limit<T>};
}

namespace detail {

// One batch of fit: batch_backprop for a network that trains sample by
// sample (every network without dropout or batch_norm: the same bits as
// ever); else each sample in a training context seeded from the shuffling
// generator's state after this epoch's shuffle, the epoch and the sample's
// position in the epoch (a dropout mask for each sample of each epoch; fit<a>
// then fit<b> on one run draws the masks of fit<a + b>), and batch_norm's new
// running statistics in `state`.
template <std::size_t BatchSize, class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND,
          std::size_t N>
constexpr loss_and_gradient<Net> fit_batch(const Net& net, const Loss& loss, const std::array<std::array<X, NX>, N>& xs,
                                           const std::array<std::array<D, ND>, N>& ds,
                                           const std::array<std::size_t, N>& order, std::size_t first,
                                           std::size_t count, const splitmix64& gen, std::size_t epoch,
                                           state_after_batch_t<Net>& state) noexcept {
    if constexpr (trains_by_batch<Net> && ctnn::loss<Loss>)
        return training_batch_mean<BatchSize, Net, Loss>(net, xs, ds, order, first, count, gen.state(), epoch, state);
    else
        return batch_backprop<BatchSize>(net, loss, xs, ds, order, first, count);
}

// fit's loop, on references to the state it changes (the network is not
// copied: a runtime network may be large).
template <std::size_t Epochs, std::size_t BatchSize, class Net, class Loss, class Optimiser, class X, std::size_t NX,
          class D, std::size_t ND, std::size_t N, class Schedule, class Callback>
constexpr fit_history<typename Net::scalar, Epochs>
fit_epochs(Net& net, Optimiser& optimiser, splitmix64& gen, std::array<std::size_t, N>& order, std::size_t& epoch,
           bool shuffle_each_epoch, training_status& status, typename Net::scalar limit, const Loss& loss,
           const std::array<std::array<X, NX>, N>& xs, const std::array<std::array<D, ND>, N>& ds,
           const Schedule& schedule, Callback& callback) {
    using T = typename Net::scalar;
    fit_history<T, Epochs> history{};
    history.status = status;
    if constexpr (BatchSize == 0) return history; // reported by check_batch_size; no endless loop after it
    if (status != training_status::ok) return history;
    const double base_rate = optimiser.learning_rate;
    for (std::size_t e = 0; e < Epochs; ++e) {
        const double rate = base_rate * schedule.factor(epoch);
        optimiser.learning_rate = rate;
        history.learning_rate[e] = rate;
        if (shuffle_each_epoch) shuffle(order, gen);
        T sum = T(0);
        for (std::size_t first = 0; first < N; first += BatchSize) {
            const std::size_t count = N - first < BatchSize ? N - first : BatchSize;
            [[maybe_unused]] state_after_batch_t<Net> state{};
            const auto batch = fit_batch<BatchSize>(net, loss, xs, ds, order, first, count, gen, epoch, state);
            if (!math::isfinite(batch.loss) || !all_finite(batch.gradient) || batch.loss > limit) {
                history.loss[e] = batch.loss;
                history.status = status = !math::isfinite(batch.loss)    ? training_status::loss_not_finite
                                          : !all_finite(batch.gradient) ? training_status::gradient_not_finite
                                                                        : training_status::loss_diverged;
                optimiser.learning_rate = base_rate;
                return history;
            }
            optimiser.update(net.parameters, batch.gradient);
            if constexpr (Net::state_count > 0) store_state(net, state);
            if (!all_finite(net.parameters)) { // issue 13: an update that overflowed stops here
                history.loss[e] = batch.loss;
                history.status = status = training_status::parameters_not_finite;
                optimiser.learning_rate = base_rate;
                return history;
            }
            sum += batch.loss * static_cast<T>(count);
        }
        history.loss[e] = sum / static_cast<T>(N);
        history.epochs = e + 1;
        ++epoch;
        callback(epoch_report<T>{e, Epochs, history.loss[e], rate});
    }
    optimiser.learning_rate = base_rate;
    return history;
}

template <std::size_t Epochs, std::size_t BatchSize, class Net, class Loss, class Optimiser, class X, std::size_t NX,
          class D, std::size_t ND, std::size_t N, class Schedule, class Callback>
constexpr bool check_fit() {
    static_assert(detail::check_sample<Net, X, NX, D, ND>() && detail::check_batch_size<BatchSize>::value);
    static_assert(Epochs > 0, "ctnn::fit<Epochs, BatchSize>: Epochs must be at least 1");
    static_assert(N > 0, "ctnn::fit: the dataset is empty");
    static_assert(detail::check_batch_norm_batch_sizes<
                  Net, std::integral_constant<std::size_t, BatchSize>,
                  std::integral_constant<std::size_t, (BatchSize == 0 ? 0 : (N % BatchSize == 0 ? (N < BatchSize ? N : BatchSize) : N % BatchSize))>>::value);
    static_assert(detail::check_optimiser<Optimiser, typename Net::parameter_array>::value &&
                  detail::check_schedule<Schedule>::value &&
                  detail::check_callback<Callback, typename Net::scalar>::value);
    return true;
}

} // namespace detail

// Epochs passes over the N samples (xs, ds) in batches of BatchSize (the last
// batch of an epoch is shorter when BatchSize does not divide N), one
// optimiser step per batch. Before each epoch the sample order is reshuffled
// (options.shuffle), continuing the order of the epoch before. The schedule
// sets optimiser.learning_rate to base · schedule.factor(epoch) each epoch
// (epoch counted from options.first_epoch), where base is the rate the
// optimiser has on entry; it is restored on return.
//
// Stops with training_status::loss_diverged as soon as a batch's loss exceeds
// options.divergence_limit, or loss_not_finite when it is NaN or infinite (at
// runtime; in constant evaluation that arithmetic is already an error); that
// batch's update is not applied, so the network keeps the last parameters.
// history.loss[history.epochs] then holds that batch's loss. Likewise
// gradient_not_finite for a finite loss whose gradient is not (not applied);
// parameters_not_finite when an update made a parameter NaN or infinite
// (applied: the run stops right after it).
//
// Each call starts afresh from options.seed; to continue a run where it
// stopped, use a ctnn::fit_run (below).
template <std::size_t Epochs, std::size_t BatchSize, class Net, class Loss, class Optimiser, class X, std::size_t NX,
          class D, std::size_t ND, std::size_t N, class Schedule = schedule::constant, class Callback = no_callback>
    requires is_network_v<Net>
constexpr fit_history<typename Net::scalar, Epochs> fit(Net& net, const Loss& loss, Optimiser& optimiser,
                                                        const std::array<std::array<X, NX>, N>& xs,
                                                        const std::array<std::array<D, ND>, N>& ds,
                                                        const fit_options& options = {},
                                                        const Schedule& schedule = {}, Callback callback = {}) {
    static_assert(detail::check_fit<Epochs, BatchSize, Net, Loss, Optimiser, X, NX, D, ND, N, Schedule, Callback>());
    using T = typename Net::scalar;
    splitmix64 gen{options.seed};
    auto order = iota_indices<N>();
    std::size_t epoch = options.first_epoch;
    training_status status = training_status::ok;
    const T limit = options.divergence_limit > 0 ? static_cast<T>(options.divergence_limit)
                                                 : default_divergence_limit<T>;
    return detail::fit_epochs<Epochs, BatchSize>(net, optimiser, gen, order, epoch, options.shuffle, status, limit,
                                                 loss, xs, ds, schedule, callback);
}

// The same loop continuing a run: fit<a, B>(run, ...) then fit<b, B>(run, ...)
// gives the same bits as fit<a + b, B>(run, ...) (and as the fit above with the
// options the run was started with). A run that has stopped (run.status not
// ok) stays where it is.
template <std::size_t Epochs, std::size_t BatchSize, class Net, class Optimiser, std::size_t N, class Loss, class X,
          std::size_t NX, class D, std::size_t ND, class Schedule = schedule::constant, class Callback = no_callback>
constexpr fit_history<typename Net::scalar, Epochs> fit(fit_run<Net, Optimiser, N>& run, const Loss& loss,
                                                        const std::array<std::array<X, NX>, N>& xs,
                                                        const std::array<std::array<D, ND>, N>& ds,
                                                        const Schedule& schedule = {}, Callback callback = {}) {
    static_assert(detail::check_fit<Epochs, BatchSize, Net, Loss, Optimiser, X, NX, D, ND, N, Schedule, Callback>());
    return detail::fit_epochs<Epochs, BatchSize>(run.net, run.optimiser, run.generator, run.order, run.epoch,
                                                 run.shuffle, run.status, run.divergence_limit, loss, xs, ds,
                                                 schedule, callback);
}

namespace detail {
template <std::size_t N>
struct input_samples : std::integral_constant<std::size_t, N> {};
template <std::size_t N>
struct target_samples : std::integral_constant<std::size_t, N> {};
} // namespace detail

// fit with xs and ds of different lengths: a message that says so, instead of
// "no matching function" (the fit above takes N samples of each).
template <std::size_t Epochs, std::size_t BatchSize, class Net, class Loss, class Optimiser, class X, std::size_t NX,
          class D, std::size_t ND, std::size_t N, std::size_t M, class... Rest>
    requires(is_network_v<Net> && N != M)
constexpr void fit(Net&, const Loss&, Optimiser&, const std::array<std::array<X, NX>, N>&,
                   const std::array<std::array<D, ND>, M>&, const Rest&...) {
    static_assert(detail::input_samples<N>::value == detail::target_samples<M>::value,
                  "ctnn::fit: the inputs (xs) and the targets (ds) must hold the same number of samples");
}

} // namespace ctnn
