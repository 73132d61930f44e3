// model.hpp - the embedded example's network and what the firmware checks.
//
// The study note's 2-10-1 ReLU network in float (41 parameters), trained at
// compile time on the note's task (d = 3·x0 + 2·x1) by the note's SGD. The
// trained network, a set of probe inputs, the network's outputs for them and
// the result of a short fine-tuning run are all computed by the compiler in
// model.cpp and live in read-only memory (flash). main.cpp only sees their
// declarations below, so the device's inference and fine-tuning cannot be
// folded into constants: they really run on the device, and are compared
// with what the compiler computed.
#pragma once

#include <note_experiment.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace embedded {

using scalar = float;
using network = note::network<scalar>; // dense<2,10>, relu, dense<10,1>

inline constexpr std::uint64_t seed = 1;             // the note experiment's setup
inline constexpr std::size_t training_chunk = 100;   // SGD steps per constant evaluation
inline constexpr std::size_t training_chunks = 3;    // (GCC allows 2^25 operations in one)
inline constexpr std::size_t training_steps = training_chunk * training_chunks;
inline constexpr std::size_t probe_count = 8;

// Fine-tuning on the device: the task moves (a sensor's offset drifted:
// d = 3·x0 + 2·x1 + offset) and a few SGD steps in RAM follow it. Samples
// come from a generator rather than a table, so the firmware holds one sample
// at a time.
inline constexpr scalar fine_tuning_offset = 0.5f;
inline constexpr std::size_t fine_tuning_steps = 20;
inline constexpr std::size_t evaluation_samples = 16;

constexpr network::output_type drifted_target(const network::input_type& x) noexcept {
    return {scalar(3) * x[0] + scalar(2) * x[1] + fine_tuning_offset};
}

constexpr network::input_type draw_input(ctnn::splitmix64& gen) noexcept {
    const scalar x0 = gen.uniform<scalar>();
    const scalar x1 = gen.uniform<scalar>();
    return {x0, x1};
}

// Mean loss on the drifted task over evaluation_samples drawn from `seed`.
constexpr scalar drifted_loss(const network& net, std::uint64_t sample_seed) noexcept {
    ctnn::splitmix64 gen{sample_seed};
    scalar sum = 0;
    for (std::size_t n = 0; n < evaluation_samples; ++n) {
        const auto x = draw_input(gen);
        sum += ctnn::loss_value(net, ctnn::mse{}, x, drifted_target(x));
    }
    return sum / scalar(evaluation_samples);
}

// `steps` SGD steps (the note's learning rate), one fresh sample each.
constexpr void fine_tune(network& net, std::uint64_t sample_seed, std::size_t steps) noexcept {
    ctnn::splitmix64 gen{sample_seed};
    ctnn::sgd optimiser{note::learning_rate};
    for (std::size_t step = 0; step < steps; ++step) {
        const auto x = draw_input(gen);
        ctnn::train_step(net, ctnn::mse{}, optimiser, x, drifted_target(x));
    }
}

struct fine_tuning_result {
    scalar loss_before;
    scalar loss_after;
    network::parameter_array parameters;
};

// Defined (constexpr, so in flash) in model.cpp.
extern const network trained;
extern const scalar trained_loss;      // mean loss on the note's 100 samples
extern const scalar initial_loss;      // ... before training
extern const std::array<network::input_type, probe_count> probe_inputs;
extern const std::array<network::output_type, probe_count> expected_outputs;
extern const std::uint64_t fine_tuning_seed;   // samples the steps draw
extern const std::uint64_t evaluation_seed;    // samples the loss is measured on
extern const fine_tuning_result expected_fine_tuning;

} // namespace embedded
