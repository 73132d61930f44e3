// model.cpp - everything the compiler computes for the embedded example.
//
// Each object below is constexpr: its value is the result of a constant
// evaluation (training included), and it is placed in read-only memory.
#include "model.hpp"

namespace embedded {

namespace {

// Training runs in chunks of training_chunk steps, each its own constant
// evaluation continuing from the last: one evaluation of all the steps would
// exceed GCC's default limit of 2^25 operations per constant expression.
template <std::size_t Chunk>
struct training_stage {
    static constexpr note::setup<scalar> value = [] {
        auto s = training_stage<Chunk - 1>::value;
        note::train(s.net, s.data, s.draws, training_chunk, note::method::backprop);
        return s;
    }();
};

template <>
struct training_stage<0> {
    static constexpr note::setup<scalar> value = note::make_setup<scalar>(seed);
};

constexpr const note::setup<scalar>& untrained = training_stage<0>::value;
constexpr const note::setup<scalar>& after_training = training_stage<training_chunks>::value;

} // namespace

constexpr network trained = after_training.net;
constexpr scalar initial_loss = note::mean_loss(untrained.net, untrained.data);
constexpr scalar trained_loss = note::mean_loss(after_training.net, after_training.data);
static_assert(trained_loss < initial_loss / 10, "compile-time training must reduce the note's loss tenfold");

// Probes on a grid over the input square [0, 1)², off the training samples.
constexpr std::array<network::input_type, probe_count> probe_inputs{{
    {0.125f, 0.125f}, {0.875f, 0.125f}, {0.125f, 0.875f}, {0.875f, 0.875f},
    {0.5f, 0.5f},     {0.25f, 0.75f},   {0.75f, 0.25f},   {0.0f, 0.0f},
}};

constexpr std::array<network::output_type, probe_count> expected_outputs = [] {
    std::array<network::output_type, probe_count> y{};
    for (std::size_t k = 0; k < probe_count; ++k) y[k] = trained.forward(probe_inputs[k]);
    return y;
}();

constexpr std::uint64_t fine_tuning_seed = 0x5eed0001;
constexpr std::uint64_t evaluation_seed = 0x5eed0002;

constexpr fine_tuning_result expected_fine_tuning = [] {
    network net = trained;
    const scalar before = drifted_loss(net, evaluation_seed);
    fine_tune(net, fine_tuning_seed, fine_tuning_steps);
    return fine_tuning_result{before, drifted_loss(net, evaluation_seed), net.parameters};
}();
static_assert(expected_fine_tuning.loss_after < expected_fine_tuning.loss_before / 2,
              "fine-tuning must at least halve the loss on the drifted task");

} // namespace embedded
