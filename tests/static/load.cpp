// Loading weights (ctnn/io/load.hpp) at compile time.
#include "training_fixture.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>

namespace training_test {

TEST_CASE("loading weights: flat, per layer, and in PyTorch's layout", "[static][load]") {
    using small = ctnn::network<double, dense<2, 3>, ctnn::relu, dense<3, 1>>;
    // W0 = [[1, 2, 3], [4, 5, 6]], b0 = (0.5, −10, 0); W1 = (1, 1, 1)ᵀ, b1 = 0.25.
    constexpr std::array<float, 13> flat{1, 2, 3, 4, 5, 6, 0.5f, -10, 0, 1, 1, 1, 0.25f};
    constexpr auto a = ctnn::load_parameters<small>(flat);
    // x = (1, 1): hidden = relu(5.5, −3, 9) = (5.5, 0, 9); y = 14.5 + 0.25.
    STATIC_REQUIRE(a.forward({1.0, 1.0})[0] == 14.75);
    constexpr auto b = [] {
        small net{};
        ctnn::load_dense<0>(net, std::array<std::array<double, 3>, 2>{{{1, 2, 3}, {4, 5, 6}}},
                            std::array<double, 3>{0.5, -10, 0});
        ctnn::load_dense<2>(net, std::array<std::array<double, 1>, 3>{{{1}, {1}, {1}}}, std::array<double, 1>{0.25});
        return net;
    }();
    STATIC_REQUIRE(b.parameters == a.parameters);
    constexpr auto c = [] {
        small net{};
        // nn.Linear(2, 3).weight is [3][2].
        ctnn::load_dense_transposed<0>(net, std::array<std::array<double, 2>, 3>{{{1, 4}, {2, 5}, {3, 6}}},
                                       std::array<double, 3>{0.5, -10, 0});
        ctnn::load_dense_transposed<2>(net, std::array<std::array<double, 3>, 1>{{{1, 1, 1}}},
                                       std::array<double, 1>{0.25});
        return net;
    }();
    STATIC_REQUIRE(c.parameters == a.parameters);
}

} // namespace training_test
