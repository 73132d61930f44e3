// Metrics (ctnn/data/metrics.hpp) at compile time.
#include "training_fixture.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>

namespace training_test {

TEST_CASE("metrics: accuracy, binary accuracy, confusion matrix", "[static][metrics]") {
    // A network that copies its two inputs: class = the larger input.
    constexpr auto copy = ctnn::load_parameters<ctnn::network<double, dense<2, 2>>>(std::array{1.0, 0.0, 0.0, 1.0, 0.0, 0.0});
    constexpr std::array<std::array<double, 2>, 4> x{{{1, 0}, {0, 1}, {2, 3}, {5, 4}}};
    constexpr std::array<std::array<double, 2>, 4> d{{{1, 0}, {0, 1}, {1, 0}, {1, 0}}};
    STATIC_REQUIRE(ctnn::accuracy(copy, x, d) == 0.75);
    constexpr auto m = ctnn::confusion_matrix(copy, x, d);
    STATIC_REQUIRE(m[0][0] == 2);
    STATIC_REQUIRE(m[0][1] == 1);
    STATIC_REQUIRE(m[1][1] == 1);
    STATIC_REQUIRE(m[1][0] == 0);
    constexpr auto identity = ctnn::load_parameters<ctnn::network<double, dense<1, 1>>>(std::array{1.0, 0.0});
    constexpr std::array<std::array<double, 1>, 4> z{{{-2.0}, {0.5}, {3.0}, {0.2}}};
    constexpr std::array<std::array<double, 1>, 4> b{{{0.0}, {1.0}, {0.0}, {0.0}}};
    STATIC_REQUIRE(ctnn::binary_accuracy(identity, z, b, 0.0) == 0.5);
    STATIC_REQUIRE(ctnn::binary_accuracy(identity, z, b, 0.3) == 0.75);
}

} // namespace training_test
