// The activations and losses for classification, checked against central
// differences at compile time. Each check is shown to be able to fail: a
// deliberately wrong derivative of the same function is rejected.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

// A named namespace: Clang warns of unused members of types in an anonymous one.
namespace classification_test {

using ctnn::dense;

template <class Net>
constexpr Net seeded(std::uint64_t seed) {
    return ctnn::make_network<Net>(seed, ctnn::init::uniform{-1.0, 1.0});
}

constexpr std::array<double, 3> x3{0.5, -1.25, 2.0};
// Both sides of every kink, and values where GELU and ELU curve.
constexpr std::array<double, 6> x6{0.3, -0.7, 1.1, -2.2, 3.5, -0.05};
constexpr std::array<double, 6> d6{0.1, 0.2, -0.3, 0.4, 0.0, -0.6};

// Every input checked, none skipped, none vacuous, and close.
template <class Loss = ctnn::mse, class Net, class X, class D>
constexpr bool input_check(const Net& net, const X& x, const D& d) {
    const auto r = ctnn::input_gradient_check(net, Loss{}, x, d);
    return r.passed && r.gradient_norm > 0 && r.parameters_checked == x.size() && r.kinks_skipped == 0 &&
           r.max_relative_error < 1e-6;
}

template <class Net, class Loss, class X, class D>
constexpr bool parameters_check(std::uint64_t seed, const Loss& loss, const X& x, const D& d) {
    const auto r = ctnn::gradient_check(seeded<Net>(seed), loss, x, d);
    return r.passed && r.gradient_norm > 0 && r.parameters_checked + r.kinks_skipped == Net::parameter_count &&
           r.parameters_checked > 0 && r.max_relative_error < 1e-5;
}

template <class Loss, class Y>
constexpr bool loss_check(const Y& y, const Y& d) {
    const auto r = ctnn::loss_gradient_check(Loss{}, y, d);
    return r.passed && r.gradient_norm > 0 && r.parameters_checked == y.size();
}

template <class Loss, class Y>
constexpr bool loss_check_fails(const Y& y, const Y& d) {
    const auto r = ctnn::loss_gradient_check(Loss{}, y, d);
    return !r.passed && r.failure == ctnn::gradient_check_failure::mismatch;
}

template <class F>
using alone = ctnn::network<double, ctnn::input<6>, ctnn::activation<F>>;

// Wrong derivatives: each keeps the right value, so only the gradient is off.
struct leaky_relu_with_relu_derivative : ctnn::functions::leaky_relu<1, 10> {
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept { return x > T(0) ? dy : T(0); }
};
struct elu_missing_alpha : ctnn::functions::elu<1, 2> {
    template <class T> static constexpr T derivative(T x, T y, T dy) noexcept { return x > T(0) ? dy : dy * y; }
};
struct gelu_without_tanh_term : ctnn::functions::gelu {
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept {
        return dy * T(0.5) * (T(1) + ctnn::math::tanh(T(sqrt_2_over_pi) * (x + T(cubic) * x * x * x)));
    }
};

// A softmax whose backward forgets the coupling between outputs.
template <class T, std::size_t W>
struct softmax_diagonal_only_layer : ctnn::softmax_layer<T, W> {
    template <bool NeedDx, class Sink>
    static constexpr void backward(const T*, Sink&, const std::array<T, W>&, const std::array<T, W>& y,
                                   const std::array<T, W>& dy, std::array<T, W>& dx) noexcept {
        for (std::size_t i = 0; i < W; ++i) dx[i] = y[i] * (T(1) - y[i]) * dy[i];
    }
};
struct softmax_diagonal_only {
    template <class T, std::size_t Inputs>
    using bind = softmax_diagonal_only_layer<T, Inputs>;
};

struct bce_without_mean : ctnn::binary_cross_entropy_with_logits {
    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& z, const std::array<T, N>& d, std::array<T, N>& dz) noexcept {
        for (std::size_t i = 0; i < N; ++i) dz[i] = ctnn::math::sigmoid(z[i]) - d[i];
    }
};
struct softmax_ce_ignoring_target_sum : ctnn::softmax_cross_entropy {
    // p − d is only right when d sums to 1.
    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& z, const std::array<T, N>& d, std::array<T, N>& dz) noexcept {
        const T lse = log_sum_exp(z);
        for (std::size_t i = 0; i < N; ++i) dz[i] = ctnn::math::exp(z[i] - lse) - d[i];
    }
};

