// digits_split.hpp - the digits classifier's type and its train/test split,
// shared by the build step (train_float.cpp), the example (main.cpp) and the
// firmware. The split is examples/digits': a permutation of the 1797 samples
// by ctnn::splitmix64 seeded 7, the first 1437 for training, the other 360
// held out; pixels (0..16) scaled to [0, 1]. All constexpr.
#pragma once

#include "../digits/digits_data.hpp"

#include <ctnn/core/network.hpp>
#include <ctnn/core/random.hpp>
#include <ctnn/data/dataset.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace digits_split {

using net_t = ctnn::network<float, ctnn::dense<64, 32>, ctnn::relu, ctnn::dense<32, 10>>;

inline constexpr std::uint64_t seed = 7;
inline constexpr std::size_t sample_count = digits_data::sample_count;
inline constexpr std::size_t test_count = 360;
inline constexpr std::size_t train_count = sample_count - test_count;

inline constexpr std::array<std::size_t, sample_count> order = [] {
    ctnn::splitmix64 gen{seed};
    return ctnn::shuffled_indices<sample_count>(gen);
}();

constexpr std::size_t train_index(std::size_t n) noexcept { return order[n]; }
constexpr std::size_t test_index(std::size_t n) noexcept { return order[train_count + n]; }

// Pixel counts 0..16 as the network's inputs in [0, 1] (exact in float).
constexpr std::array<float, 64> pixels(std::size_t sample) noexcept {
    std::array<float, 64> x{};
    for (std::size_t i = 0; i < 64; ++i) x[i] = static_cast<float>(digits_data::features[sample][i]) / 16.0f;
    return x;
}

} // namespace digits_split
