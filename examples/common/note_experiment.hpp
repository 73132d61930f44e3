// note_experiment.hpp - the study note's experiment, shared by the example,
// the runtime tests and the compile-time tests (one implementation for all).
//
// A 2-H-1 ReLU network (H = 10 in the note: 41 parameters), every parameter
// drawn from N(0, 1); 100 samples x ~ U[0,1)², target d = 3·x0 + 2·x1; SGD with
// learning rate 0.07 on one randomly drawn sample per step; the gradient from
// backprop or from central differences with h = 1e-5.
//
// Unlike the note, both runs start from the same weights and draw the same
// samples, so their results can be compared, and numerical differentiation
// restores each parameter after perturbing it.
#pragma once

#include <ctnn/ctnn.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace note {

template <class T, std::size_t Hidden = 10>
using network = ctnn::network<T, ctnn::dense<2, Hidden>, ctnn::relu, ctnn::dense<Hidden, 1>>;

inline constexpr std::size_t sample_count = 100;
inline constexpr double learning_rate = 0.07;
inline constexpr double numerical_step = 1e-5;

template <class T>
struct dataset {
    std::array<std::array<T, 2>, sample_count> x;
    std::array<std::array<T, 1>, sample_count> d;
};

enum class method { backprop, numerical };

// Everything a run starts from, drawn from one seed: the weights, then the
// 100 samples; `draws` continues the same sequence for picking samples.
template <class T, std::size_t Hidden = 10>
struct setup {
    network<T, Hidden> net;
    dataset<T> data;
    ctnn::splitmix64 draws;
};

template <class T, std::size_t Hidden = 10>
constexpr setup<T, Hidden> make_setup(std::uint64_t seed) noexcept {
    ctnn::splitmix64 gen{seed};
    setup<T, Hidden> s{network<T, Hidden>{}, dataset<T>{}, gen};
    ctnn::initialise(s.net, ctnn::init::normal{}, gen);
    for (std::size_t n = 0; n < sample_count; ++n) {
        const T x0 = gen.template uniform<T>();
        const T x1 = gen.template uniform<T>();
        s.data.x[n] = {x0, x1};
        s.data.d[n] = {T(3) * x0 + T(2) * x1};
    }
    s.draws = gen;
    return s;
}

// `steps` SGD steps on randomly drawn samples (ctnn::train_random_samples).
// on_step(step, loss) sees each sample's loss before its update.
template <class Net, class T, class OnStep = ctnn::no_callback>
constexpr ctnn::training_status train(Net& net, const dataset<T>& data, ctnn::splitmix64& draws, std::size_t steps,
                                      method how, OnStep&& on_step = {}) noexcept {
    ctnn::training_run<Net> run{net, ctnn::sgd{learning_rate}, draws};
    if (how == method::backprop)
        ctnn::train_random_samples(run, ctnn::mse{}, data.x, data.d, steps, ctnn::backprop_method{}, on_step);
    else
        ctnn::train_random_samples(run, ctnn::mse{}, data.x, data.d, steps, ctnn::numerical_method{numerical_step},
                                   on_step);
    net = run.net;
    draws = run.draws;
    return run.status;
}

template <class Net, class T>
constexpr T mean_loss(const Net& net, const dataset<T>& data) noexcept {
    return ctnn::mean_loss(net, ctnn::mse{}, data.x, data.d);
}

} // namespace note
