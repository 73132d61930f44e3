// ctnn/train/batch.hpp - mini-batches: the loss and gradient of several samples at
// once, and one optimiser step on them.
//
// The batch's loss is the mean of its samples' losses, so its gradient is the
// mean of the per-sample gradients (what ctnn::backprop gives each sample):
// the learning rate means the same thing whatever the batch size.
// A batch is either an array of B samples, or B entries of an index order
// into a dataset (how ctnn::fit walks a shuffled dataset without copying it).
#pragma once

#include <ctnn/data/dataset.hpp>
#include <ctnn/grad/backprop.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/train/step.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/fold_right.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ctnn {

namespace detail {

template <std::size_t BatchSize>
struct check_batch_size {
    static_assert(BatchSize > 0, "ctnn: the batch size must be at least 1");
    static constexpr bool value = true;
};

// Adds sample (x, d)'s gradient to `gradient`; returns its loss.
template <class Net, class Loss>
constexpr typename Net::scalar accumulate_sample(const Net& net, const typename Net::input_type& x,
                                                 const typename Net::output_type& d,
                                                 typename Net::gradient_type& gradient) noexcept {
    return forward_then_backward<Loss>(net, x, d, [&](const auto& trace, const auto& dy) {
        net.accumulate_gradient(trace, dy, gradient);
    });
}

// Whether batch_backprop runs the layers' batch kernels at run time (they give
// the same bits as the per-sample loop: tests/runtime/batch.cpp). Measured
// against that loop with g++ 12 -O3 -march=native (bench/analysis.md, issue
// 19): 0.47-0.90x from 32-96-8 (3,944 parameters) up, float and double, but
// 1.1-1.7x slower at 8-32-4 (420), whose narrow last layer's batch backward
// costs more than the per-sample one. Hence on from 2,048 parameters, and never
// for a network whose layers read a training context (dropout) or couple the
// samples (batch_norm): accumulate_batch calls the plain passes.
template <class Net>
inline constexpr bool batch_kernels_in_use = Net::parameter_count >= 2048 && !Net::uses_context && !Net::batch_coupled;

// Whether a bound layer has batch kernels (forward_batch, backward_batch: see
// ctnn/core/dense.hpp) that give the same bits as its one-sample passes.
template <class L>
concept layer_with_batch_kernels = requires { requires L::batch_kernels; };

// The summed loss of the batch's samples (traces[b] holds sample
// order[first + b]'s forward pass), each sample's loss gradient in dy[b].
template <class Loss, class Traces, class D, std::size_t ND, std::size_t N, class Outputs>
constexpr auto batch_loss(const Traces& traces, const std::array<std::array<D, ND>, N>& ds,
                          const std::array<std::size_t, N>& order, std::size_t first, std::size_t count,
                          Outputs& dy) noexcept {
    using T = std::remove_cvref_t<decltype(dy[0][0])>;
    T loss = T(0);
    for (std::size_t b = 0; b < count; ++b) {
        const auto& y = output_of(traces[b]);
        const auto& d = ds[order[first + b]];
        Loss::gradient(y, d, dy[b]);
        loss += Loss::value(y, d);
    }
    return loss;
}

// The batch's summed loss, its gradient summed into `gradient`, layer by
// layer over all samples at once: a layer with batch kernels reads each
// weight once per block of samples; any other layer runs sample by sample.
// Every value is the one the sample-by-sample loop (accumulate_sample) gives,
// bit for bit: each sample's forward and backward are the same arithmetic, and
// each parameter's gradient sums the samples' contributions in batch order.
template <std::size_t BatchSize, class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND,
          std::size_t N>
typename Net::scalar accumulate_batch(const Net& net, const std::array<std::array<X, NX>, N>& xs,
                                      const std::array<std::array<D, ND>, N>& ds,
                                      const std::array<std::size_t, N>& order, std::size_t first, std::size_t count,
                                      typename Net::gradient_type& gradient) noexcept {
    namespace hana = boost::hana;
    using T = typename Net::scalar;
    constexpr std::size_t layer_count = Net::layer_count;
    const T* parameters = net.parameters.data();
    std::array<typename Net::trace_type, BatchSize> traces;
    for (std::size_t b = 0; b < count; ++b) hana::at_c<0>(traces[b]) = xs[order[first + b]];
    hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<layer_count>), [&](auto i) {
        constexpr std::size_t k = decltype(i)::value;
        using L = typename Net::template layer_type<k>;
        const T* p = parameters + Net::parameter_offsets[k];
        if constexpr (layer_with_batch_kernels<L>) {
            std::array<const std::array<T, L::inputs>*, BatchSize> in{};
            std::array<std::array<T, L::outputs>*, BatchSize> out{};
            for (std::size_t b = 0; b < count; ++b) {
                in[b] = &hana::at_c<k>(traces[b]);
                out[b] = &hana::at_c<k + 1>(traces[b]);
            }
            L::forward_batch(p, in.data(), out.data(), count);
        } else {
            for (std::size_t b = 0; b < count; ++b)
                L::forward(p, hana::at_c<k>(traces[b]), hana::at_c<k + 1>(traces[b]));
        }
    });
    std::array<typename Net::output_type, BatchSize> dy;
    const T loss = batch_loss<Loss>(traces, ds, order, first, count, dy);
    gradient_accumulator<T> accumulator{gradient.data()};
    hana::fold_right(hana::make_range(hana::size_c<0>, hana::size_c<layer_count>), dy, [&](auto i, const auto& dys) {
        constexpr std::size_t k = decltype(i)::value;
        using L = typename Net::template layer_type<k>;
        const T* p = parameters + Net::parameter_offsets[k];
        offset_sink<gradient_accumulator<T>, Net::parameter_offsets[k]> sink{accumulator};
        std::array<std::array<T, L::inputs>, BatchSize> dxs{};
        if constexpr (layer_with_batch_kernels<L>) {
            std::array<const std::array<T, L::inputs>*, BatchSize> in{};
            std::array<const std::array<T, L::outputs>*, BatchSize> dout{};
            std::array<std::array<T, L::inputs>*, BatchSize> din{};
            for (std::size_t b = 0; b < count; ++b) {
                in[b] = &hana::at_c<k>(traces[b]);
                dout[b] = &dys[b];
                din[b] = &dxs[b];
            }
            L::template backward_batch<k != 0>(p, sink, in.data(), dout.data(), din.data(), count);
        } else {
            for (std::size_t b = 0; b < count; ++b)
                L::template backward<k != 0>(p, sink, hana::at_c<k>(traces[b]), hana::at_c<k + 1>(traces[b]), dys[b],
                                             dxs[b]);
        }
        return dxs;
    });
    return loss;
}

