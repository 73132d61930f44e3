// The gradient checks of tests/static/gradients.cpp at runtime, on networks
// and inputs the compiler cannot see, plus checks that fail when they should.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <cstdint>

namespace {

volatile std::uint64_t runtime_seed = 11;

template <class Net>
Net seeded(std::uint64_t offset) {
    return ctnn::make_network<Net>(runtime_seed + offset, ctnn::init::uniform{-1.0, 1.0});
}

template <std::size_t N>
std::array<double, N> random_input(std::uint64_t offset) {
    ctnn::splitmix64 gen{runtime_seed * 31 + offset};
    std::array<double, N> x{};
    for (auto& v : x) v = gen.uniform(-2.0, 2.0);
    return x;
}

template <class Net>
void require_passes(const Net& net, std::uint64_t offset) {
    const auto x = random_input<Net::input_size>(offset);
    const auto d = random_input<Net::output_size>(offset + 100);
    const auto r = ctnn::gradient_check(net, ctnn::mse{}, x, d);
    INFO(ctnn::describe(r.failure) << " max_rel=" << r.max_relative_error << " max_abs=" << r.max_absolute_error);
    REQUIRE(r.passed);
    REQUIRE(r.gradient_norm > 0);
    REQUIRE(r.max_relative_error < 1e-6);
    REQUIRE(r.parameters_checked + r.kinks_skipped == Net::parameter_count);
}

} // namespace

TEST_CASE("dense and each activation pass the gradient check (runtime)", "[runtime][gradient]") {
    using ctnn::dense;
    require_passes(seeded<ctnn::network<double, dense<3, 2>>>(1), 1);
    require_passes(seeded<ctnn::network<double, dense<3, 5>, ctnn::identity, dense<5, 2>>>(2), 2);
    require_passes(seeded<ctnn::network<double, dense<3, 5>, ctnn::relu, dense<5, 2>>>(3), 3);
    require_passes(seeded<ctnn::network<double, dense<3, 5>, ctnn::sigmoid, dense<5, 2>>>(4), 4);
    require_passes(seeded<ctnn::network<double, dense<3, 5>, ctnn::tanh, dense<5, 2>>>(5), 5);
    require_passes(seeded<ctnn::network<double, dense<4, 8>, ctnn::tanh, dense<8, 8>, ctnn::relu, dense<8, 3>>>(6), 6);
}

TEST_CASE("backprop equals the numerical gradient of the note's network", "[runtime][gradient]") {
    using net_t = ctnn::network<double, ctnn::dense<2, 10>, ctnn::relu, ctnn::dense<10, 1>>;
    const auto net = ctnn::make_network<net_t>(runtime_seed);
    const auto x = random_input<2>(7);
    const std::array<double, 1> d{3 * x[0] + 2 * x[1]};
    const auto b = ctnn::backprop(net, ctnn::mse{}, x, d);
    const auto n = ctnn::numerical_gradient(net, ctnn::mse{}, x, d, 1e-6);
    double largest = 0;
    for (std::size_t k = 0; k < net_t::parameter_count; ++k) {
        CHECK(b.gradient[k] == Approx(n[k]).margin(1e-8).epsilon(1e-6));
        largest = std::max(largest, std::abs(b.gradient[k]));
    }
    REQUIRE(largest > 0); // not vacuous
    REQUIRE(b.loss == ctnn::loss_value(net, ctnn::mse{}, x, d));
}

TEST_CASE("numerical_gradient leaves the parameters exactly as they were", "[runtime][gradient]") {
    using net_t = ctnn::network<double, ctnn::dense<2, 10>, ctnn::relu, ctnn::dense<10, 1>>;
    const auto net = ctnn::make_network<net_t>(runtime_seed);
    auto copy = net;
    const auto x = random_input<2>(8);
    const std::array<double, 1> d{1.0};
    (void)ctnn::numerical_gradient(copy, ctnn::mse{}, x, d, 1e-5);
    REQUIRE(copy.parameters == net.parameters);
}

TEST_CASE("a wrong gradient fails the check", "[runtime][gradient][negative]") {
    // A loss whose gradient is off by 1%: the check must catch it.
    struct wrong_mse {
        static constexpr double value(const std::array<double, 2>& y, const std::array<double, 2>& d) {
            return ctnn::mse::value(y, d);
        }
        static constexpr void gradient(const std::array<double, 2>& y, const std::array<double, 2>& d,
                                       std::array<double, 2>& dy) {
            ctnn::mse::gradient(y, d, dy);
            dy[1] *= 1.01;
        }
    };
    using net_t = ctnn::network<double, ctnn::dense<3, 4>, ctnn::tanh, ctnn::dense<4, 2>>;
    const auto r = ctnn::gradient_check(seeded<net_t>(9), wrong_mse{}, random_input<3>(9), random_input<2>(10));
    REQUIRE_FALSE(r.passed);
    REQUIRE(r.failure == ctnn::gradient_check_failure::mismatch);
    REQUIRE(r.worst_layer == 2); // the output layer's parameters see the error
}

TEST_CASE("an all-zero gradient is a vacuous check and fails", "[runtime][gradient][negative]") {
    using net_t = ctnn::network<double, ctnn::dense<3, 4>, ctnn::relu, ctnn::dense<4, 2>>;
    net_t net{}; // all zero: every gradient is zero and every ReLU input sits on its kink
    const auto r = ctnn::gradient_check(net, ctnn::mse{}, random_input<3>(11), std::array<double, 2>{0.0, 0.0});
    REQUIRE_FALSE(r.passed);
}

TEST_CASE("train_step's fused backward+SGD gives the bits of backprop then update", "[runtime][gradient][sgd]") {
    using net_t = ctnn::network<double, ctnn::dense<5, 20>, ctnn::tanh, ctnn::dense<20, 20>, ctnn::relu,
                                ctnn::dense<20, 3>>;
    auto fused = seeded<net_t>(12);
    auto general = fused;
    ctnn::sgd opt{0.05};
    for (std::uint64_t step = 0; step < 20; ++step) {
        const auto x = random_input<5>(200 + step);
        const auto d = random_input<3>(300 + step);
        const double loss_fused = ctnn::train_step(fused, ctnn::mse{}, opt, x, d); // fused path
        const auto r = ctnn::backprop(general, ctnn::mse{}, x, d);                // general path
        opt.update(general.parameters, r.gradient);
        REQUIRE(loss_fused == r.loss);
    }
    REQUIRE(fused.parameters == general.parameters);
    REQUIRE(fused.parameters != seeded<net_t>(12).parameters); // it trained
}
