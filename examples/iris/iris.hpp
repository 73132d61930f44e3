// iris.hpp - the Iris experiment, shared by the runtime program and the
// compile-time one (one implementation for both).
//
// A 4-16-3 network (ReLU hidden layer, He initialisation; the softmax is fused
// into the loss, ctnn::softmax_cross_entropy on the three logits), Adam on
// mini-batches of 16: at runtime 60 epochs at learning rate 0.01; at compile
// time (examples/iris_compile_time) 10 epochs at 0.05, to keep the build short.
// A fixed seed splits the 150 samples into 120 for training and 30 for
// testing; features are standardised with the training part's mean and
// standard deviation.
#pragma once

#include "iris_data.hpp"

#include <ctnn/ctnn.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace iris {

using net_t = ctnn::network<double, ctnn::dense<4, 16>, ctnn::relu, ctnn::dense<16, 3>>;
using loss_t = ctnn::softmax_cross_entropy;

inline constexpr std::size_t train_count = 120;
inline constexpr std::size_t test_count = iris_data::sample_count - train_count;
inline constexpr std::size_t epochs = 60;
inline constexpr std::size_t batch_size = 16;
inline constexpr double learning_rate = 0.01;

struct data {
    std::array<std::array<double, 4>, train_count> train_x;
    std::array<std::array<double, 3>, train_count> train_d;
    std::array<std::array<double, 4>, test_count> test_x;
    std::array<std::array<double, 3>, test_count> test_d;
};

constexpr data make_data(std::uint64_t seed) noexcept {
    ctnn::splitmix64 gen{seed};
    const auto split = ctnn::shuffle_split<train_count>(iris_data::features, ctnn::one_hot<3>(iris_data::labels), gen);
    const auto scale = ctnn::standardiser<double, 4>::fit(split.train_inputs);
    return {scale(split.train_inputs), split.train_targets, scale(split.test_inputs), split.test_targets};
}

struct run_state {
    net_t net;
    ctnn::adam_for<net_t> optimiser;
};

constexpr run_state start(std::uint64_t seed, double rate = learning_rate) noexcept {
    return {ctnn::make_network<net_t>(seed, ctnn::init::he_normal{}), {.learning_rate = rate}};
}

// Epochs [First, First + Count) of the run; the shuffling seed differs per chunk.
template <std::size_t Count, class Callback = ctnn::no_callback>
constexpr ctnn::fit_history<double, Count> train(run_state& s, const data& d, std::uint64_t seed, std::size_t first,
                                                 Callback callback = {}) noexcept {
    return ctnn::fit<Count, batch_size>(s.net, loss_t{}, s.optimiser, d.train_x, d.train_d,
                                        {.seed = seed + first, .first_epoch = first},
                                        ctnn::schedule::constant{}, callback);
}

} // namespace iris
