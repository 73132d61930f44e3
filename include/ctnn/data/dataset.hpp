// ctnn/data/dataset.hpp - datasets in std::array: shuffling, splitting, labels,
// standardising. All constexpr, no heap.
//
// A dataset is two arrays of the same length: inputs xs[N][NX] and targets
// ds[N][ND] (for classification, one-hot rows: ctnn::one_hot).
#pragma once

#include <ctnn/core/math.hpp>
#include <ctnn/core/random.hpp>

#include <array>
#include <cstddef>
#include <utility>

namespace ctnn {

// 0, 1, ..., N − 1.
template <std::size_t N>
constexpr std::array<std::size_t, N> iota_indices() noexcept {
    std::array<std::size_t, N> order{};
    for (std::size_t i = 0; i < N; ++i) order[i] = i;
    return order;
}

// Fisher–Yates: every permutation equally likely (up to `below`'s tiny bias),
// the same sequence at compile time and at runtime for the same generator.
template <class E, std::size_t N>
constexpr void shuffle(std::array<E, N>& a, splitmix64& gen) noexcept {
    for (std::size_t i = N; i > 1; --i) {
        const std::size_t j = gen.below(i); // in [0, i)
        if (j != i - 1) {
            E tmp = a[i - 1];
            a[i - 1] = a[j];
            a[j] = tmp;
        }
    }
}

// A random permutation of 0 .. N − 1.
template <std::size_t N>
constexpr std::array<std::size_t, N> shuffled_indices(splitmix64& gen) noexcept {
    auto order = iota_indices<N>();
    shuffle(order, gen);
    return order;
}

// The rows of `a` in the order given by `order` (order[i] is the source row of row i).
template <class E, std::size_t N, std::size_t M>
constexpr std::array<E, M> gather(const std::array<E, N>& a, const std::array<std::size_t, M>& order) noexcept {
    std::array<E, M> out{};
    for (std::size_t i = 0; i < M; ++i) out[i] = a[order[i]];
    return out;
}

// Rows [First, First + Count) of `a`.
template <std::size_t First, std::size_t Count, class E, std::size_t N>
constexpr std::array<E, Count> slice(const std::array<E, N>& a) noexcept {
    static_assert(First + Count <= N, "ctnn::slice<First, Count>: the slice runs past the end of the array");
    std::array<E, Count> out{};
    for (std::size_t i = 0; i < Count; ++i) out[i] = a[First + i];
    return out;
}

// A dataset split in two: the first Train rows and the rest.
template <class X, class D, std::size_t Train, std::size_t Test>
struct split_dataset {
    std::array<X, Train> train_inputs;
    std::array<D, Train> train_targets;
    std::array<X, Test> test_inputs;
    std::array<D, Test> test_targets;
};

// Shuffles the rows (inputs and targets together) with `gen`, then keeps the
// first Train for training and the other N − Train for testing.
template <std::size_t Train, class X, class D, std::size_t N>
constexpr split_dataset<X, D, Train, N - Train> shuffle_split(const std::array<X, N>& xs, const std::array<D, N>& ds,
                                                              splitmix64& gen) noexcept {
    static_assert(Train > 0 && Train < N, "ctnn::shuffle_split<Train>: both parts need at least one sample");
    const auto order = shuffled_indices<N>(gen);
    split_dataset<X, D, Train, N - Train> out{};
    for (std::size_t i = 0; i < Train; ++i) {
        out.train_inputs[i] = xs[order[i]];
        out.train_targets[i] = ds[order[i]];
    }
    for (std::size_t i = Train; i < N; ++i) {
        out.test_inputs[i - Train] = xs[order[i]];
        out.test_targets[i - Train] = ds[order[i]];
    }
    return out;
}

// The one-hot row of class `label` among Classes.
template <std::size_t Classes, class T = double>
constexpr std::array<T, Classes> one_hot(std::size_t label) noexcept {
    std::array<T, Classes> row{};
    if (label < Classes) row[label] = T(1);
    return row;
}

template <std::size_t Classes, class T = double, class Label, std::size_t N>
constexpr std::array<std::array<T, Classes>, N> one_hot(const std::array<Label, N>& labels) noexcept {
    std::array<std::array<T, Classes>, N> rows{};
    for (std::size_t n = 0; n < N; ++n) rows[n] = one_hot<Classes, T>(static_cast<std::size_t>(labels[n]));
    return rows;
}

// Index of the largest entry (the first, on ties): the predicted class.
template <class T, std::size_t N>
constexpr std::size_t argmax(const std::array<T, N>& y) noexcept {
    static_assert(N > 0, "ctnn::argmax: empty array");
    std::size_t best = 0;
    for (std::size_t i = 1; i < N; ++i)
        if (y[i] > y[best]) best = i;
    return best;
}

// Per-feature standardisation x' = (x − mean) / stddev, fitted on training
// data only (so nothing about the test data leaks into training). A constant
// feature (stddev 0) is only centred.
template <class T, std::size_t NX>
struct standardiser {
    std::array<T, NX> mean{};
    std::array<T, NX> stddev{};

    template <std::size_t N>
    static constexpr standardiser fit(const std::array<std::array<T, NX>, N>& xs) noexcept {
        static_assert(N > 0, "ctnn::standardiser::fit: no samples");
        standardiser s{};
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t i = 0; i < NX; ++i) s.mean[i] += xs[n][i];
        for (std::size_t i = 0; i < NX; ++i) s.mean[i] /= T(N);
        for (std::size_t n = 0; n < N; ++n)
            for (std::size_t i = 0; i < NX; ++i) {
                const T e = xs[n][i] - s.mean[i];
                s.stddev[i] += e * e;
            }
        for (std::size_t i = 0; i < NX; ++i) s.stddev[i] = math::sqrt(s.stddev[i] / T(N));
        return s;
    }

    constexpr std::array<T, NX> operator()(const std::array<T, NX>& x) const noexcept {
        std::array<T, NX> out{};
        for (std::size_t i = 0; i < NX; ++i)
            out[i] = stddev[i] > T(0) ? (x[i] - mean[i]) / stddev[i] : x[i] - mean[i];
        return out;
    }

    template <std::size_t N>
    constexpr std::array<std::array<T, NX>, N> operator()(const std::array<std::array<T, NX>, N>& xs) const noexcept {
        std::array<std::array<T, NX>, N> out{};
        for (std::size_t n = 0; n < N; ++n) out[n] = (*this)(xs[n]);
        return out;
    }
};

} // namespace ctnn
