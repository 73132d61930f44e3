// The softmax layer's backward at compile time (issue 13): dxᵢ = yᵢ·((dyᵢ − dy_p) + q)
// with p the largest output does not cancel as y_p → 1, where
// yᵢ·(dyᵢ − Σⱼ yⱼdyⱼ) gave 0 (two outputs: y₀·(1 − y₀) from x₀ − x₁ ≈ 37).
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <limits>

namespace {

template <std::size_t N>
constexpr std::array<double, N> input_gradient(const std::array<double, N>& x, const std::array<double, N>& dy) {
    using net_t = ctnn::network<double, ctnn::input<N>, ctnn::softmax>;
    const auto trace = net_t{}.forward_trace(x);
    typename net_t::gradient_type unused{};
    return net_t{}.backward(trace, dy, unused);
}

constexpr bool within_ulps(double got, double want, double ulps) {
    const double err = got - want, mag = want < 0 ? -want : want;
    return (err < 0 ? -err : err) <= ulps * std::numeric_limits<double>::epsilon() * mag;
}

constexpr double s40 = 4.2483542552915889592e-18; // σ(40)·σ(−40)

} // namespace

TEST_CASE("softmax backward: no cancellation at the largest output", "[static][softmax]") {
    STATIC_REQUIRE(within_ulps(input_gradient<2>({40, 0}, {1, 0})[0], s40, 4)); // was 0
    STATIC_REQUIRE(within_ulps(input_gradient<2>({40, 0}, {1, 0})[1], -s40, 4));
    STATIC_REQUIRE(within_ulps(input_gradient<2>({0, 40}, {0, 1})[1], s40, 4));
    STATIC_REQUIRE(within_ulps(input_gradient<3>({40, 0, 0}, {1, 0, 0})[0], 2 * s40, 4));
    // ordinary inputs: the same as the textbook formula, and central differences agree
    using net_t = ctnn::network<double, ctnn::input<4>, ctnn::softmax>;
    STATIC_REQUIRE(ctnn::input_gradient_check(net_t{}, ctnn::mse{}, std::array<double, 4>{0.5, -1.0, 2.0, 0.25},
                                              std::array<double, 4>{0.1, 0.2, 0.3, 0.4}).passed);
}