template <class T, std::size_t N>
constexpr bool all_finite(const std::array<T, N>& a) {
    for (const T v : a)
        if (!ctnn::math::isfinite(v)) return false;
    return true;
}

constexpr bool near(double a, double b, double tolerance) { return ctnn::math::abs(a - b) <= tolerance; }

template <class Loss, class T, std::size_t N>
constexpr std::array<T, N> gradient_of(const std::array<T, N>& y, const std::array<T, N>& d) {
    std::array<T, N> dy{};
    Loss::gradient(y, d, dy);
    return dy;
}

} // namespace classification_test

using namespace classification_test;

TEST_CASE("leaky_relu: values, and input gradients on both sides of 0", "[static][activation]") {
    STATIC_REQUIRE(ctnn::functions::leaky_relu<>::value(-2.0) == -0.02);
    STATIC_REQUIRE(ctnn::functions::leaky_relu<1, 5>::value(-2.0) == -0.4);
    STATIC_REQUIRE(ctnn::functions::leaky_relu<1, 5>::value(3.0) == 3.0);
    STATIC_REQUIRE(input_check(alone<ctnn::functions::leaky_relu<>>{}, x6, d6));
    STATIC_REQUIRE(input_check(alone<ctnn::functions::leaky_relu<1, 5>>{}, x6, d6));
    STATIC_REQUIRE(!ctnn::input_gradient_check(alone<leaky_relu_with_relu_derivative>{}, ctnn::mse{}, x6, d6).passed);
}

TEST_CASE("elu: values, and input gradients for alpha 1 and 1/2", "[static][activation]") {
    STATIC_REQUIRE(ctnn::functions::elu<>::value(2.0) == 2.0);
    STATIC_REQUIRE(near(ctnn::functions::elu<>::value(-1.0), 0.36787944117144233 - 1.0, 1e-16));
    STATIC_REQUIRE(input_check(alone<ctnn::functions::elu<>>{}, x6, d6));
    STATIC_REQUIRE(input_check(alone<ctnn::functions::elu<1, 2>>{}, x6, d6));
    STATIC_REQUIRE(!ctnn::input_gradient_check(alone<elu_missing_alpha>{}, ctnn::mse{}, x6, d6).passed);
}

TEST_CASE("gelu (tanh form): values, and input gradients", "[static][activation]") {
    STATIC_REQUIRE(ctnn::functions::gelu::value(0.0) == 0.0);
    // PyTorch: torch.nn.functional.gelu(torch.tensor(1.0, dtype=torch.float64), approximate="tanh")
    STATIC_REQUIRE(near(ctnn::functions::gelu::value(1.0), 0.8411919906082768, 1e-15));
    STATIC_REQUIRE(input_check(alone<ctnn::functions::gelu>{}, x6, d6));
    STATIC_REQUIRE(!ctnn::input_gradient_check(alone<gelu_without_tanh_term>{}, ctnn::mse{}, x6, d6).passed);
}

TEST_CASE("softmax: a distribution, stable for huge inputs, input gradients", "[static][activation][softmax]") {
    using softmax3 = ctnn::network<double, ctnn::input<3>, ctnn::softmax>;
    constexpr auto y = softmax3{}.forward({1.0, 2.0, 3.0});
    STATIC_REQUIRE(near(y[0] + y[1] + y[2], 1.0, 1e-15));
    STATIC_REQUIRE(near(y[2], 0.6652409557748219, 1e-15));
    // e^1000 overflows; subtracting the maximum first leaves e^0 and e^-1.
    constexpr auto big = softmax3{}.forward({1000.0, 999.0, -1000.0});
    STATIC_REQUIRE(all_finite(big));
    STATIC_REQUIRE(near(big[0], 0.7310585786300049, 1e-15));
    STATIC_REQUIRE(big[2] == 0.0);
    using softmax6 = ctnn::network<double, ctnn::input<6>, ctnn::softmax>;
    STATIC_REQUIRE(input_check(softmax6{}, x6, d6));
    using broken = ctnn::network<double, ctnn::input<6>, softmax_diagonal_only>;
    STATIC_REQUIRE(!ctnn::input_gradient_check(broken{}, ctnn::mse{}, x6, d6).passed);
}