// A network that trains otherwise than sample by sample: a layer reads a
// training context (dropout) or couples the samples of a batch (batch_norm).
template <class Net>
inline constexpr bool trains_by_batch = Net::uses_context || Net::batch_coupled;

template <class Net, class BatchSize, class LastBatchSize>
struct check_batch_norm_batch_sizes {
    static_assert(!Net::batch_coupled || (BatchSize::value >= 2 && LastBatchSize::value != 1),
                  "ctnn::batch_norm: a network with a batch_norm layer trains on batches of at least 2 samples: "
                  "BatchSize must be at least 2 and the last batch of an epoch (N % BatchSize samples) must not "
                  "be a single sample");
    static constexpr bool value = true;
};

// The new state of a network with state (its parameters' state entries after
// a training batch), or nothing.
template <class Net>
struct state_after_batch {
    typename Net::parameter_array values{};
};
struct no_state {};
template <class Net>
using state_after_batch_t = std::conditional_t<(Net::state_count > 0), state_after_batch<Net>, no_state>;

// Writes the state a batch left into the network (after the optimiser's
// update, which is thereby undone for state: the optimiser never moves it).
template <class Net>
constexpr void store_state(Net& net, const state_after_batch_t<Net>& state) noexcept {
    if constexpr (Net::state_count > 0) {
        namespace hana = boost::hana;
        hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<Net::layer_count>), [&](auto i) {
            constexpr std::size_t k = decltype(i)::value;
            using L = typename Net::template layer_type<k>;
            constexpr std::size_t states = layer_traits<L>::state_count;
            if constexpr (states > 0) {
                constexpr std::size_t begin = Net::parameter_offsets[k + 1] - states;
                for (std::size_t j = begin; j < Net::parameter_offsets[k + 1]; ++j)
                    net.parameters[j] = state.values[j];
            }
        });
    }
}

