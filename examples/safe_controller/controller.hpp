// controller.hpp - a network that imitates a saturating control law, and the
// bound on what it can ever command (shared by the example and its
// compile-fail twin in tests/compile_fail/).
//
// The law: u = u_max·tanh(k·(p + ½v)) on the state box p, v in [−1, 1]
// (position and velocity; a PD law that saturates smoothly). Over the box it
// commands at most u_max·tanh(1.5k) = 0.83·u_max. A 2-6-1 ReLU network learns
// it at compile time (SGD with momentum on a 5×5 grid of states, mean squared
// error), and ctnn::linear_bounds on 4×4 sub-boxes that cover the state box
// proves that the network never commands more than u_max anywhere in it, not
// only at the states it was trained on. (Splitting the box is what
// verification tools call branching: each sub-box has fewer ReLUs whose sign
// changes, so its linear bounds are tighter.) Outside the box the network
// extrapolates linearly, as a ReLU network does: on [−2, 2]² the same proof
// fails, and that is the compile-fail twin.
#pragma once

#include <ctnn/ctnn.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace safe_controller {

using net_t = ctnn::network<double, ctnn::dense<2, 6>, ctnn::relu, ctnn::dense<6, 1>>;

inline constexpr double u_max = 1.0;
inline constexpr double gain = 0.8;

constexpr double law(double p, double v) noexcept { return u_max * ctnn::math::tanh(gain * (p + 0.5 * v)); }

inline constexpr std::size_t grid = 5;
inline constexpr std::size_t samples = grid * grid;

struct training_set {
    std::array<std::array<double, 2>, samples> x{};
    std::array<std::array<double, 1>, samples> u{};
};

constexpr training_set make_training_set() noexcept {
    training_set t;
    for (std::size_t i = 0; i < grid; ++i)
        for (std::size_t j = 0; j < grid; ++j) {
            const double p = -1.0 + 2.0 * double(i) / double(grid - 1);
            const double v = -1.0 + 2.0 * double(j) / double(grid - 1);
            t.x[i * grid + j] = {p, v};
            t.u[i * grid + j] = {law(p, v)};
        }
    return t;
}

inline constexpr training_set data = make_training_set();

struct run_state {
    net_t net;
    ctnn::momentum_sgd_for<net_t> optimiser;
};

constexpr run_state start(std::uint64_t seed) noexcept {
    return {ctnn::make_network<net_t>(seed, ctnn::init::he_normal{}), {.learning_rate = 0.01, .momentum = 0.9}};
}

// Epochs of one sample at a time, in the grid's order.
template <std::size_t Epochs>
constexpr run_state train(run_state s) noexcept {
    for (std::size_t e = 0; e < Epochs; ++e)
        for (std::size_t k = 0; k < samples; ++k) ctnn::train_step(s.net, ctnn::mse{}, s.optimiser, data.x[k], data.u[k]);
    return s;
}

// The largest |u| the network can command anywhere in [lo, hi]², by linear
// bounds on Split × Split sub-boxes that cover it (each sub-box's edges are
// the same numbers as its neighbours', so no state falls between two).
template <std::size_t Split>
constexpr double command_bound(const net_t& net, double lo, double hi) noexcept {
    double worst = 0;
    for (std::size_t i = 0; i < Split; ++i)
        for (std::size_t j = 0; j < Split; ++j) {
            const auto edge = [&](std::size_t k) { return k == Split ? hi : lo + (hi - lo) * double(k) / double(Split); };
            const ctnn::box<double, 2> b{{edge(i), edge(j)}, {edge(i + 1), edge(j + 1)}};
            const auto u = ctnn::linear_bounds(net, b);
            worst = ctnn::math::abs(u.lower[0]) > worst ? ctnn::math::abs(u.lower[0]) : worst;
            worst = ctnn::math::abs(u.upper[0]) > worst ? ctnn::math::abs(u.upper[0]) : worst;
        }
    return worst;
}

// The trained controller: 40 epochs in two constant expressions of 20 (each
// within Clang's default -fconstexpr-steps).
inline constexpr run_state trained_half = train<20>(start(1));
inline constexpr run_state trained = train<20>(trained_half);

// The same with interval bounds, for comparison.
constexpr double interval_bound(const net_t& net, double lo, double hi) noexcept {
    const auto u = ctnn::output_bounds(net, ctnn::box<double, 2>{{lo, lo}, {hi, hi}});
    const double a = ctnn::math::abs(u.lower[0]), b = ctnn::math::abs(u.upper[0]);
    return a > b ? a : b;
}

// The worst error of the network against the law on a fine grid (a check of
// the imitation, not a proof).
constexpr double imitation_error(const net_t& net, std::size_t n) noexcept {
    double worst = 0;
    for (std::size_t i = 0; i <= n; ++i)
        for (std::size_t j = 0; j <= n; ++j) {
            const double p = -1.0 + 2.0 * double(i) / double(n), v = -1.0 + 2.0 * double(j) / double(n);
            const double e = ctnn::math::abs(net.forward({p, v})[0] - law(p, v));
            worst = e > worst ? e : worst;
        }
    return worst;
}

} // namespace safe_controller
