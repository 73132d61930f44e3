// Initialisers (ctnn/core/initialise.hpp) at compile time.
#include "training_fixture.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>

namespace training_test {

TEST_CASE("initialisers: zeros, constant, and zero biases for fan-based ones", "[static][init]") {
    using small = ctnn::network<double, dense<2, 3>, ctnn::relu, dense<3, 1>>;
    STATIC_REQUIRE(ctnn::make_network<small>(1, ctnn::init::zeros{}).parameters == std::array<double, 13>{});
    constexpr auto c = ctnn::make_network<small>(1, ctnn::init::constant{.weight_value = 0.5, .bias_value = -1});
    STATIC_REQUIRE(c.parameters[0] == 0.5);
    STATIC_REQUIRE(c.parameters[6] == -1.0);
    STATIC_REQUIRE(c.parameters[12] == -1.0);
    constexpr auto he = ctnn::make_network<small>(1, ctnn::init::he_uniform{});
    STATIC_REQUIRE(he.parameters[6] == 0.0);
    STATIC_REQUIRE(he.parameters[0] != 0.0);
    // He uniform bounds: √(6/2) for layer 0, √(6/3) = √2 for layer 2.
    STATIC_REQUIRE([&he] {
        for (std::size_t k = 0; k < 6; ++k)
            if (ctnn::math::abs(he.parameters[k]) >= ctnn::math::sqrt(3.0)) return false;
        for (std::size_t k = 9; k < 12; ++k)
            if (ctnn::math::abs(he.parameters[k]) >= ctnn::math::sqrt(2.0)) return false;
        return true;
    }());
}

} // namespace training_test