// The summed loss of a batch and its gradient summed into `gradient`, layer
// by layer over the batch: a batch-coupled layer sees all samples at once, a
// training-only one sample b in context contexts(b), any other layer runs its
// forward and backward sample by sample. A batch-coupled layer writes the
// state the batch leaves into `state` (if the network has state).
template <std::size_t BatchSize, class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND,
          std::size_t N, class Contexts, class State>
constexpr typename Net::scalar training_batch(const Net& net, const std::array<std::array<X, NX>, N>& xs,
                                              const std::array<std::array<D, ND>, N>& ds,
                                              const std::array<std::size_t, N>& order, std::size_t first,
                                              std::size_t count, const Contexts& contexts, State& state,
                                              typename Net::gradient_type& gradient) noexcept {
    namespace hana = boost::hana;
    using T = typename Net::scalar;
    constexpr std::size_t layer_count = Net::layer_count;
    const T* parameters = net.parameters.data();
    std::array<typename Net::trace_type, BatchSize> traces{};
    std::array<typename Net::context_type, BatchSize> context{};
    for (std::size_t b = 0; b < count; ++b) {
        hana::at_c<0>(traces[b]) = xs[order[first + b]];
        context[b] = contexts(b);
    }
    hana::for_each(hana::make_range(hana::size_c<0>, hana::size_c<layer_count>), [&](auto i) {
        constexpr std::size_t k = decltype(i)::value;
        using L = typename Net::template layer_type<k>;
        if constexpr (layer_traits<L>::batch_coupled) {
            std::array<const std::array<T, L::inputs>*, BatchSize> in{};
            std::array<std::array<T, L::outputs>*, BatchSize> out{};
            for (std::size_t b = 0; b < count; ++b) {
                in[b] = &hana::at_c<k>(traces[b]);
                out[b] = &hana::at_c<k + 1>(traces[b]);
            }
            T* new_state = nullptr;
            if constexpr (!std::is_same_v<State, no_state>)
                new_state = state.values.data() + (Net::parameter_offsets[k + 1] - layer_traits<L>::state_count);
            L::forward_batch_training(parameters + Net::parameter_offsets[k], new_state, in.data(), out.data(),
                                      count);
        } else {
            for (std::size_t b = 0; b < count; ++b)
                Net::template forward_layer<k>(parameters, hana::at_c<k>(traces[b]), hana::at_c<k + 1>(traces[b]),
                                               context[b]);
        }
    });
    std::array<typename Net::output_type, BatchSize> dy{};
    const T loss = batch_loss<Loss>(traces, ds, order, first, count, dy);
    gradient_accumulator<T> accumulator{gradient.data()};
    hana::fold_right(hana::make_range(hana::size_c<0>, hana::size_c<layer_count>), dy, [&](auto i, const auto& dys) {
        constexpr std::size_t k = decltype(i)::value;
        using L = typename Net::template layer_type<k>;
        offset_sink<gradient_accumulator<T>, Net::parameter_offsets[k]> sink{accumulator};
        std::array<std::array<T, L::inputs>, BatchSize> dxs{};
        if constexpr (layer_traits<L>::batch_coupled) {
            std::array<const std::array<T, L::inputs>*, BatchSize> in{};
            std::array<const std::array<T, L::outputs>*, BatchSize> dout{};
            std::array<std::array<T, L::inputs>*, BatchSize> din{};
            for (std::size_t b = 0; b < count; ++b) {
                in[b] = &hana::at_c<k>(traces[b]);
                dout[b] = &dys[b];
                din[b] = &dxs[b];
            }
            L::template backward_batch_training<k != 0>(parameters + Net::parameter_offsets[k], sink, in.data(),
                                                        dout.data(), din.data(), count);
        } else {
            for (std::size_t b = 0; b < count; ++b)
                Net::template backward_layer<k, k != 0>(parameters, sink, hana::at_c<k>(traces[b]),
                                                        hana::at_c<k + 1>(traces[b]), dys[b], dxs[b], context[b]);
        }
        return dxs;
    });
    return loss;
}

