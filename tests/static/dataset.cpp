// Datasets (ctnn/data/dataset.hpp) at compile time.
#include "training_fixture.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>

namespace training_test {

TEST_CASE("data: shuffling is a permutation, the same on every run; one-hot; split; standardise", "[static][data]") {
    constexpr auto order = [] {
        ctnn::splitmix64 gen{42};
        return ctnn::shuffled_indices<50>(gen);
    }();
    constexpr auto is_permutation = [](const std::array<std::size_t, 50>& o) {
        std::array<bool, 50> seen{};
        for (const std::size_t i : o) {
            if (i >= 50 || seen[i]) return false;
            seen[i] = true;
        }
        return true;
    };
    STATIC_REQUIRE(is_permutation(order));
    STATIC_REQUIRE(order != ctnn::iota_indices<50>());
    STATIC_REQUIRE(ctnn::one_hot<3>(std::size_t{1}) == std::array<double, 3>{0, 1, 0});
    constexpr auto split = [] {
        ctnn::splitmix64 gen{1};
        return ctnn::shuffle_split<3>(xs, ds, gen);
    }();
    STATIC_REQUIRE(split.train_inputs.size() == 3);
    STATIC_REQUIRE(split.test_inputs.size() == 2);
    constexpr auto s = ctnn::standardiser<double, 3>::fit(xs);
    constexpr auto z = s(xs);
    constexpr auto zs = ctnn::standardiser<double, 3>::fit(z);
    STATIC_REQUIRE([&zs] {
        for (std::size_t i = 0; i < 3; ++i)
            if (ctnn::math::abs(zs.mean[i]) > 1e-15 || ctnn::math::abs(zs.stddev[i] - 1.0) > 1e-15) return false;
        return true;
    }());
}

} // namespace training_test
