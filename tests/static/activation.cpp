// Activation values and derivatives in their tails, at compile time (issue 13):
// each derivative is accurate to a few ulps of f'(x) itself where the former
// formula (1 − y, y + α, 1 − y², ½x(1 + tanh u)) cancelled to 0 or lost most
// digits. References: mpmath at 50 digits (tests/interop/differential/
// reference_derivatives.py audits the whole range).
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <limits>

namespace {

// f'(x) as backward computes it for dy = 1 (y = f(x) as forward gives it).
template <class F, class T>
constexpr T derivative(T x) {
    return F::derivative(x, F::value(x), T(1));
}

// |got − want| <= ulps of want, in T.
template <class T>
constexpr bool within_ulps(T got, double want, double ulps) {
    const double err = static_cast<double>(got) - want;
    const double mag = want < 0 ? -want : want;
    return (err < 0 ? -err : err) <= ulps * static_cast<double>(std::numeric_limits<T>::epsilon()) * mag;
}

namespace f = ctnn::functions;

} // namespace

TEST_CASE("elu: f'(x) = α·eˣ for x <= 0, exact where y + α cancelled", "[static][activation]") {
    STATIC_REQUIRE(within_ulps(derivative<f::elu<>>(-40.0), 4.2483542552915889953e-18, 2)); // was 0
    STATIC_REQUIRE(within_ulps(derivative<f::elu<>>(-20.0), 2.061153622438557828e-9, 2));
    STATIC_REQUIRE(within_ulps(derivative<f::elu<>>(-20.0f), 2.061153622438557828e-9, 2)); // float: was 0
    STATIC_REQUIRE(within_ulps(derivative<f::elu<3, 2>>(-40.0), 1.5 * 4.2483542552915889953e-18, 3));
    STATIC_REQUIRE(derivative<f::elu<>>(2.0) == 1.0);
}

TEST_CASE("sigmoid: f'(x) = σ(x)·σ(−x), exact where 1 − y cancelled", "[static][activation]") {
    STATIC_REQUIRE(within_ulps(derivative<f::sigmoid>(40.0), 4.2483542552915889592e-18, 4)); // was 0
    STATIC_REQUIRE(within_ulps(derivative<f::sigmoid>(-40.0), 4.2483542552915889592e-18, 4));
    STATIC_REQUIRE(within_ulps(derivative<f::sigmoid>(20.0f), 2.0611536139418493437e-9, 4)); // float: was 0
    STATIC_REQUIRE(derivative<f::sigmoid>(800.0) == 0.0); // e^-800 underflows: 0, no NaN
}

TEST_CASE("tanh: f'(x) = sech²x, exact where 1 − y² cancelled", "[static][activation]") {
    STATIC_REQUIRE(within_ulps(derivative<f::tanh>(25.0), 7.7149993918556711321e-22, 4)); // was 0
    STATIC_REQUIRE(within_ulps(derivative<f::tanh>(-25.0), 7.7149993918556711321e-22, 4));
    STATIC_REQUIRE(within_ulps(derivative<f::tanh>(-12.0f), 1.510053817597625974e-10, 4)); // float: was 0
    STATIC_REQUIRE(derivative<f::tanh>(std::numeric_limits<double>::max()) == 0.0);
    STATIC_REQUIRE(derivative<f::tanh>(-std::numeric_limits<double>::infinity()) == 0.0);
}

TEST_CASE("gelu: x·σ(2u) and its derivative in the negative tail, finite at any x", "[static][activation]") {
    // ½x(1 + tanh u) gave -0 here (1 + tanh u = 0 in double).
    STATIC_REQUIRE(within_ulps(f::gelu::value(-10.0), -1.2040923482098036452e-37, 600));
    STATIC_REQUIRE(within_ulps(derivative<f::gelu>(-10.0), -2.7576380638540262754e-36, 600));
    STATIC_REQUIRE(within_ulps(f::gelu::value(-5.0), -2.2917961966295046301e-7, 100));
    STATIC_REQUIRE(within_ulps(derivative<f::gelu>(-5.0), -1.5463619875325936797e-6, 100));
    // float is computed in double and rounded once: within an ulp or two.
    STATIC_REQUIRE(within_ulps(f::gelu::value(-10.0f), -1.2040923319236964994e-37, 2));
    STATIC_REQUIRE(within_ulps(derivative<f::gelu>(-10.0f), -2.757638016124945273e-36, 2));
    STATIC_REQUIRE(within_ulps(f::gelu::value(3.0f), 2.9963626083692443949, 2));
    STATIC_REQUIRE(within_ulps(derivative<f::gelu>(3.0f), 1.011584165318094081, 2));
    STATIC_REQUIRE(within_ulps(derivative<f::gelu>(3.0), 1.0115841666309697229, 4));
    // |x| > 1.3e154: x³ overflowed into ∞ · 0 = NaN before.
    constexpr double big = 1e200;
    STATIC_REQUIRE(f::gelu::value(big) == big);
    STATIC_REQUIRE(derivative<f::gelu>(big) == 1.0);
    STATIC_REQUIRE(f::gelu::value(-big) == 0.0);
    STATIC_REQUIRE(derivative<f::gelu>(-big) == 0.0);
    STATIC_REQUIRE(derivative<f::gelu>(-3e38f) == 0.0f);
}

TEST_CASE("relu, leaky_relu, elu: NaN is not a number below 0 (no arithmetic, so checked here too)",
          "[static][activation]") {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    STATIC_REQUIRE(f::relu::value(nan) != f::relu::value(nan)); // was 0
    STATIC_REQUIRE(derivative<f::relu>(1.0) == 1.0);
    STATIC_REQUIRE(derivative<f::relu>(0.0) == 0.0);
    STATIC_REQUIRE(derivative<f::leaky_relu<>>(0.0) == 0.01);
}
