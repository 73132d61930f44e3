// The study note's experiment as compile-time training plans, shared by the
// pure compile-time test (tests/static/note_experiment.cpp) and the runtime
// test that checks the runtime gives the same bits.
#pragma once

#include <note_experiment.hpp>

#include <cstdint>

namespace note_plans {

inline constexpr std::uint64_t seed = 1;
inline constexpr auto setup = note::make_setup<double>(seed);
using net_t = note::network<double>;

// StepsPerChunk steps per constant evaluation, by backprop or numerical diff,
// from the same weights and the same sample draws.
template <note::method How, std::size_t StepsPerChunk>
struct plan {
    static constexpr auto start() {
        return ctnn::training_run<net_t>{setup.net, ctnn::sgd{note::learning_rate}, setup.draws};
    }
    static constexpr void advance(auto& run) {
        if constexpr (How == note::method::backprop)
            ctnn::train_random_samples(run, ctnn::mse{}, setup.data.x, setup.data.d, StepsPerChunk,
                                       ctnn::backprop_method{});
        else
            ctnn::train_random_samples(run, ctnn::mse{}, setup.data.x, setup.data.d, StepsPerChunk,
                                       ctnn::numerical_method{note::numerical_step});
    }
};

// 50 backprop steps fit in one constant evaluation; 50 numerical-diff steps
// (~1.1 million Clang steps) are split into five of 10.
inline constexpr auto& backprop_run = ctnn::trained_in_chunks<plan<note::method::backprop, 50>, 1>;
inline constexpr auto& numerical_run = ctnn::trained_in_chunks<plan<note::method::numerical, 10>, 5>;

} // namespace note_plans
