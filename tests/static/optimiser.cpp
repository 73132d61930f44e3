// Optimisers (ctnn/train/optimiser.hpp) against update sequences computed
// by hand (values, not "the loss went down"), at compile time.
//
// The problem: E(w) = ½·|w|², so the gradient is w itself; w starts at
// (1, −2). Three steps of each optimiser. The expected values were worked out
// from the formulas in ctnn/train/optimiser.hpp (torch.optim's) in Python floats;
// the first steps are derived in the comments.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>

namespace optimiser_test {

using pair = std::array<double, 2>;
using steps3 = std::array<pair, 3>;

template <class Optimiser>
constexpr steps3 three_steps(Optimiser opt) {
    pair w{1.0, -2.0};
    steps3 out{};
    for (std::size_t t = 0; t < 3; ++t) {
        const pair g = w; // dE/dw = w
        opt.update(w, g);
        out[t] = w;
    }
    return out;
}

constexpr bool close(double a, double b) {
    const double scale = ctnn::math::abs(b) > 1e-300 ? ctnn::math::abs(b) : 1.0;
    return ctnn::math::abs(a - b) <= 1e-14 * scale;
}

constexpr bool matches(const steps3& got, const steps3& expected) {
    for (std::size_t t = 0; t < 3; ++t)
        for (std::size_t k = 0; k < 2; ++k)
            if (!close(got[t][k], expected[t][k])) return false;
    return true;
}

} // namespace optimiser_test

using namespace optimiser_test;

TEST_CASE("sgd: as the note uses it, and with L2 weight decay", "[static][optimiser]") {
    // w ← w − 0.1·w = 0.9·w each step.
    STATIC_REQUIRE(matches(three_steps(ctnn::sgd{0.1}), steps3{{{0.9, -1.8}, {0.81, -1.62}, {0.729, -1.458}}}));
    // w ← w − 0.1·(w + 0.5·w) = 0.85·w each step.
    STATIC_REQUIRE(matches(three_steps(ctnn::sgd{.learning_rate = 0.1, .weight_decay = 0.5}),
                           steps3{{{0.85, -1.7}, {0.7225, -1.445}, {0.614125, -1.22825}}}));
}

TEST_CASE("momentum_sgd: heavy ball and Nesterov", "[static][optimiser]") {
    // v₁ = 1, w₁ = 1 − 0.1 = 0.9;  v₂ = 0.9·1 + 0.9 = 1.8, w₂ = 0.9 − 0.18 = 0.72;
    // v₃ = 0.9·1.8 + 0.72 = 2.34, w₃ = 0.72 − 0.234 = 0.486 (and −2 times that).
    STATIC_REQUIRE(matches(three_steps(ctnn::momentum_sgd<double, 2>{.learning_rate = 0.1, .momentum = 0.9}),
                           steps3{{{0.9, -1.8}, {0.72, -1.44}, {0.486, -0.972}}}));
    // Nesterov: w₁ = 1 − 0.1·(1 + 0.9·1) = 0.81; v₂ = 0.9 + 0.81 = 1.71,
    // w₂ = 0.81 − 0.1·(0.81 + 0.9·1.71) = 0.5751; then 0.327321.
    STATIC_REQUIRE(
        matches(three_steps(ctnn::momentum_sgd<double, 2>{.learning_rate = 0.1, .momentum = 0.9, .nesterov = true}),
                steps3{{{0.81, -1.62}, {0.5751, -1.1502}, {0.327321, -0.654642}}}));
}

TEST_CASE("adam: bias-corrected steps, with and without weight decay", "[static][optimiser]") {
    // Step 1: m̂ = g, v̂ = g², so w₁ = w − 0.1·g/(|g| + 1e-8): 1 − 0.1/(1 + 1e-8) = 0.900000001.
    // Step 2 (first coordinate): g = 0.900000001, m = 0.09 + 0.09 = 0.18, m̂ = 0.18/0.19,
    // v = 0.999·0.001 + 0.001·0.81 = 0.001809, v̂ = 0.001809/0.001999, w₂ = w₁ − 0.1·m̂/√v̂.
    STATIC_REQUIRE(matches(three_steps(ctnn::adam<double, 2>{.learning_rate = 0.1}),
                           steps3{{{0.900000001, -1.9000000005},
                                   {0.8004122297123382, -1.800166486621093},
                                   {0.701586274504415, -1.700623392812114}}}));
    STATIC_REQUIRE(matches(three_steps(ctnn::adam<double, 2>{.learning_rate = 0.1, .weight_decay = 0.5}),
                           steps3{{{0.9000000006666666, -1.9000000003333333},
                                   {0.8004122290319746, -1.8001664862841649},
                                   {0.7015862734654918, -1.7006233923016814}}}));
    // The state after three steps: t, β₁³, β₂³.
    constexpr auto state = [] {
        ctnn::adam<double, 2> opt{.learning_rate = 0.1};
        pair w{1.0, -2.0};
        for (int t = 0; t < 3; ++t) opt.update(w, pair{w});
        return opt;
    }();
    STATIC_REQUIRE(state.steps == 3);
    STATIC_REQUIRE(close(state.beta1_power, 0.729));
    STATIC_REQUIRE(close(state.beta2_power, 0.997002999));
}

TEST_CASE("rmsprop and adagrad", "[static][optimiser]") {
    // RMSProp step 1: s = 0.01·1, w₁ = 1 − 0.1·1/(0.1 + 1e-8) ≈ 1e-7: its first steps are large.
    STATIC_REQUIRE(matches(three_steps(ctnn::rmsprop<double, 2>{.learning_rate = 0.1}),
                           steps3{{{9.99999903994464e-08, -1.000000049999998},
                                   {-5.037713765467287e-10, -0.5509867971700324},
                                   {5.088548363103125e-12, -0.3096874093624029}}}));
    // AdaGrad step 1: s = 1, w₁ = 1 − 0.1·1/(1 + 1e-10) = 0.90000000001;
    // step 2: s = 1 + 0.81..., w₂ = w₁ − 0.1·w₁/√s.
    STATIC_REQUIRE(matches(three_steps(ctnn::adagrad<double, 2>{.learning_rate = 0.1}),
                           steps3{{{0.90000000001, -1.900000000005},
                                   {0.8331035268523168, -1.831125053815932},
                                   {0.7804561813655163, -1.7758215150175451}}}));
}

TEST_CASE("an optimiser's state is sized for a network", "[static][optimiser]") {
    using net_t = ctnn::network<double, ctnn::dense<2, 10>, ctnn::relu, ctnn::dense<10, 1>>;
    STATIC_REQUIRE(std::is_same_v<ctnn::adam_for<net_t>, ctnn::adam<double, 41>>);
    STATIC_REQUIRE(sizeof(ctnn::adam_for<net_t>::first_moment) == 41 * sizeof(double));
    STATIC_REQUIRE(std::is_same_v<ctnn::momentum_sgd_for<ctnn::network<float, ctnn::dense<3, 2>>>,
                                  ctnn::momentum_sgd<float, 8>>);
}