// fit's and train_batch's batch: a network that trains sample by sample as
// batch_backprop always has; any other through training_batch, sample b of
// the batch in a training context seeded by sample_seed(seed, epoch, first + b).
template <std::size_t BatchSize, class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND,
          std::size_t N>
constexpr loss_and_gradient<Net> training_batch_mean(const Net& net, const std::array<std::array<X, NX>, N>& xs,
                                                     const std::array<std::array<D, ND>, N>& ds,
                                                     const std::array<std::size_t, N>& order, std::size_t first,
                                                     std::size_t count, std::uint64_t seed, std::uint64_t epoch,
                                                     state_after_batch_t<Net>& state) noexcept {
    using T = typename Net::scalar;
    loss_and_gradient<Net> result{T(0), {}};
    if constexpr (Net::state_count > 0) state.values = net.parameters;
    const auto contexts = [&](std::size_t b) {
        if constexpr (Net::uses_context) return training_context{true, sample_seed(seed, epoch, first + b), 0};
        else return no_context{};
    };
    result.loss = training_batch<BatchSize, Net, Loss>(net, xs, ds, order, first, count, contexts, state,
                                                       result.gradient);
    const T scale = T(1) / static_cast<T>(count);
    result.loss *= scale;
    for (auto& g : result.gradient) g *= scale;
    return result;
}

} // namespace detail

// Mean loss and mean gradient over the samples order[first], ...,
// order[first + count − 1] of the dataset (xs, ds); count <= BatchSize (a last,
// shorter batch), count >= 1.
template <std::size_t BatchSize, class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND,
          std::size_t N>
constexpr loss_and_gradient<Net> batch_backprop(const Net& net, const Loss&,
                                                const std::array<std::array<X, NX>, N>& xs,
                                                const std::array<std::array<D, ND>, N>& ds,
                                                const std::array<std::size_t, N>& order, std::size_t first,
                                                std::size_t count = BatchSize) noexcept {
    static_assert(detail::check_sample<Net, X, NX, D, ND>() && detail::check_batch_size<BatchSize>::value);
    using T = typename Net::scalar;
    loss_and_gradient<Net> result{T(0), {}};
    if (count > BatchSize) count = BatchSize;
    if (first + count > N) count = first < N ? N - first : 0;
    if (count == 0) return result;
    if constexpr (Net::batch_coupled && loss<Loss>) {
        // batch_norm: batch statistics over the batch; every sample in the
        // network's own context (its state is not changed here: fit and
        // train_batch keep it).
        detail::no_state state{};
        result.loss = detail::training_batch<BatchSize, Net, Loss>(
            net, xs, ds, order, first, count, [&](std::size_t) { return net.context; }, state, result.gradient);
    } else if (std::is_constant_evaluated() || !loss<Loss> || !detail::batch_kernels_in_use<Net>) {
        for (std::size_t b = 0; b < count; ++b) {
            const std::size_t n = order[first + b];
            result.loss += detail::accumulate_sample<Net, Loss>(net, xs[n], ds[n], result.gradient);
        }
    } else if constexpr (loss<Loss>) {
        // The layers' batch kernels (the same bits as the loop above; in
        // constant evaluation the loop above costs fewer steps).
        result.loss = detail::accumulate_batch<BatchSize, Net, Loss>(net, xs, ds, order, first, count, result.gradient);
    }
    const T scale = T(1) / static_cast<T>(count);
    result.loss *= scale;
    for (auto& g : result.gradient) g *= scale;
    return result;
}

