// The study note's whole experiment at compile time: compiling is passing.
// Seeded 2-10-1 ReLU network, gradient check, 50 backprop steps and 50
// numerical-diff steps from the same weights, with the compilers' DEFAULT
// constexpr limits (the numerical run is split into chunks, each its own
// constant evaluation). tests/runtime/note_experiment.cpp checks that the
// runtime computes the same bits.
#include <note_plans.hpp>

#include <catch2/catch.hpp>

namespace {

using namespace note_plans;

constexpr double initial_loss = note::mean_loss(setup.net, setup.data);
constexpr double backprop_loss = note::mean_loss(backprop_run.net, setup.data);
constexpr double numerical_loss = note::mean_loss(numerical_run.net, setup.data);

constexpr double largest_difference(const net_t& a, const net_t& b) {
    double m = 0;
    for (std::size_t k = 0; k < net_t::parameter_count; ++k) {
        const double e = a.parameters[k] > b.parameters[k] ? a.parameters[k] - b.parameters[k]
                                                            : b.parameters[k] - a.parameters[k];
        m = e > m ? e : m;
    }
    return m;
}

} // namespace

TEST_CASE("note: backprop of the seeded network passes the gradient check", "[static][note]") {
    constexpr auto report = ctnn::gradient_check(setup.net, ctnn::mse{}, setup.data.x[0], setup.data.d[0]);
    STATIC_REQUIRE(report.passed);
    STATIC_REQUIRE(report.gradient_norm > 0);            // not vacuous
    STATIC_REQUIRE(report.max_loss_change > 0);          // not vacuous
    STATIC_REQUIRE(report.parameters_checked + report.kinks_skipped == 41);
    STATIC_REQUIRE(report.parameters_checked >= 31);     // at most the 10 hidden units' kinks skipped
    STATIC_REQUIRE(report.max_relative_error < 1e-6);
}

TEST_CASE("note: the same check over several samples (mean loss)", "[static][note]") {
    constexpr std::array<std::array<double, 2>, 4> xs{setup.data.x[0], setup.data.x[1], setup.data.x[2], setup.data.x[3]};
    constexpr std::array<std::array<double, 1>, 4> ds{setup.data.d[0], setup.data.d[1], setup.data.d[2], setup.data.d[3]};
    constexpr auto report = ctnn::gradient_check(setup.net, ctnn::mse{}, xs, ds);
    STATIC_REQUIRE(report.passed);
    STATIC_REQUIRE(report.gradient_norm > 0);
}

TEST_CASE("note: 50 backprop steps and 50 numerical-diff steps both lower the loss", "[static][note]") {
    STATIC_REQUIRE(ctnn::training_succeeded<backprop_run.status>());
    STATIC_REQUIRE(ctnn::training_succeeded<numerical_run.status>());
    STATIC_REQUIRE(backprop_run.steps_done == 50);
    STATIC_REQUIRE(numerical_run.steps_done == 50);
    STATIC_REQUIRE(backprop_loss < 0.1 * initial_loss);
    STATIC_REQUIRE(numerical_loss < 0.1 * initial_loss);
}

TEST_CASE("note: from the same start, both methods end in the same place", "[static][note]") {
    // Central differences in double with h = 1e-5 are accurate to ~1e-10, so
    // after 50 steps the two networks differ by far less than 1e-6.
    STATIC_REQUIRE(largest_difference(backprop_run.net, numerical_run.net) < 1e-6);
    STATIC_REQUIRE(largest_difference(backprop_run.net, numerical_run.net) > 0); // different computations
    constexpr double gap = backprop_loss > numerical_loss ? backprop_loss - numerical_loss
                                                          : numerical_loss - backprop_loss;
    STATIC_REQUIRE(gap < 1e-6 * backprop_loss);
}
