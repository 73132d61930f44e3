// ctnn/data/dataset.hpp - datasets in std::array: shuffling, splitting, labels,
// standardising. All constexpr, no heap.
//
// A dataset is two arrays of the same length: inputs xs[N][NX] and targets
// ds[N][ND]. For classification the targets are rows too: ctnn::one_hot for
// Classes outputs, ctnn::binary_targets for one output; integer labels passed
// where rows are expected are a compile error that says so.
//
//   ctnn::as_arrays<N>(v)            rows held in a std::vector or span -> std::array, size checked
//   ctnn::checksum(arrays...)        a 64-bit checksum of the values, as tools/ctnn-data writes it
//
// Reading a CSV file: ctnn/data/csv.hpp.
#pragma once

#include <ctnn/core/math.hpp>
#include <ctnn/core/random.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <ranges>
#include <span>
#include <tuple>
#include <type_traits>
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

namespace detail {

template <class T>
struct is_std_array : std::false_type {};
template <class E, std::size_t N>
struct is_std_array<std::array<E, N>> : std::true_type {};

// An array of integer class labels (std::array<integer, N>, bool excluded).
template <class T>
inline constexpr bool is_label_array_v = false;
template <class L, std::size_t N>
inline constexpr bool is_label_array_v<std::array<L, N>> = std::is_integral_v<L> && !std::is_same_v<L, bool>;

template <std::size_t Classes>
struct check_one_hot_classes {
    static_assert(Classes != 1, "ctnn::one_hot<1>: one output is not one-hot (label 0 would become {1}); "
                                "for one-output binary targets use ctnn::binary_targets(labels)");
    static_assert(Classes != 0, "ctnn::one_hot<Classes>: Classes must be at least 2");
    static constexpr bool value = true;
};

// For training and metrics functions that take a dataset's targets: the
// targets must be rows (std::array<std::array<D, ND>, N>), not class labels.
// Use it where an overload catches what the row overloads do not match:
//   static_assert(detail::check_targets_are_arrays<Targets>::value);
template <class Targets>
struct check_targets_are_arrays {
    static_assert(!is_label_array_v<Targets>,
                  "ctnn: the targets are integer class labels (std::array<integer, N>), but training and metrics "
                  "need one target row per sample: ctnn::one_hot<Classes>(labels) for Classes outputs, or "
                  "ctnn::binary_targets(labels) for one output");
    static_assert(is_label_array_v<Targets> || (is_std_array<Targets>::value && is_std_array<typename Targets::value_type>::value),
                  "ctnn: the targets must be a std::array of target rows, std::array<std::array<Scalar, Outputs>, N>");
    static constexpr bool value = true;
};

// The same for one sample's target (train_step, loss_value, ...).
template <class Target>
struct check_target_is_array {
    static_assert(!(std::is_integral_v<Target> && !std::is_same_v<Target, bool>),
                  "ctnn: the target is an integer class label, but a sample's target is a row: "
                  "ctnn::one_hot<Classes>(label) for Classes outputs, or ctnn::binary_targets(label) for one output");
    static_assert(is_std_array<Target>::value, "ctnn: a sample's target must be a std::array<Scalar, Outputs>");
    static constexpr bool value = true;
};

} // namespace detail

// The one-hot row of class `label` among Classes (all zeros when label >= Classes).
// Classes >= 2: a network with one output takes ctnn::binary_targets.
template <std::size_t Classes, class T = double>
constexpr std::array<T, Classes> one_hot(std::size_t label) noexcept {
    static_assert(detail::check_one_hot_classes<Classes>::value);
    std::array<T, Classes> row{};
    if (label < Classes) row[label] = T(1);
    return row;
}

template <std::size_t Classes, class T = double, class Label, std::size_t N>
constexpr std::array<std::array<T, Classes>, N> one_hot(const std::array<Label, N>& labels) noexcept {
    static_assert(detail::check_one_hot_classes<Classes>::value);
    std::array<std::array<T, Classes>, N> rows{};
    for (std::size_t n = 0; n < N; ++n) rows[n] = one_hot<Classes, T>(static_cast<std::size_t>(labels[n]));
    return rows;
}

// One-output binary targets: label 0 -> {0}, any other label -> {1} (for
// binary_cross_entropy_with_logits and binary_accuracy).
template <class T = double, class Label>
constexpr std::array<T, 1> binary_targets(Label label) noexcept {
    static_assert(std::is_arithmetic_v<Label>, "ctnn::binary_targets: a label is a number (0 or 1)");
    return {label != Label(0) ? T(1) : T(0)};
}

