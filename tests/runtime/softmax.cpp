// The softmax layer's backward at runtime (issue 13), on inputs the compiler
// cannot see: within a few ulps of a long double reference for two outputs
// over x₀ − x₁ in [-750, 750], and the same bits as at compile time.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace {

volatile double runtime_one = 1.0;

template <std::size_t N>
constexpr std::array<double, N> input_gradient(const std::array<double, N>& x, const std::array<double, N>& dy) {
    using net_t = ctnn::network<double, ctnn::input<N>, ctnn::softmax>;
    const auto trace = net_t{}.forward_trace(x);
    typename net_t::gradient_type unused{};
    return net_t{}.backward(trace, dy, unused);
}

double ulps(double got, long double want) {
    const int e = std::ilogb(static_cast<double>(want));
    const long double ulp = std::ldexp(1.0L, (e < -1022 ? -1022 : e) - 52);
    return static_cast<double>(std::fabs(static_cast<long double>(got) - want) / ulp);
}

} // namespace

TEST_CASE("softmax backward within a few ulps of long double", "[runtime][softmax]") {
    double worst = 0;
    for (int i = -3000; i <= 3000; ++i) {
        const double x = i / 4.0 * runtime_one;
        const long double e = std::exp(-std::fabs(static_cast<long double>(x))), s = 1 / (1 + e);
        worst = std::max(worst, ulps(input_gradient<2>({x, 0.0}, {runtime_one, 0.0})[0], s * (e * s)));
    }
    INFO("worst ulps " << worst);
    CHECK(worst <= 4); // was 9e15: y·(1 − y) is 0 from x ≈ 37
}

TEST_CASE("softmax backward: runtime bits equal compile-time bits", "[runtime][softmax]") {
    constexpr auto at_compile_time = input_gradient<4>({3.0, -1.0, 40.0, 0.5}, {0.25, -1.0, 2.0, 0.5});
    const auto at_runtime = input_gradient<4>({3.0 * runtime_one, -1.0, 40.0, 0.5}, {0.25, -1.0, 2.0 * runtime_one, 0.5});
    for (std::size_t i = 0; i < 4; ++i)
        CHECK(std::bit_cast<std::uint64_t>(at_runtime[i]) == std::bit_cast<std::uint64_t>(at_compile_time[i]));
}
