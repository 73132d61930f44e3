// Activations at runtime on inputs the compiler cannot see (issue 13):
// NaN propagates through every activation, value and derivative (as in
// PyTorch), so a NaN input is never hidden behind a ReLU; the derivatives
// stay within a few ulps of a long double reference over the whole range;
// and runtime results have the bits of compile-time ones.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace {

namespace f = ctnn::functions;

volatile double runtime_nan = std::numeric_limits<double>::quiet_NaN();
volatile double runtime_one = 1.0;

template <class F, class T>
T derivative(T x) {
    return F::derivative(x, F::value(x), T(1));
}

// The value is NaN. The derivative is NaN for the smooth ones; the piecewise
// linear ones pass dy through as PyTorch's backward does (x <= 0 is false).
template <class F, class T>
void require_nan_propagates() {
    const T nan = static_cast<T>(runtime_nan), dy = static_cast<T>(runtime_one);
    CHECK(std::isnan(F::value(nan)));
    if constexpr (requires { F::piece(nan); } && !requires { F::template alpha<T>(); })
        CHECK(F::derivative(nan, F::value(nan), dy) == dy);
    else if constexpr (!std::is_same_v<F, f::identity>) CHECK(std::isnan(F::derivative(nan, F::value(nan), dy)));
}

// Error of `got` in ulps of the reference `want` (long double), in double.
double ulps(double got, long double want) {
    if (want == 0) return got == 0 ? 0 : std::numeric_limits<double>::infinity();
    const int e = std::ilogb(static_cast<double>(want));
    const long double ulp = std::ldexp(1.0L, (e < -1022 ? -1022 : e) - 52);
    return static_cast<double>(std::fabs(static_cast<long double>(got) - want) / ulp);
}

// Points from -750 to 750 the compiler cannot fold.
std::array<double, 6001> grid() {
    std::array<double, 6001> xs{};
    for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = (static_cast<double>(i) - 3000.0) / 4.0 * runtime_one;
    return xs;
}

constexpr std::array<double, 9> fixed_points{-745.5, -40.0, -20.25, -3.0, -0.375, 0.0, 0.75, 19.5, 38.0};

template <class F>
constexpr std::array<double, 18> table() {
    std::array<double, 18> out{};
    for (std::size_t i = 0; i < fixed_points.size(); ++i) {
        out[2 * i] = F::value(fixed_points[i]);
        out[2 * i + 1] = F::derivative(fixed_points[i], F::value(fixed_points[i]), 1.0);
    }
    return out;
}

template <class F>
void require_runtime_bits_equal_compile_time() {
    constexpr auto at_compile_time = table<F>();
    for (std::size_t i = 0; i < fixed_points.size(); ++i) {
        const double x = fixed_points[i] * runtime_one;
        CHECK(std::bit_cast<std::uint64_t>(F::value(x)) == std::bit_cast<std::uint64_t>(at_compile_time[2 * i]));
        CHECK(std::bit_cast<std::uint64_t>(F::derivative(x, F::value(x), runtime_one)) ==
              std::bit_cast<std::uint64_t>(at_compile_time[2 * i + 1]));
    }
}

} // namespace

TEST_CASE("every activation propagates NaN, value and derivative", "[runtime][activation]") {
    require_nan_propagates<f::identity, double>();
    require_nan_propagates<f::relu, double>(); // relu(NaN) was 0
    require_nan_propagates<f::relu, float>();
    require_nan_propagates<f::leaky_relu<>, double>();
    require_nan_propagates<f::leaky_relu<1, 5>, float>();
    require_nan_propagates<f::elu<>, double>();
    require_nan_propagates<f::elu<3, 2>, float>();
    require_nan_propagates<f::sigmoid, double>();
    require_nan_propagates<f::tanh, double>();
    require_nan_propagates<f::tanh, float>();
    require_nan_propagates<f::gelu, double>();
    require_nan_propagates<f::gelu, float>();
}

TEST_CASE("a NaN input behind a ReLU makes the loss NaN, not the weights silently", "[runtime][activation]") {
    using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::relu, ctnn::dense<3, 1>>;
    const auto net = ctnn::make_network<net_t>(5);
    const std::array<double, 2> x{runtime_nan, 0.5 * runtime_one};
    const auto bp = ctnn::backprop(net, ctnn::mse{}, x, std::array<double, 1>{1.0});
    CHECK(std::isnan(bp.loss)); // was finite: relu(NaN) = 0
    CHECK(std::isnan(net.forward(x)[0]));
}

TEST_CASE("derivatives within a few ulps of long double over [-750, 750]", "[runtime][activation]") {
    double worst_elu = 0, worst_sigmoid = 0, worst_tanh = 0;
    for (const double x : grid()) {
        const long double X = x;
        const long double e = std::exp(-std::fabs(X)), s = 1 / (1 + e); // σ(|x|)
        if (x <= 0) worst_elu = std::max(worst_elu, ulps(derivative<f::elu<>>(x), std::exp(X)));
        worst_sigmoid = std::max(worst_sigmoid, ulps(derivative<f::sigmoid>(x), s * (e * s)));
        const long double t = std::exp(-2 * std::fabs(X));
        worst_tanh = std::max(worst_tanh, ulps(derivative<f::tanh>(x), 4 * t / ((1 + t) * (1 + t))));
    }
    INFO("worst ulps: elu " << worst_elu << ", sigmoid " << worst_sigmoid << ", tanh " << worst_tanh);
    CHECK(worst_elu <= 2); // was 9e15 (0 for x < -38)
    CHECK(worst_sigmoid <= 4);
    CHECK(worst_tanh <= 4);
}

TEST_CASE("runtime bits equal compile-time bits", "[runtime][activation]") {
    require_runtime_bits_equal_compile_time<f::relu>();
    require_runtime_bits_equal_compile_time<f::leaky_relu<>>();
    require_runtime_bits_equal_compile_time<f::elu<>>();
    require_runtime_bits_equal_compile_time<f::sigmoid>();
    require_runtime_bits_equal_compile_time<f::tanh>();
    require_runtime_bits_equal_compile_time<f::gelu>();
}