template <class T = double, class Label, std::size_t N>
constexpr std::array<std::array<T, 1>, N> binary_targets(const std::array<Label, N>& labels) noexcept {
    std::array<std::array<T, 1>, N> rows{};
    for (std::size_t n = 0; n < N; ++n) rows[n] = binary_targets<T>(labels[n]);
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

// ---------------------------------------------------------------------------
// Data held elsewhere: a std::vector, a std::span, a C array
// ---------------------------------------------------------------------------

enum class rows_status {
    ok,
    too_few,  // the range holds fewer than N rows (the rest are value-initialised)
    too_many, // the range holds more than N rows (the first N are kept)
};

constexpr const char* describe(rows_status s) noexcept {
    switch (s) {
    case rows_status::ok: return "ok";
    case rows_status::too_few: return "the data hold fewer rows than the array has";
    case rows_status::too_many: return "the data hold more rows than the array has";
    }
    return "unknown status";
}

template <class E, std::size_t N>
struct rows_result {
    std::array<E, N> rows{};
    rows_status status = rows_status::ok;
    std::size_t size = 0; // how many rows the source held
    constexpr explicit operator bool() const noexcept { return status == rows_status::ok; }
};

// The first N elements of a contiguous range (std::vector, std::span, C array,
// std::array) as a std::array, which is what training and metrics take:
//
//   std::vector<std::array<double, 4>> rows = ...;      // N known: 150
//   static const auto xs = ctnn::as_arrays<150>(rows);  // static: large arrays belong off the stack
//   if (!xs) ... ctnn::describe(xs.status), xs.size ...
//   ctnn::fit<60, 16>(net, loss, opt, xs.rows, ds.rows);
//
// A range whose size is part of its type (std::array, std::span<E, M>) must
// hold N elements: that is checked at compile time. Others are checked at
// run time: status too_few or too_many, and size says how many there were.
// The elements are copied (once); all sizes stay compile-time constants.
template <std::size_t N, class Range>
    requires std::ranges::contiguous_range<const Range&> && std::ranges::sized_range<const Range&>
constexpr auto as_arrays(const Range& range) noexcept {
    using E = std::remove_cv_t<std::ranges::range_value_t<const Range&>>;
    constexpr std::size_t extent = decltype(std::span(range))::extent;
    static_assert(extent == std::dynamic_extent || extent == N,
                  "ctnn::as_arrays<N>: the source's size, part of its type, differs from N");
    rows_result<E, N> out{};
    const std::span source(range);
    out.size = source.size();
    out.status = out.size < N ? rows_status::too_few : (out.size > N ? rows_status::too_many : rows_status::ok);
    const std::size_t count = out.size < N ? out.size : N;
    for (std::size_t n = 0; n < count; ++n) out.rows[n] = source[n];
    return out;
}

// Rows of Columns values stored one after another (a flat std::vector<double>
// of N * Columns values, as many readers give) as N rows of Columns.
// Status too_few / too_many compare the number of values with N * Columns;
// size is that number of values.
template <std::size_t N, std::size_t Columns, class Range>
    requires std::ranges::contiguous_range<const Range&> && std::ranges::sized_range<const Range&>
constexpr auto as_arrays(const Range& range) noexcept {
    using E = std::remove_cv_t<std::ranges::range_value_t<const Range&>>;
    static_assert(Columns > 0, "ctnn::as_arrays<N, Columns>: Columns must be at least 1");
    constexpr std::size_t extent = decltype(std::span(range))::extent;
    static_assert(extent == std::dynamic_extent || extent == N * Columns,
                  "ctnn::as_arrays<N, Columns>: the source's size, part of its type, differs from N * Columns");
    rows_result<std::array<E, Columns>, N> out{};
    const std::span source(range);
    out.size = source.size();
    out.status = out.size < N * Columns ? rows_status::too_few
                                        : (out.size > N * Columns ? rows_status::too_many : rows_status::ok);
    const std::size_t count = out.size < N * Columns ? out.size : N * Columns;
    for (std::size_t k = 0; k < count; ++k) out.rows[k / Columns][k % Columns] = source[k];
    return out;
}

// ---------------------------------------------------------------------------
// Checksum of a data set (what tools/ctnn-data writes into a data header and
// static_asserts, so a header that lost, gained or changed a value does not compile)
// ---------------------------------------------------------------------------
//
// ctnn::checksum(a, b, ...) hashes each argument in turn, an array of any
// depth of arithmetic values (or one value): first its sizes, outermost
// first, then its values in order, flattened, as 64-bit words: a double's
// bits, a float's bits, an integer's value modulo 2^64; except that 1-byte
// integers (std::uint8_t, ...) go 8 to a word, little-endian, the last word
// padded with zeros. Each word w updates h (from 0xcbf29ce484222325) as
// h = ((h ^ w) * 0x100000001b3) mod 2^64, then h ^= h >> 29.
// Not cryptographic: it detects edits and lost rows, not forgeries. A constant
// evaluator reads a whole array at once (std::bit_cast), so checking a
// header of 100,000 bytes costs well under a second.

namespace detail {

template <class T>
struct flat_array {
    using value_type = T;
    static constexpr std::size_t count = 1;
};
template <class E, std::size_t N>
struct flat_array<std::array<E, N>> {
    using value_type = typename flat_array<E>::value_type;
    static constexpr std::size_t count = N * flat_array<E>::count;
};

inline constexpr std::uint64_t checksum_prime = 0x100000001b3ull;

constexpr std::uint64_t checksum_step(std::uint64_t h, std::uint64_t w) noexcept {
    h = (h ^ w) * checksum_prime;
    return h ^ (h >> 29);
}

template <class T>
constexpr std::uint64_t checksum_sizes(std::uint64_t h) noexcept {
    if constexpr (is_std_array<T>::value) {
        h = checksum_step(h, std::tuple_size<T>::value);
        return checksum_sizes<typename T::value_type>(h);
    } else {
        return h;
    }
}

// The values one by one (any layout).
template <class V, class T, class F>
constexpr void for_each_value(const T& a, F& f) noexcept {
    if constexpr (is_std_array<T>::value) {
        for (const auto& e : a) for_each_value<V>(e, f);
    } else {
        f(a);
    }
}

template <class T>
constexpr std::uint64_t checksum_values(std::uint64_t h, const T& a) noexcept {
    using V = typename flat_array<T>::value_type;
    constexpr std::size_t count = flat_array<T>::count;
    static_assert(std::is_arithmetic_v<V>, "ctnn::checksum: values must be double, float or integers");
    static_assert(std::is_integral_v<V> || std::is_same_v<V, float> || std::is_same_v<V, double>,
                  "ctnn::checksum: values must be double, float or integers");
    constexpr bool packed = sizeof(T) == count * sizeof(V); // no padding anywhere
    constexpr bool little = std::endian::native == std::endian::little;
    if constexpr (std::is_integral_v<V> && sizeof(V) == 1) {
        if constexpr (packed && little && count % 8 == 0) {
            const auto words = std::bit_cast<std::array<std::uint64_t, count / 8>>(a);
            for (const std::uint64_t w : words) h = (h ^ w) * checksum_prime, h ^= h >> 29;
        } else {
            std::uint64_t w = 0;
            std::size_t k = 0;
            auto add = [&](V v) {
                w |= std::uint64_t{static_cast<unsigned char>(v)} << (8 * k);
                if (++k == 8) h = checksum_step(h, w), w = 0, k = 0;
            };
            for_each_value<V>(a, add);
            if (k != 0) h = checksum_step(h, w);
        }
    } else if constexpr (std::is_same_v<V, double> && packed) {
        const auto words = std::bit_cast<std::array<std::uint64_t, count>>(a);
        for (const std::uint64_t w : words) h = (h ^ w) * checksum_prime, h ^= h >> 29;
    } else if constexpr (std::is_same_v<V, float> && packed) {
        const auto words = std::bit_cast<std::array<std::uint32_t, count>>(a);
        for (const std::uint64_t w : words) h = (h ^ w) * checksum_prime, h ^= h >> 29;
    } else {
        auto add = [&](V v) {
            if constexpr (std::is_same_v<V, double>) h = checksum_step(h, std::bit_cast<std::uint64_t>(v));
            else if constexpr (std::is_same_v<V, float>) h = checksum_step(h, std::bit_cast<std::uint32_t>(v));
            else h = checksum_step(h, static_cast<std::uint64_t>(v));
        };
        for_each_value<V>(a, add);
    }
    return h;
}

} // namespace detail

template <class... Arrays>
constexpr std::uint64_t checksum(const Arrays&... arrays) noexcept {
    std::uint64_t h = 0xcbf29ce484222325ull;
    ((h = detail::checksum_values(detail::checksum_sizes<Arrays>(h), arrays)), ...);
    return h;
}

} // namespace ctnn
