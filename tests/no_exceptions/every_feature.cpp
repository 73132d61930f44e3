// ctnn's public API, built with -fno-exceptions -fno-rtti and run: the
// library needs neither. (The full test suite is also rebuilt this way when
// CTNN_NO_EXCEPTIONS_SUITE is ON, which covers every feature that has a test.)
#include <ctnn/ctnn.hpp>

#include <array>
#include <limits>
#include <cstdint>
#include <cstdio>

namespace {

using net_t = ctnn::network<double, ctnn::dense<3, 4>, ctnn::tanh, ctnn::dense<4, 4>, ctnn::sigmoid,
                            ctnn::dense<4, 4>, ctnn::relu, ctnn::dense<4, 2>, ctnn::identity>;
using float_net_t = net_t::rebind<float>;

int failures = 0;

void require(bool ok, const char* what) {
    if (!ok) {
        ++failures;
        std::printf("FAILED: %s\n", what);
    }
}

// Everything below runs at compile time (the static_assert) and at runtime
// (main, with a seed the compiler cannot see).
constexpr bool exercise(std::uint64_t seed) {
    bool ok = true;

    // math
    ok = ok && ctnn::math::abs(ctnn::math::exp(ctnn::math::log(2.0)) - 2.0) < 1e-12;
    ok = ok && ctnn::math::abs(ctnn::math::expm1(1e-3) - 1.0005001667083417e-3) < 1e-15;
    ok = ok && ctnn::math::abs(ctnn::math::log1p(1e-3) - 9.995003330835332e-4) < 1e-15;
    ok = ok && ctnn::math::abs(ctnn::math::sqrt(2.0) * ctnn::math::sqrt(2.0) - 2.0) < 1e-12;
    ok = ok && ctnn::math::tanh(0.0) == 0.0 && ctnn::math::sigmoid(0.0) == 0.5;
    ok = ok && ctnn::math::isfinite(1.0) && !ctnn::math::isnan(1.0) && !ctnn::math::isfinite(std::numeric_limits<double>::infinity());

    // random and initialisation
    ctnn::splitmix64 gen{seed};
    const double u = gen.uniform<double>();
    ok = ok && u >= 0.0 && u < 1.0 && gen.below(10) < 10;
    const double r = gen.uniform(-2.0, 2.0);
    ok = ok && r >= -2.0 && r < 2.0;
    (void)gen.normal<double>();
    (void)gen.next();
    net_t net{};
    ctnn::initialise(net, ctnn::init::normal{0.0, 0.5}, gen);
    net = ctnn::make_network<net_t>(seed, ctnn::init::uniform{-1.0, 1.0});

    // forward, trace, backward
    const std::array<double, 3> x{0.5, -1.25, 2.0};
    const std::array<double, 2> d{0.25, -0.5};
    const auto y = net.forward(x);
    const auto trace = net.forward_trace(x);
    net_t::trace_type trace2{};
    net.forward(x, trace2);
    ok = ok && ctnn::output_of(trace) == y && ctnn::output_of(trace2) == y;
    std::array<double, 2> dy{};
    ctnn::mse::gradient(y, d, dy);
    net_t::gradient_type g1{}, g2{};
    const auto dx = net.backward(trace, dy, g1);
    net.accumulate_gradient(trace, dy, g2);
    ok = ok && g1 == g2 && dx.size() == 3;

    // losses, backprop, numerical gradient
    const auto result = ctnn::backprop(net, ctnn::mse{}, x, d);
    ok = ok && result.gradient == g1 && result.loss == ctnn::mse::value(y, d);
    ok = ok && ctnn::loss_value(net, ctnn::mse{}, x, d) == result.loss;
    const std::array<std::array<double, 3>, 2> xs{x, x};
    const std::array<std::array<double, 2>, 2> ds{d, d};
    ok = ok && ctnn::mean_loss(net, ctnn::mse{}, xs, ds) == result.loss;
    const auto numerical = ctnn::numerical_gradient(net, ctnn::mse{}, x, d, 1e-6);
    ok = ok && ctnn::math::abs(numerical[0] - g1[0]) < 1e-6;

    // gradient checks
    ok = ok && ctnn::gradient_check(net, ctnn::mse{}, x, d).passed;
    ok = ok && ctnn::gradient_check(net, ctnn::mse{}, xs, ds, ctnn::tolerance<double>::defaults()).passed;
    ok = ok && ctnn::loss_gradient_check(ctnn::mse{}, y, d).passed;
    ok = ok && ctnn::input_gradient_check(net, ctnn::mse{}, x, d).passed;
    const auto float_net = ctnn::convert<float>(net);
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(float_net)>, float_net_t>);
    const std::array<float, 3> xf{0.5f, -1.25f, 2.0f};
    const std::array<float, 2> df{0.25f, -0.5f};
    ok = ok && ctnn::gradient_check(float_net, ctnn::mse{}, xf, df).passed;
    ok = ok && *ctnn::describe(ctnn::gradient_check_failure::mismatch) != '\0';

    // training
    ctnn::sgd optimiser{0.05};
    const double before = ctnn::train_step(net, ctnn::mse{}, optimiser, x, d);
    (void)ctnn::train_step_numerical(net, ctnn::mse{}, optimiser, x, d, 1e-6);
    for (int step = 0; step < 20; ++step) ctnn::train_step(net, ctnn::mse{}, optimiser, x, d);
    ok = ok && ctnn::loss_value(net, ctnn::mse{}, x, d) < before;
    ok = ok && *ctnn::describe(ctnn::training_status::ok) != '\0';
    return ok;
}

static_assert(exercise(1), "the public API works in a constant expression under -fno-exceptions -fno-rtti");

} // namespace

int main(int argc, char**) {
    require(exercise(static_cast<std::uint64_t>(argc)), "the public API at runtime");
    require(CTNN_VERSION == CTNN_VERSION_MAJOR * 10000 + CTNN_VERSION_MINOR * 100 + CTNN_VERSION_PATCH, "version");
    if (failures == 0) std::printf("every feature: ok without exceptions or RTTI\n");
    return failures == 0 ? 0 : 1;
}