TEST_CASE("the new activations inside networks: parameter gradients", "[static][activation]") {
    constexpr std::array<double, 2> d2{0.25, -0.5};
    constexpr std::array<double, 3> p3{0.2, 0.5, 0.3};
    STATIC_REQUIRE(parameters_check<ctnn::network<double, dense<3, 4>, ctnn::leaky_relu<1, 5>, dense<4, 2>>>(
        11, ctnn::mse{}, x3, d2));
    STATIC_REQUIRE(parameters_check<ctnn::network<double, dense<3, 4>, ctnn::elu<>, dense<4, 2>>>(12, ctnn::mse{}, x3, d2));
    STATIC_REQUIRE(parameters_check<ctnn::network<double, dense<3, 4>, ctnn::gelu, dense<4, 2>>>(13, ctnn::mse{}, x3, d2));
    STATIC_REQUIRE(parameters_check<ctnn::network<double, dense<3, 4>, ctnn::tanh, dense<4, 3>, ctnn::softmax>>(
        14, ctnn::mse{}, x3, p3));
}

TEST_CASE("binary cross-entropy on logits: gradient, and stable at logits ±50, ±500", "[static][loss][bce]") {
    using bce = ctnn::binary_cross_entropy_with_logits;
    STATIC_REQUIRE(loss_check<bce>(std::array<double, 3>{0.5, -1.5, 3.0}, std::array<double, 3>{1.0, 0.0, 0.3}));
    STATIC_REQUIRE(loss_check_fails<bce_without_mean>(std::array<double, 3>{0.5, -1.5, 3.0},
                                                      std::array<double, 3>{1.0, 0.0, 0.3}));
    // −d·log σ(z) − (1 − d)·log(1 − σ(z)) at z = 0: log 2 whatever d.
    STATIC_REQUIRE(near(bce::value(std::array<double, 1>{0.0}, std::array<double, 1>{0.7}), 0.6931471805599453, 1e-16));

    // Extreme logits, targets chosen so every gradient is non-zero.
    constexpr std::array<double, 4> z{50.0, -50.0, 500.0, -500.0};
    constexpr std::array<double, 4> d{0.0, 1.0, 0.25, 0.75};
    // E = mean(50, 50, 500 − 125, 375): log1p(e^-50) = 2e-22 vanishes beside 50.
    STATIC_REQUIRE(bce::value(z, d) == 212.5);
    STATIC_REQUIRE(loss_check<bce>(z, d));
    constexpr auto g = gradient_of<bce>(z, d);
    STATIC_REQUIRE(g[0] == 0.25);  // (σ(50) − 0) / 4, σ(50) = 1 in double
    STATIC_REQUIRE(g[1] == -0.25); // (σ(−50) − 1) / 4
    STATIC_REQUIRE(g[2] == 0.1875);
    STATIC_REQUIRE(g[3] == -0.1875);
    // A confident right answer costs log1p(e^-500) = 7e-218: nearly nothing, and not NaN.
    STATIC_REQUIRE(bce::value(std::array<double, 2>{500.0, -500.0}, std::array<double, 2>{1.0, 0.0}) < 1e-200);
    STATIC_REQUIRE(bce::value(std::array<float, 2>{500.0f, -500.0f}, std::array<float, 2>{0.0f, 1.0f}) == 500.0f);
}

