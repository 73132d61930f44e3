// Learning-rate schedules (ctnn/train/schedule.hpp) at compile time: the
// factors against values worked out by hand.
#include <ctnn/train/schedule.hpp>

#include <catch2/catch.hpp>

namespace {

constexpr bool close_to(double a, double b) {
    const double scale = ctnn::math::abs(b) > 1e-300 ? ctnn::math::abs(b) : 1.0;
    return ctnn::math::abs(a - b) <= 1e-14 * scale;
}

} // namespace

TEST_CASE("schedules: step and cosine factors", "[static][schedule]") {
    constexpr ctnn::schedule::step step{.every = 2, .gamma = 0.5};
    STATIC_REQUIRE(step.factor(0) == 1.0);
    STATIC_REQUIRE(step.factor(1) == 1.0);
    STATIC_REQUIRE(step.factor(2) == 0.5);
    STATIC_REQUIRE(step.factor(5) == 0.25);
    constexpr ctnn::schedule::cosine cosine{.epochs = 4};
    STATIC_REQUIRE(cosine.factor(0) == 1.0);
    STATIC_REQUIRE(close_to(cosine.factor(1), 0.8535533905932737)); // (1 + cos(π/4)) / 2
    STATIC_REQUIRE(close_to(cosine.factor(2), 0.5));
    STATIC_REQUIRE(close_to(cosine.factor(3), 0.14644660940672627));
    STATIC_REQUIRE(cosine.factor(4) == 0.0);
    STATIC_REQUIRE(cosine.factor(9) == 0.0);
    constexpr ctnn::schedule::cosine floor{.epochs = 2, .minimum = 0.1};
    STATIC_REQUIRE(close_to(floor.factor(1), 0.55));
    STATIC_REQUIRE(floor.factor(2) == 0.1);
    // The series cosine itself, against known values.
    STATIC_REQUIRE(ctnn::math::abs(ctnn::math::cos_0_pi(3.14159265358979323846 / 3) - 0.5) < 4e-16);
    STATIC_REQUIRE(ctnn::math::cos_0_pi(3.14159265358979323846) == -1.0);
    STATIC_REQUIRE(ctnn::math::abs(ctnn::math::cos_0_pi(2.0) - -0.4161468365471424) < 4e-16);
}
