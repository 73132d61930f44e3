// Every training entry point reports a non-finite gradient or parameter with
// a status (issue 13), on inputs the compiler cannot see: train_step's status
// overload, train_batch's, train_random_samples and fit. And the fused step's
// bits equal backprop-then-update at runtime, signed zeros included.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace {

volatile double runtime_inf = std::numeric_limits<double>::infinity();
volatile double runtime_nan = std::numeric_limits<double>::quiet_NaN();
volatile double runtime_one = 1.0;

// One hidden ReLU unit with weight −1: an input of +∞ gives z = −∞, relu = 0,
// a finite output and loss, but dE/dw₁ = 0·∞ = NaN: a non-finite gradient
// behind a finite loss.
using net_t = ctnn::network<double, ctnn::dense<1, 1>, ctnn::relu, ctnn::dense<1, 1>>;

net_t dead_unit() {
    net_t net{};
    net.parameters = {-runtime_one, 0.0, 1.0, 0.5};
    return net;
}

bool all_finite(const net_t::parameter_array& p) {
    for (const double v : p)
        if (!std::isfinite(v)) return false;
    return true;
}

} // namespace

TEST_CASE("train_step reports a non-finite gradient, parameter or loss", "[runtime][step]") {
    ctnn::training_status status{};
    auto net = dead_unit();
    ctnn::sgd opt{0.1};
    const double loss = ctnn::train_step(net, ctnn::mse{}, opt, std::array<double, 1>{runtime_inf},
                                         std::array<double, 1>{1.0}, status);
    CHECK(std::isfinite(loss));
    CHECK(status == ctnn::training_status::gradient_not_finite);
    // the same through an optimiser that is not fused-friendly in its state: Adam
    auto net2 = dead_unit();
    ctnn::adam_for<net_t> adam{.learning_rate = 0.01};
    ctnn::train_step(net2, ctnn::mse{}, adam, std::array<double, 1>{runtime_inf}, std::array<double, 1>{1.0}, status);
    CHECK(status == ctnn::training_status::gradient_not_finite);
    // a learning rate that overflows the update
    auto net3 = dead_unit();
    net3.parameters[0] = runtime_one;
    ctnn::sgd huge{1e308};
    ctnn::train_step(net3, ctnn::mse{}, huge, std::array<double, 1>{3.0}, std::array<double, 1>{1.0}, status);
    CHECK(status == ctnn::training_status::parameters_not_finite);
    // a NaN input: the loss is NaN (relu no longer hides it)
    auto net4 = dead_unit();
    ctnn::train_step(net4, ctnn::mse{}, opt, std::array<double, 1>{runtime_nan}, std::array<double, 1>{1.0}, status);
    CHECK(status == ctnn::training_status::loss_not_finite);
    auto net5 = dead_unit();
    ctnn::train_step(net5, ctnn::mse{}, opt, std::array<double, 1>{0.5 * runtime_one}, std::array<double, 1>{1.0},
                     status);
    CHECK(status == ctnn::training_status::ok);
}

TEST_CASE("train_batch reports a non-finite gradient", "[runtime][step][batch]") {
    ctnn::training_status status{};
    auto net = dead_unit();
    ctnn::sgd opt{0.1};
    const std::array<std::array<double, 1>, 2> xs{{{0.5 * runtime_one}, {runtime_inf}}};
    const std::array<std::array<double, 1>, 2> ds{{{1.0}, {0.0}}};
    CHECK(std::isfinite(ctnn::train_batch(net, ctnn::mse{}, opt, xs, ds, status)));
    CHECK(status == ctnn::training_status::gradient_not_finite);
}

TEST_CASE("train_random_samples stops on a non-finite gradient instead of reporting ok", "[runtime][step]") {
    const std::array<std::array<double, 1>, 3> xs{{{0.5 * runtime_one}, {runtime_inf}, {-0.25}}};
    const std::array<std::array<double, 1>, 3> ds{{{1.0}, {0.0}, {0.5}}};
    ctnn::training_run<net_t> run{dead_unit(), ctnn::sgd{0.1}};
    ctnn::train_random_samples(run, ctnn::mse{}, xs, ds, 200, ctnn::backprop_method{});
    CHECK(run.status == ctnn::training_status::gradient_not_finite); // was ok, with NaN weights
    CHECK(run.steps_done < 200);
    // the case: a NaN input behind ReLUs
    using wide_t = ctnn::network<double, ctnn::dense<2, 4>, ctnn::relu, ctnn::dense<4, 1>>;
    const std::array<std::array<double, 2>, 2> xs2{{{runtime_nan, 0.5}, {0.25, -0.5}}};
    const std::array<std::array<double, 1>, 2> ds2{{{1.0}, {0.0}}};
    ctnn::training_run<wide_t> run2{ctnn::make_network<wide_t>(7), ctnn::sgd{0.05}};
    ctnn::train_random_samples(run2, ctnn::mse{}, xs2, ds2, 200, ctnn::backprop_method{});
    CHECK(run2.status != ctnn::training_status::ok); // was ok after 200 steps, 4 weights NaN
}

TEST_CASE("fit stops with gradient_not_finite and parameters_not_finite", "[runtime][step][fit]") {
    const std::array<std::array<double, 1>, 4> xs{{{0.5 * runtime_one}, {runtime_inf}, {-0.25}, {1.0}}};
    const std::array<std::array<double, 1>, 4> ds{{{1.0}, {0.0}, {0.5}, {0.0}}};
    auto net = dead_unit();
    ctnn::sgd opt{0.1};
    const auto history = ctnn::fit<3, 4>(net, ctnn::mse{}, opt, xs, ds);
    CHECK(history.status == ctnn::training_status::gradient_not_finite); // was loss_not_finite
    CHECK(all_finite(net.parameters));                                   // that update is not applied
    const std::array<std::array<double, 1>, 4> finite{{{0.5 * runtime_one}, {2.0}, {-0.25}, {1.0}}};
    auto net2 = dead_unit();
    net2.parameters[0] = runtime_one;
    ctnn::sgd huge{1e308};
    const std::array<std::array<double, 1>, 4> far{{{-100.0}, {-100.0}, {-100.0}, {-100.0}}};
    const auto h2 = ctnn::fit<3, 4>(net2, ctnn::mse{}, huge, finite, far);
    CHECK(h2.status == ctnn::training_status::parameters_not_finite); // was loss_not_finite one batch later
    CHECK(h2.epochs == 0);
}

TEST_CASE("fused step: runtime bits equal backprop-then-update at −0.0", "[runtime][step]") {
    using one_t = ctnn::network<double, ctnn::dense<1, 1>>;
    one_t fused{}, separate{};
    fused.parameters = separate.parameters = {-0.0 * runtime_one, 0.5};
    const std::array<double, 1> x{-0.0 * runtime_one}, d{0.0};
    ctnn::sgd a{0.1}, b{0.1};
    ctnn::train_step(fused, ctnn::mse{}, a, x, d);
    b.update(separate.parameters, ctnn::backprop(separate, ctnn::mse{}, x, d).gradient);
    for (std::size_t k = 0; k < 2; ++k)
        CHECK(std::bit_cast<std::uint64_t>(fused.parameters[k]) == std::bit_cast<std::uint64_t>(separate.parameters[k]));
}
