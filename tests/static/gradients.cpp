// Backprop against central differences for every layer, activation and loss,
// at compile time (STATIC_REQUIRE). Each check also proves it is not vacuous:
// gradient_check fails on an all-zero gradient or a loss that never moved,
// and the tests below require a non-zero gradient norm explicitly.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

namespace {

using ctnn::dense;

template <class Net>
constexpr Net seeded(std::uint64_t seed) {
    return ctnn::make_network<Net>(seed, ctnn::init::uniform{-1.0, 1.0});
}

constexpr std::array<double, 3> x3{0.5, -1.25, 2.0};
constexpr std::array<double, 4> x4{0.3, -0.7, 1.1, -2.2};
constexpr std::array<double, 2> d2{0.25, -0.5};

template <class Net, class X, class D>
constexpr bool parameters_check(std::uint64_t seed, const X& x, const D& d) {
    const auto r = ctnn::gradient_check(seeded<Net>(seed), ctnn::mse{}, x, d);
    return r.passed && r.gradient_norm > 0 && r.parameters_checked > 0 && r.max_relative_error < 1e-6;
}

template <class Net, class X, class D>
constexpr bool input_check(const Net& net, const X& x, const D& d) {
    const auto r = ctnn::input_gradient_check(net, ctnn::mse{}, x, d);
    return r.passed && r.gradient_norm > 0 && r.parameters_checked == x.size() && r.max_relative_error < 1e-6;
}

} // namespace

TEST_CASE("dense: parameter and input gradients match central differences", "[static][dense]") {
    using net_t = ctnn::network<double, dense<3, 2>>;
    STATIC_REQUIRE(parameters_check<net_t>(1, x3, d2));
    STATIC_REQUIRE(input_check(seeded<net_t>(2), x3, d2));
}

TEST_CASE("identity, relu, sigmoid, tanh on their own: input gradients", "[static][activation]") {
    constexpr std::array<double, 4> d4{0.1, 0.2, -0.3, 0.4};
    STATIC_REQUIRE(input_check(ctnn::network<double, ctnn::input<4>, ctnn::identity>{}, x4, d4));
    STATIC_REQUIRE(input_check(ctnn::network<double, ctnn::input<4>, ctnn::relu>{}, x4, d4));
    STATIC_REQUIRE(input_check(ctnn::network<double, ctnn::input<4>, ctnn::sigmoid>{}, x4, d4));
    STATIC_REQUIRE(input_check(ctnn::network<double, ctnn::input<4>, ctnn::tanh>{}, x4, d4));
}

TEST_CASE("each activation inside a network: parameter gradients", "[static][activation]") {
    STATIC_REQUIRE(parameters_check<ctnn::network<double, dense<3, 4>, ctnn::identity, dense<4, 2>>>(3, x3, d2));
    STATIC_REQUIRE(parameters_check<ctnn::network<double, dense<3, 4>, ctnn::relu, dense<4, 2>>>(4, x3, d2));
    STATIC_REQUIRE(parameters_check<ctnn::network<double, dense<3, 4>, ctnn::sigmoid, dense<4, 2>>>(5, x3, d2));
    STATIC_REQUIRE(parameters_check<ctnn::network<double, dense<3, 4>, ctnn::tanh, dense<4, 2>>>(6, x3, d2));
}

TEST_CASE("mse: gradient in y matches central differences", "[static][loss]") {
    constexpr std::array<double, 3> y{0.5, -1.0, 3.0}, d{1.0, 1.0, -2.0};
    constexpr auto r = ctnn::loss_gradient_check(ctnn::mse{}, y, d);
    STATIC_REQUIRE(r.passed);
    STATIC_REQUIRE(r.gradient_norm > 0);
    STATIC_REQUIRE(r.parameters_checked == 3);
    // The note's definition: E = ½·mean((d − y)²).
    STATIC_REQUIRE(ctnn::mse::value(y, d) == (0.25 + 4.0 + 25.0) / 6.0);
}

TEST_CASE("a float network is checked in double", "[static][float]") {
    using net_t = ctnn::network<float, dense<3, 4>, ctnn::tanh, dense<4, 2>>;
    constexpr std::array<float, 3> x{0.5f, -1.25f, 2.0f};
    constexpr std::array<float, 2> d{0.25f, -0.5f};
    constexpr auto r = ctnn::gradient_check(seeded<net_t>(7), ctnn::mse{}, x, d);
    STATIC_REQUIRE(r.passed);
    STATIC_REQUIRE(r.max_relative_error < 1e-6); // double precision, not float's
}
