// ctnn/data/metrics.hpp - how well a trained network does on a dataset.
//
//   ctnn::accuracy(net, xs, ds)                 multi-class: argmax(y) == argmax(d)
//   ctnn::binary_accuracy(net, xs, ds, 0.0)     one output: (y > threshold) == (d > 0.5); any floating threshold
//   ctnn::confusion_matrix(net, xs, ds)         counts[true class][predicted class]
//   ctnn::mean_loss(net, loss, xs, ds)          (ctnn/grad/backprop.hpp) the mean loss
//
// Targets are rows (ctnn::one_hot, ctnn::binary_targets): passing integer
// labels instead is a compile error that names one_hot.
#pragma once

#include <ctnn/data/dataset.hpp>
#include <ctnn/grad/backprop.hpp>
#include <ctnn/core/network.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn {

// The fraction of samples whose largest output is at the target's largest
// entry (targets one-hot or any distribution). Works on logits and on
// probabilities alike: softmax keeps the order.
template <class Net, class X, std::size_t NX, class D, std::size_t ND, std::size_t N>
constexpr double accuracy(const Net& net, const std::array<std::array<X, NX>, N>& xs,
                          const std::array<std::array<D, ND>, N>& ds) noexcept {
    static_assert(detail::check_sample<Net, X, NX, D, ND>());
    static_assert(ND > 1, "ctnn::accuracy: one output: use ctnn::binary_accuracy with a threshold");
    static_assert(N > 0, "ctnn::accuracy: the dataset is empty");
    std::size_t correct = 0;
    for (std::size_t n = 0; n < N; ++n)
        if (argmax(net.forward(xs[n])) == argmax(ds[n])) ++correct;
    return static_cast<double>(correct) / static_cast<double>(N);
}

// One output: the prediction is y > threshold (0 for a logit, 0.5 for a
// sigmoid output), the truth d > 0.5. The threshold may be any floating-point
// type (0.0 for a float network too); it is converted to the network's scalar.
template <class Net, class X, std::size_t NX, class D, std::size_t N, class Threshold>
constexpr double binary_accuracy(const Net& net, const std::array<std::array<X, NX>, N>& xs,
                                 const std::array<std::array<D, 1>, N>& ds, Threshold threshold) noexcept {
    static_assert(detail::check_sample<Net, X, NX, D, 1>());
    static_assert(std::is_floating_point_v<Threshold>,
                  "ctnn::binary_accuracy: the threshold must be a floating-point number, e.g. 0.0 for a logit or "
                  "0.5 for a sigmoid output");
    static_assert(N > 0, "ctnn::binary_accuracy: the dataset is empty");
    const X t = static_cast<X>(threshold);
    std::size_t correct = 0;
    for (std::size_t n = 0; n < N; ++n)
        if ((net.forward(xs[n])[0] > t) == (ds[n][0] > D(0.5))) ++correct;
    return static_cast<double>(correct) / static_cast<double>(N);
}

// counts[t][p]: samples of true class t predicted as class p.
template <class Net, class X, std::size_t NX, class D, std::size_t ND, std::size_t N>
constexpr std::array<std::array<std::size_t, ND>, ND> confusion_matrix(
    const Net& net, const std::array<std::array<X, NX>, N>& xs, const std::array<std::array<D, ND>, N>& ds) noexcept {
    static_assert(detail::check_sample<Net, X, NX, D, ND>());
    static_assert(ND > 1, "ctnn::confusion_matrix: needs at least two classes");
    std::array<std::array<std::size_t, ND>, ND> counts{};
    for (std::size_t n = 0; n < N; ++n) ++counts[argmax(ds[n])][argmax(net.forward(xs[n]))];
    return counts;
}

// Integer labels where target rows belong: a compile error naming one_hot.
template <class Net, class Xs, class Labels>
    requires detail::is_label_array_v<Labels>
constexpr double accuracy(const Net&, const Xs&, const Labels&) noexcept {
    static_assert(detail::check_targets_are_arrays<Labels>::value);
    return 0;
}

template <class Net, class Xs, class Labels, class Threshold>
    requires detail::is_label_array_v<Labels>
constexpr double binary_accuracy(const Net&, const Xs&, const Labels&, Threshold) noexcept {
    static_assert(detail::check_targets_are_arrays<Labels>::value);
    return 0;
}

template <class Net, class Xs, class Labels>
    requires detail::is_label_array_v<Labels>
constexpr int confusion_matrix(const Net&, const Xs&, const Labels&) noexcept {
    static_assert(detail::check_targets_are_arrays<Labels>::value);
    return 0;
}

} // namespace ctnn
