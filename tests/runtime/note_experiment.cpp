// The study note's experiment at runtime: training lowers the loss by either
// method, and the runtime results equal, bit for bit, what the same code
// computes in constant evaluation (this file is built with -ffp-contract=off,
// as all of ctnn's own targets are).
#include <note_plans.hpp>

#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>

namespace {

// The seed reaches the runtime side through a volatile, so the compiler can
// neither fold the runtime run nor try to constant-evaluate it.
volatile std::uint64_t runtime_seed = note_plans::seed;

struct outcome {
    double initial_loss;
    double final_loss;
    note::network<double> net;
};

constexpr outcome run(std::uint64_t s, note::method how, std::size_t steps) {
    auto setup = note::make_setup<double>(s);
    const double initial = note::mean_loss(setup.net, setup.data);
    note::train(setup.net, setup.data, setup.draws, steps, how);
    return {initial, note::mean_loss(setup.net, setup.data), setup.net};
}

template <std::size_t N>
bool same_bits(const std::array<double, N>& a, const std::array<double, N>& b) {
    for (std::size_t i = 0; i < N; ++i)
        if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return false;
    return true;
}

} // namespace

TEST_CASE("backprop training lowers the mean loss (runtime)", "[runtime][note]") {
    const auto r = run(runtime_seed, note::method::backprop, 50);
    CHECK(r.final_loss < 0.5 * r.initial_loss);
}

TEST_CASE("numerical-diff training lowers the mean loss (runtime)", "[runtime][note]") {
    const auto r = run(runtime_seed, note::method::numerical, 50);
    CHECK(r.final_loss < 0.5 * r.initial_loss);
}

TEST_CASE("constant-evaluated and runtime training agree bit for bit", "[runtime][note][bits]") {
    // The compile-time side is tests/static/note_experiment.cpp's: 50 backprop
    // steps in one constant evaluation, 50 numerical-diff steps in five.
    const outcome backprop_at_runtime = run(runtime_seed, note::method::backprop, 50);
    const outcome numerical_at_runtime = run(runtime_seed, note::method::numerical, 50);
    CHECK(same_bits(note_plans::backprop_run.net.parameters, backprop_at_runtime.net.parameters));
    CHECK(same_bits(note_plans::numerical_run.net.parameters, numerical_at_runtime.net.parameters));
    CHECK(std::bit_cast<std::uint64_t>(note::mean_loss(note_plans::backprop_run.net, note_plans::setup.data)) ==
          std::bit_cast<std::uint64_t>(backprop_at_runtime.final_loss));
}