// Mean loss and mean gradient over a batch given as arrays of B samples.
template <class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND, std::size_t B>
constexpr loss_and_gradient<Net> batch_backprop(const Net& net, const Loss& loss,
                                                const std::array<std::array<X, NX>, B>& xs,
                                                const std::array<std::array<D, ND>, B>& ds) noexcept {
    std::array<std::size_t, B> order{};
    for (std::size_t i = 0; i < B; ++i) order[i] = i;
    return batch_backprop<B>(net, loss, xs, ds, order, 0, B);
}

// One optimiser step on a batch of B samples. Returns the batch's mean loss
// before the update.
template <class Net, class Loss, class Optimiser, class X, std::size_t NX, class D, std::size_t ND, std::size_t B>
constexpr typename Net::scalar train_batch(Net& net, const Loss& loss, Optimiser& optimiser,
                                           const std::array<std::array<X, NX>, B>& xs,
                                           const std::array<std::array<D, ND>, B>& ds) noexcept {
    if constexpr (detail::trains_by_batch<Net>) {
        training_status status{};
        return train_batch(net, loss, optimiser, xs, ds, status);
    } else {
        const auto result = batch_backprop(net, loss, xs, ds);
        optimiser.update(net.parameters, result.gradient);
        return result.loss;
    }
}

// The same step, also saying how it went in `status`, as train_step's
// overload does (loss_not_finite, gradient_not_finite, parameters_not_finite).
template <class Net, class Loss, class Optimiser, class X, std::size_t NX, class D, std::size_t ND, std::size_t B>
constexpr typename Net::scalar train_batch(Net& net, const Loss& loss, Optimiser& optimiser,
                                           const std::array<std::array<X, NX>, B>& xs,
                                           const std::array<std::array<D, ND>, B>& ds,
                                           training_status& status) noexcept {
    if constexpr (detail::trains_by_batch<Net>) {
        // Dropout: sample b in a training context seeded from net.context.seed
        // (set a new seed for each batch); batch_norm: the batch's statistics,
        // and its running statistics updated (not by the optimiser).
        static_assert(detail::check_batch_norm_batch_sizes<Net, std::integral_constant<std::size_t, B>,
                                                           std::integral_constant<std::size_t, B>>::value);
        static_assert(detail::check_sample<Net, X, NX, D, ND>() && detail::check_loss<Loss>::value);
        std::array<std::size_t, B> order{};
        for (std::size_t i = 0; i < B; ++i) order[i] = i;
        std::uint64_t seed = 0;
        if constexpr (Net::uses_context) seed = net.context.seed;
        detail::state_after_batch_t<Net> state{};
        const auto result = detail::training_batch_mean<B, Net, Loss>(net, xs, ds, order, 0, B, seed, 0, state);
        optimiser.update(net.parameters, result.gradient);
        detail::store_state(net, state);
        status = detail::step_status(result.loss, &result.gradient, net.parameters);
        return result.loss;
    } else {
        const auto result = batch_backprop(net, loss, xs, ds);
        optimiser.update(net.parameters, result.gradient);
        status = detail::step_status(result.loss, &result.gradient, net.parameters);
        return result.loss;
    }
}

// Integer labels where target rows belong: a compile error naming one_hot.
template <class Net, class Loss, class Optimiser, class Xs, class Labels>
    requires detail::is_label_array_v<Labels>
constexpr typename Net::scalar train_batch(Net&, const Loss&, Optimiser&, const Xs&, const Labels&) noexcept {
    static_assert(detail::check_targets_are_arrays<Labels>::value);
    return {};
}

template <class Net, class Loss, class Xs, class Labels>
    requires detail::is_label_array_v<Labels>
constexpr loss_and_gradient<Net> batch_backprop(const Net&, const Loss&, const Xs&, const Labels&) noexcept {
    static_assert(detail::check_targets_are_arrays<Labels>::value);
    return {};
}

} // namespace ctnn
