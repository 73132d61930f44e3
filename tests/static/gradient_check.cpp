// gradient_check's allowance and verdicts at compile time (issue 13): the
// rounding of a large loss is no false alarm, nor is a step shrunk around a
// loss's kink; a gradient too small for central differences to see says so
// (gradient_too_small) with a nonzero norm; a pass reports the smallest
// relative error it could have detected, and an error larger than that fails.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>

namespace {

using net_t = ctnn::network<double, ctnn::dense<1, 2>>; // y = w·x + b, parameters w0, w1, b0, b1

constexpr net_t with(double w0, double w1, double b0, double b1) {
    net_t net{};
    net.parameters = {w0, w1, b0, b1};
    return net;
}

// The loss with its whole gradient scaled by 1 + R·1e-3: a relative error of R‰ in every entry.
template <class Loss, int R>
struct scaled : Loss {
    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& y, const std::array<T, N>& d, std::array<T, N>& dy) noexcept {
        Loss::gradient(y, d, dy);
        for (auto& v : dy) v *= T(1) + T(R) * T(1e-3);
    }
};

} // namespace

TEST_CASE("a large loss is no false alarm: the allowance grows with ε·|E|/h", "[static][gradient_check]") {
    // E ≈ 2.5e5 (outputs 700 below their targets), while dE/dw0 = e₀·x/2 ≈ −3.5e-4:
    // the central difference's rounding, ~ε·|E|/h ≈ 5e-5, is far above absolute = 1e-6.
    constexpr auto r = ctnn::gradient_check(with(0.5, -0.25, 0.125, 0.0), ctnn::mse{}, std::array<double, 1>{1e-6},
                                            std::array<double, 2>{700.0, -700.0});
    STATIC_REQUIRE(r.failure == ctnn::gradient_check_failure::none); // was mismatch
    STATIC_REQUIRE(r.parameters_checked == 4);
    // a 1 % error is still caught at this loss
    STATIC_REQUIRE(!ctnn::gradient_check(with(0.5, -0.25, 0.125, 0.0), scaled<ctnn::mse, 10>{},
                                         std::array<double, 1>{1e-6}, std::array<double, 2>{700.0, -700.0})
                        .passed);
}

TEST_CASE("a step shrunk around a loss's kink is no false alarm", "[static][gradient_check]") {
    // MAE: output 0 is 3e-10 above its target (the step shrinks to 1e-10 to stop
    // straddling it) while output 1 is 500 off, so E = 250: rounding ε·E/1e-10.
    constexpr auto mae = ctnn::gradient_check(with(1.0, 1.0, 0.0, 0.0), ctnn::mae{}, std::array<double, 1>{0.5},
                                              std::array<double, 2>{0.5 - 3e-10, 500.5});
    STATIC_REQUIRE(mae.passed); // was mismatch
    STATIC_REQUIRE(mae.kinks_skipped == 0);
    // Huber (δ = 1): output 0 at |e| = δ + 3e-10, output 1 at e = 500.
    constexpr auto huber = ctnn::gradient_check(with(1.0, 1.0, 0.0, 0.0), ctnn::huber<>{}, std::array<double, 1>{0.5},
                                                std::array<double, 2>{-0.5 - 3e-10, 500.5});
    STATIC_REQUIRE(huber.passed); // was mismatch
}

TEST_CASE("a gradient too small for central differences is reported as such, with its norm",
          "[static][gradient_check]") {
    // outputs exactly 0 (all parameters 0), targets 1e-170: dE/dy = −1e-170/2.
    constexpr auto r = ctnn::gradient_check(with(0.0, 0.0, 0.0, 0.0), ctnn::mse{}, std::array<double, 1>{1.0},
                                            std::array<double, 2>{1e-170, 1e-170});
    STATIC_REQUIRE(r.failure == ctnn::gradient_check_failure::gradient_too_small); // was zero_gradient
    STATIC_REQUIRE(r.gradient_norm > 0.99e-170); // was 0: the squares underflowed (norm = 2 · 5e-171)
    STATIC_REQUIRE(r.gradient_norm < 1.01e-170);
    constexpr auto zero = ctnn::gradient_check(with(0.0, 0.0, 0.0, 0.0), ctnn::mse{}, std::array<double, 1>{1.0},
                                               std::array<double, 2>{0.0, 0.0});
    STATIC_REQUIRE(zero.failure == ctnn::gradient_check_failure::zero_gradient);
}

TEST_CASE("a pass says what it proves: detectable_relative_error", "[static][gradient_check]") {
    using deep_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::tanh, ctnn::dense<3, 2>>;
    constexpr auto net = ctnn::make_network<deep_t>(4);
    constexpr std::array<double, 2> x{0.3, -0.8}, d{0.5, -0.25};
    constexpr auto r = ctnn::gradient_check(net, ctnn::mse{}, x, d);
    STATIC_REQUIRE(r.passed);
    STATIC_REQUIRE(r.detectable_relative_error > 0);
    STATIC_REQUIRE(r.detectable_relative_error < 1e-4);
    // an error of 2‰ in every entry is caught, since 2‰ is above what the check can detect
    STATIC_REQUIRE(!ctnn::gradient_check(net, scaled<ctnn::mse, 2>{}, x, d).passed);
    // float defaults (checked in float) catch a 1 % error too
    constexpr auto net_f = ctnn::make_network<typename deep_t::template rebind<float>>(4);
    constexpr std::array<float, 2> xf{0.3f, -0.8f}, df{0.5f, -0.25f};
    constexpr auto tf = ctnn::tolerance<float>::defaults();
    STATIC_REQUIRE(ctnn::gradient_check(net_f, ctnn::mse{}, xf, df, tf).passed);
    STATIC_REQUIRE(ctnn::gradient_check(net_f, ctnn::mse{}, xf, df, tf).detectable_relative_error < 0.01);
    STATIC_REQUIRE(!ctnn::gradient_check(net_f, scaled<ctnn::mse, 10>{}, xf, df, tf).passed);
}
