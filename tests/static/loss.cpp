// Losses on logits at the extremes, at compile time (issue 13): finite and
// right at any logit, ±max and ±∞ included (no ∞ − ∞, no 0·∞, no overflow
// GCC would reject), and accurate to a few ulps of E and dE/dz for a
// confident right answer, where E ≈ e^−z. References: mpmath.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <limits>

namespace {

using sce = ctnn::softmax_cross_entropy;
using bce = ctnn::binary_cross_entropy_with_logits;

constexpr double big = std::numeric_limits<double>::max();
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr float big_f = std::numeric_limits<float>::max();
constexpr float inf_f = std::numeric_limits<float>::infinity();

template <class Loss, class T, std::size_t N>
constexpr std::array<T, N> gradient(const std::array<T, N>& z, const std::array<T, N>& d) {
    std::array<T, N> g{};
    Loss::gradient(z, d, g);
    return g;
}

template <class T>
constexpr bool within_ulps(T got, double want, double ulps) {
    const double err = static_cast<double>(got) - want;
    const double mag = want < 0 ? -want : want;
    return (err < 0 ? -err : err) <= ulps * static_cast<double>(std::numeric_limits<T>::epsilon()) * mag;
}

constexpr double e40 = 4.2483542552915889863e-18;  // log1p(e^-40)
constexpr double s40 = 4.2483542552915889773e-18;  // σ(−40)
constexpr double e20 = 2.0611536203143807032e-9;   // log1p(e^-20)
constexpr double s20 = 2.0611536181902037e-9;      // σ(−20)

} // namespace

TEST_CASE("softmax_cross_entropy: finite and right at ±max and ±inf", "[static][loss]") {
    using A2 = std::array<double, 2>;
    STATIC_REQUIRE(sce::value(A2{big, -big}, A2{1, 0}) == 0); // was NaN
    STATIC_REQUIRE(gradient<sce>(A2{big, -big}, A2{1, 0}) == A2{0, 0});
    STATIC_REQUIRE(sce::value(A2{-big, big}, A2{1, 0}) == inf); // 2·max rounds to ∞
    STATIC_REQUIRE(gradient<sce>(A2{-big, big}, A2{1, 0}) == A2{-1, 1});
    STATIC_REQUIRE(sce::value(A2{-big, big}, A2{0.3, 0.7}) == 0.3 * big + 0.3 * big); // m − z overflows, 0.3·(m − z) does not
    STATIC_REQUIRE(sce::value(A2{inf, 0}, A2{1, 0}) == 0);
    STATIC_REQUIRE(gradient<sce>(A2{inf, 0}, A2{1, 0}) == A2{0, 0});
    STATIC_REQUIRE(sce::value(A2{inf, 0}, A2{0, 1}) == inf);
    STATIC_REQUIRE(sce::value(A2{-inf, 0}, A2{0, 1}) == 0); // 0·∞ on the class with target 0: was NaN
    STATIC_REQUIRE(gradient<sce>(A2{-inf, 0}, A2{0, 1}) == A2{0, 0});
    STATIC_REQUIRE(within_ulps(sce::value(A2{inf, inf}, A2{1, 0}), 0.69314718055994530942, 1)); // log 2
    using A3 = std::array<double, 3>;
    STATIC_REQUIRE(gradient<sce>(A3{3, 1, -inf}, A3{1, 0, 0})[2] == 0);
    STATIC_REQUIRE(within_ulps(sce::value(A3{3, 1, -inf}, A3{1, 0, 0}), 0.12692801104297249, 2)); // log1p(e^-2)
    using F2 = std::array<float, 2>;
    STATIC_REQUIRE(sce::value(F2{2e38f, -2e38f}, F2{1, 0}) == 0); // was NaN
    STATIC_REQUIRE(sce::value(F2{-big_f, big_f}, F2{1, 0}) == inf_f);
    STATIC_REQUIRE(sce::value(F2{-inf_f, 1}, F2{0, 1}) == 0);
}

TEST_CASE("softmax_cross_entropy: a confident right answer keeps its E ≈ e^−z", "[static][loss]") {
    using A2 = std::array<double, 2>;
    STATIC_REQUIRE(within_ulps(sce::value(A2{40, 0}, A2{1, 0}), e40, 2)); // was 0: log(1 + e^-40)
    STATIC_REQUIRE(within_ulps(gradient<sce>(A2{40, 0}, A2{1, 0})[0], -s40, 2)); // was 0: p − 1
    STATIC_REQUIRE(within_ulps(gradient<sce>(A2{40, 0}, A2{1, 0})[1], s40, 2));
    STATIC_REQUIRE(within_ulps(sce::value(A2{0, 40}, A2{0, 1}), e40, 2));
    using F2 = std::array<float, 2>;
    STATIC_REQUIRE(within_ulps(sce::value(F2{20, 0}, F2{1, 0}), e20, 2)); // was 0
    STATIC_REQUIRE(within_ulps(gradient<sce>(F2{20, 0}, F2{1, 0})[0], -s20, 4));
    // and the check agrees with central differences at ordinary logits
    STATIC_REQUIRE(ctnn::loss_gradient_check(sce{}, std::array<double, 3>{0.5, -1.0, 2.0},
                                             std::array<double, 3>{0.2, 0.3, 0.5}).passed);
}

TEST_CASE("binary_cross_entropy_with_logits: finite at ±inf, exact for a confident right answer",
          "[static][loss]") {
    using A1 = std::array<double, 1>;
    STATIC_REQUIRE(bce::value(A1{inf}, A1{1}) == 0); // was ∞ − ∞
    STATIC_REQUIRE(bce::value(A1{-inf}, A1{0}) == 0); // was −∞·0
    STATIC_REQUIRE(bce::value(A1{inf}, A1{0}) == inf);
    STATIC_REQUIRE(bce::value(A1{big}, A1{1}) == 0);
    STATIC_REQUIRE(bce::value(A1{-big}, A1{0.5}) == 0.5 * big);
    STATIC_REQUIRE(gradient<bce>(A1{inf}, A1{1}) == A1{0});
    STATIC_REQUIRE(gradient<bce>(A1{-inf}, A1{1}) == A1{-1});
    STATIC_REQUIRE(within_ulps(bce::value(A1{40}, A1{1}), e40, 2));
    STATIC_REQUIRE(within_ulps(gradient<bce>(A1{40}, A1{1})[0], -s40, 2)); // was 0: σ(z) − 1
    STATIC_REQUIRE(within_ulps(gradient<bce>(A1{-40}, A1{0})[0], s40, 2));
    STATIC_REQUIRE(within_ulps(gradient<bce>(std::array<float, 1>{20}, std::array<float, 1>{1})[0], -s20, 4));
    STATIC_REQUIRE(ctnn::loss_gradient_check(bce{}, std::array<double, 2>{0.5, -3.0},
                                             std::array<double, 2>{0.3, 1.0}).passed);
}