TEST_CASE("softmax cross-entropy on logits: gradient, and stable at logits ±50, ±500", "[static][loss][softmax_ce]") {
    using ce = ctnn::softmax_cross_entropy;
    STATIC_REQUIRE(loss_check<ce>(std::array<double, 3>{0.5, -1.5, 3.0}, std::array<double, 3>{0.0, 1.0, 0.0}));
    STATIC_REQUIRE(loss_check<ce>(std::array<double, 3>{0.5, -1.5, 3.0}, std::array<double, 3>{0.2, 0.5, 0.3}));
    // A target that does not sum to 1 tells p − d from p·Σd − d.
    STATIC_REQUIRE(loss_check<ce>(std::array<double, 3>{0.5, -1.5, 3.0}, std::array<double, 3>{0.5, 1.0, 0.0}));
    STATIC_REQUIRE(loss_check_fails<softmax_ce_ignoring_target_sum>(std::array<double, 3>{0.5, -1.5, 3.0},
                                                                     std::array<double, 3>{0.5, 1.0, 0.0}));
    // Uniform logits: E = log N.
    STATIC_REQUIRE(near(ce::value(std::array<double, 4>{7.0, 7.0, 7.0, 7.0}, std::array<double, 4>{0, 0, 1, 0}),
                        1.3862943611198906, 1e-15));

    // Logits ±500: the right class at −500 costs 1000, and the gradient is p − d = (1, −1, 0).
    constexpr std::array<double, 3> z{500.0, -500.0, 0.0};
    constexpr std::array<double, 3> d{0.0, 1.0, 0.0};
    STATIC_REQUIRE(ce::value(z, d) == 1000.0);
    STATIC_REQUIRE(loss_check<ce>(z, d));
    constexpr auto g = gradient_of<ce>(z, d);
    STATIC_REQUIRE(g[0] == 1.0);
    STATIC_REQUIRE(g[1] == -1.0);
    STATIC_REQUIRE(g[2] < 1e-200);
    // A confident right answer costs log1p(e^-500 + e^-1000) ≈ 7.12e-218, not 0 (issue 13: log(1 + s) rounded it away).
    STATIC_REQUIRE(near(ce::value(std::array<double, 3>{500.0, -500.0, 0.0}, std::array<double, 3>{1.0, 0.0, 0.0}),
                        7.1245764067412855315e-218, 4 * 2.2e-16 * 7.12e-218));
    // Logits ±50 with a soft target: every gradient entry well away from 0.
    STATIC_REQUIRE(loss_check<ce>(std::array<double, 3>{-50.0, 50.0, 49.0}, std::array<double, 3>{0.2, 0.5, 0.3}));
    STATIC_REQUIRE(all_finite(std::array<float, 1>{
        ce::value(std::array<float, 3>{500.0f, -500.0f, 0.0f}, std::array<float, 3>{0.0f, 1.0f, 0.0f})}));
}

TEST_CASE("mae and huber: values and gradients", "[static][loss]") {
    constexpr std::array<double, 3> y{0.5, -1.0, 3.0}, d{1.0, 1.0, -2.0};
    STATIC_REQUIRE(ctnn::mae::value(y, d) == (0.5 + 2.0 + 5.0) / 3.0);
    STATIC_REQUIRE(loss_check<ctnn::mae>(y, d));
    // δ = 1: 0.5 is in the quadratic part (½·0.25), 2 and 5 in the linear part (|e| − ½).
    STATIC_REQUIRE(ctnn::huber<>::value(y, d) == (0.125 + 1.5 + 4.5) / 3.0);
    STATIC_REQUIRE(loss_check<ctnn::huber<>>(y, d));
    // δ = 5/2: 2 is now quadratic (2), 5 linear (2.5·(5 − 1.25)).
    STATIC_REQUIRE(ctnn::huber<5, 2>::value(y, d) == (0.125 + 2.0 + 9.375) / 3.0);
    STATIC_REQUIRE(loss_check<ctnn::huber<5, 2>>(y, d));
}

TEST_CASE("the new losses through whole networks: parameter gradients", "[static][loss]") {
    using classifier = ctnn::network<double, dense<3, 4>, ctnn::tanh, dense<4, 3>>;
    STATIC_REQUIRE(parameters_check<classifier>(21, ctnn::softmax_cross_entropy{}, x3, std::array<double, 3>{0, 0, 1}));
    using binary = ctnn::network<double, dense<3, 4>, ctnn::sigmoid, dense<4, 2>>;
    STATIC_REQUIRE(parameters_check<binary>(22, ctnn::binary_cross_entropy_with_logits{}, x3,
                                            std::array<double, 2>{1.0, 0.0}));
    using regression = ctnn::network<double, dense<3, 4>, ctnn::gelu, dense<4, 2>>;
    STATIC_REQUIRE(parameters_check<regression>(23, ctnn::huber<1, 2>{}, x3, std::array<double, 2>{0.3, -0.2}));
    STATIC_REQUIRE(parameters_check<regression>(24, ctnn::mae{}, x3, std::array<double, 2>{3.0, -3.0}));
}
