// Losses on logits at the extremes at runtime, on logits the compiler cannot
// see (issue 13): E and dE/dz finite and right at ±max and ±∞ in float and
// double, NaN in gives NaN out, E ≈ e^−z kept for a confident right answer
// (long double reference), and the bits equal the compile-time ones.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace {

using sce = ctnn::softmax_cross_entropy;
using bce = ctnn::binary_cross_entropy_with_logits;

volatile double runtime_one = 1.0;

template <class T>
T hidden(T v) {
    return static_cast<T>(static_cast<double>(v) * runtime_one);
}

template <class Loss, class T, std::size_t N>
constexpr std::array<T, N> gradient(const std::array<T, N>& z, const std::array<T, N>& d) {
    std::array<T, N> g{};
    Loss::gradient(z, d, g);
    return g;
}

template <class T>
void extreme_logits() {
    using A = std::array<T, 2>;
    const T big = hidden(std::numeric_limits<T>::max()), inf = hidden(std::numeric_limits<T>::infinity());
    const T one = hidden(T(1)), zero = hidden(T(0));
    CHECK(sce::value(A{big, -big}, A{one, zero}) == 0);
    CHECK(gradient<sce>(A{big, -big}, A{one, zero}) == A{0, 0});
    CHECK(sce::value(A{-big, big}, A{one, zero}) == inf);
    CHECK(gradient<sce>(A{-big, big}, A{one, zero}) == A{-1, 1});
    CHECK(sce::value(A{inf, zero}, A{one, zero}) == 0);
    CHECK(sce::value(A{-inf, zero}, A{zero, one}) == 0);
    CHECK(gradient<sce>(A{-inf, zero}, A{zero, one}) == A{0, 0});
    CHECK(std::isfinite(sce::value(A{T(2e38f) * one, T(-2e38f) * one}, A{one, zero})));
    using B = std::array<T, 1>;
    CHECK(bce::value(B{inf}, B{one}) == 0);
    CHECK(bce::value(B{-inf}, B{zero}) == 0);
    CHECK(bce::value(B{big}, B{one}) == 0);
    CHECK(gradient<bce>(B{inf}, B{one}) == B{0});
    CHECK(gradient<bce>(B{-inf}, B{one}) == B{-1});
    const T nan = hidden(std::numeric_limits<T>::quiet_NaN());
    CHECK(std::isnan(sce::value(A{nan, zero}, A{one, zero})));
    CHECK(std::isnan(sce::value(A{zero, nan}, A{one, zero})));
    CHECK(std::isnan(gradient<sce>(A{zero, nan}, A{one, zero})[0]));
    CHECK(std::isnan(bce::value(B{nan}, B{one})));
    CHECK(std::isnan(gradient<bce>(B{nan}, B{one})[0]));
}

double ulps(double got, long double want) {
    const long double ulp = std::ldexp(1.0L, std::ilogb(static_cast<double>(want)) - 52);
    return static_cast<double>(std::fabs(static_cast<long double>(got) - want) / ulp);
}

constexpr std::array<double, 6> zs{-30.5, -3.0, 0.25, 5.0, 36.0, 700.0};

constexpr std::array<double, 24> table() {
    std::array<double, 24> out{};
    for (std::size_t i = 0; i < zs.size(); ++i) {
        using A = std::array<double, 2>;
        const A z{zs[i], -0.5}, d{1, 0};
        out[4 * i] = sce::value(z, d);
        out[4 * i + 1] = gradient<sce>(z, d)[0];
        out[4 * i + 2] = bce::value(std::array<double, 1>{zs[i]}, std::array<double, 1>{0.3});
        out[4 * i + 3] = gradient<bce>(std::array<double, 1>{zs[i]}, std::array<double, 1>{0.3})[0];
    }
    return out;
}

} // namespace

TEST_CASE("softmax and binary cross-entropy: finite and right at ±max and ±inf, NaN in, NaN out",
          "[runtime][loss]") {
    extreme_logits<double>();
    extreme_logits<float>();
}

TEST_CASE("a confident right answer: E and dE/dz within a few ulps of long double", "[runtime][loss]") {
    double worst = 0;
    for (int k = 0; k <= 280; ++k) {
        const double z = k / 4.0 * runtime_one; // 0 .. 70
        const long double e = std::exp(-static_cast<long double>(z)), E = std::log1p(e), s = e / (1 + e);
        using A = std::array<double, 2>;
        using B = std::array<double, 1>;
        worst = std::max({worst, ulps(sce::value(A{z, 0.0}, A{1, 0}), E), ulps(gradient<sce>(A{z, 0.0}, A{1, 0})[0], -s),
                          ulps(bce::value(B{z}, B{1}), E), ulps(gradient<bce>(B{z}, B{1})[0], -s)});
    }
    INFO("worst ulps " << worst);
    CHECK(worst <= 4); // was 9e15: log(1 + e^-z) and σ(z) − 1 round to 0 from z ≈ 37
}

TEST_CASE("losses: runtime bits equal compile-time bits", "[runtime][loss]") {
    constexpr auto at_compile_time = table();
    const auto at_runtime = [] {
        std::array<double, 24> out{};
        for (std::size_t i = 0; i < zs.size(); ++i) {
            using A = std::array<double, 2>;
            const A z{zs[i] * runtime_one, -0.5}, d{1, 0};
            out[4 * i] = sce::value(z, d);
            out[4 * i + 1] = gradient<sce>(z, d)[0];
            out[4 * i + 2] = bce::value(std::array<double, 1>{z[0]}, std::array<double, 1>{0.3});
            out[4 * i + 3] = gradient<bce>(std::array<double, 1>{z[0]}, std::array<double, 1>{0.3})[0];
        }
        return out;
    }();
    for (std::size_t i = 0; i < at_runtime.size(); ++i)
        CHECK(std::bit_cast<std::uint64_t>(at_runtime[i]) == std::bit_cast<std::uint64_t>(at_compile_time[i]));
}
