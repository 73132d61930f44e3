// The verifier in constant evaluation: outward steps, sampled soundness on a
// few networks (a grid over the box, corners included), tightness on one
// layer, certificates and Lipschitz bounds, all in static_assert.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

// A named namespace: Clang warns of unused members of types in an anonymous one.
namespace verify_bounds_test {

using ctnn::dense;

template <class T>
constexpr bool steps_are_neighbours() {
    constexpr T tiny = std::numeric_limits<T>::denorm_min();
    constexpr T big = std::numeric_limits<T>::max();
    constexpr T inf = std::numeric_limits<T>::infinity();
    const T one = T(1);
    return ctnn::next_up(T(0)) == tiny && ctnn::next_up(-T(0)) == tiny && ctnn::next_down(T(0)) == -tiny &&
           ctnn::next_up(one) == one + std::numeric_limits<T>::epsilon() &&
           ctnn::next_down(one) == one - std::numeric_limits<T>::epsilon() / 2 && ctnn::next_up(big) == inf &&
           ctnn::next_up(inf) == inf && ctnn::next_down(-big) == -inf && ctnn::next_up(-inf) == -big &&
           ctnn::next_up(-tiny) == T(0) && ctnn::next_down(ctnn::next_up(T(0.1))) == T(0.1);
}

// Every point of a G×G grid over a 2-input box (corners included) has its
// computed outputs inside both kinds of bounds, and the linear ones are
// inside the interval ones.
template <std::size_t G, class Net>
constexpr bool grid_inside(const Net& net, const ctnn::box<typename Net::scalar, 2>& b) {
    using T = typename Net::scalar;
    const auto ib = ctnn::output_bounds(net, b);
    const auto lb = ctnn::linear_bounds(net, b);
    for (std::size_t j = 0; j < Net::output_size; ++j)
        if (lb.lower[j] < ib.lower[j] || lb.upper[j] > ib.upper[j]) return false;
    for (std::size_t p = 0; p < G; ++p)
        for (std::size_t q = 0; q < G; ++q) {
            const T a = p == G - 1 ? b.upper[0] : b.lower[0] + (b.upper[0] - b.lower[0]) * T(p) / T(G - 1);
            const T c = q == G - 1 ? b.upper[1] : b.lower[1] + (b.upper[1] - b.lower[1]) * T(q) / T(G - 1);
            const auto y = net.forward({a, c});
            if (!ib.contains(y) || !lb.contains(y)) return false;
        }
    return true;
}

using small_relu = ctnn::network<double, dense<2, 6>, ctnn::relu, dense<6, 2>>;
using small_tanh = ctnn::network<float, dense<2, 5>, ctnn::tanh, dense<5, 3>, ctnn::softmax>;
using small_mixed = ctnn::network<double, dense<2, 4>, ctnn::elu<>, dense<4, 4>, ctnn::sigmoid, dense<4, 1>,
                                  ctnn::leaky_relu<>>;
constexpr ctnn::box<double, 2> box_d{{-0.75, 0.25}, {0.5, 1.0}};
constexpr ctnn::box<float, 2> box_f{{-0.75f, 0.25f}, {0.5f, 1.0f}};

// One dense layer and a monotone activation: the corner the signs of W pick
// is where each output is extreme; the bounds sit there, up to rounding.
using one_layer = ctnn::network<double, dense<2, 2>, ctnn::sigmoid>;
constexpr one_layer one{{0.5, -1.5, 2.0, 0.25, 0.125, -0.5}}; // W row-major [2][2], then b
constexpr ctnn::box<double, 2> unit{{-1.0, -1.0}, {1.0, 1.0}};
constexpr bool tight_at_corners() {
    const auto b = ctnn::linear_bounds(one, unit);
    // Output 0: W col (0.5, 2.0) → min at (−1, −1), max at (1, 1); output 1:
    // (−1.5, 0.25) → min at (1, −1), max at (−1, 1).
    const auto y00 = one.forward({-1.0, -1.0}), y11 = one.forward({1.0, 1.0});
    const auto y10 = one.forward({1.0, -1.0}), y01 = one.forward({-1.0, 1.0});
    constexpr double tol = 1e-14;
    return b.lower[0] <= y00[0] && y00[0] - b.lower[0] < tol && b.upper[0] >= y11[0] && b.upper[0] - y11[0] < tol &&
           b.lower[1] <= y10[1] && y10[1] - b.lower[1] < tol && b.upper[1] >= y01[1] && b.upper[1] - y01[1] < tol;
}

// y = 2x − 1 on [0, 1]: Lipschitz 2 exactly, up to the outward step.
using line = ctnn::network<double, dense<1, 1>>;
constexpr line two_x{{2.0, -1.0}};

// A user layer (y = 2x, written to the layer contract) and a user activation
// (softsign-like, increasing: x / (1 + |x|)), each made verifiable by
// specialising a trait.
template <class T, std::size_t N>
struct doubling_layer {
    using scalar = T;
    static constexpr std::size_t inputs = N, outputs = N, parameter_count = 0;
    static constexpr void forward(const T*, const std::array<T, N>& x, std::array<T, N>& y) noexcept {
        for (std::size_t i = 0; i < N; ++i) y[i] = T(2) * x[i];
    }
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T*, Sink&, const std::array<T, N>&, const std::array<T, N>&,
                                   const std::array<T, N>& dy, std::array<T, N>& dx) noexcept {
        if constexpr (NeedInputGradient)
            for (std::size_t i = 0; i < N; ++i) dx[i] = T(2) * dy[i];
    }
};
struct doubling {
    template <class T, std::size_t Inputs>
    using bind = doubling_layer<T, Inputs>;
};
struct softsign {
    template <class T> static constexpr T value(T x) noexcept { return x / (T(1) + (x < T(0) ? -x : x)); }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept {
        const T d = T(1) + (x < T(0) ? -x : x);
        return dy / (d * d);
    }
};

} // namespace verify_bounds_test

// 2x is exact in floating point (a power of two, barring overflow).
template <class T, std::size_t N>
struct ctnn::interval_transfer<verify_bounds_test::doubling_layer<T, N>> {
    static constexpr void propagate(const T*, const ctnn::box<T, N>& in, ctnn::box<T, N>& out) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            out.lower[i] = T(2) * in.lower[i];
            out.upper[i] = T(2) * in.upper[i];
        }
    }
};
// Increasing; the computed value is within 2 ulp (one add, one divide), so
// the ends move out by 8 steps; one relaxation (the constant lines).
template <>
struct ctnn::activation_bounds<verify_bounds_test::softsign> {
    template <class T> static constexpr ctnn::interval<T> image(ctnn::interval<T> x) noexcept {
        using F = verify_bounds_test::softsign;
        return {ctnn::steps_down(F::value(x.lower), 8), ctnn::steps_up(F::value(x.upper), 8)};
    }
    template <class T> static constexpr ctnn::linear_relaxation<T> relax(ctnn::interval<T> x) noexcept {
        const auto y = image(x);
        return {T(0), y.lower, T(0), y.upper};
    }
    template <class T> static constexpr T derivative_bound(ctnn::interval<T>) noexcept { return T(1); }
    template <class T> static constexpr T lipschitz() noexcept { return T(1); }
};

namespace verify_bounds_test {
using user_net = ctnn::network<double, dense<2, 3>, ctnn::activation<softsign>, doubling, dense<3, 1>>;
} // namespace verify_bounds_test

using namespace verify_bounds_test;

TEST_CASE("next_up and next_down step to the neighbouring representable number", "[static][verify]") {
    STATIC_REQUIRE(steps_are_neighbours<double>());
    STATIC_REQUIRE(steps_are_neighbours<float>());
}

TEST_CASE("every computed output on a grid over the box is inside the bounds", "[static][verify]") {
    STATIC_REQUIRE(grid_inside<9>(ctnn::make_network<small_relu>(3), box_d));
    STATIC_REQUIRE(grid_inside<9>(ctnn::make_network<small_tanh>(4), box_f));
    STATIC_REQUIRE(grid_inside<9>(ctnn::make_network<small_mixed>(5), box_d));
}

TEST_CASE("on one layer the bounds are the true extremes", "[static][verify]") {
    STATIC_REQUIRE(tight_at_corners());
    constexpr auto b = ctnn::output_bounds(two_x, ctnn::box<double, 1>{{0.0}, {1.0}});
    STATIC_REQUIRE(b.lower[0] <= -1.0);
    STATIC_REQUIRE(b.lower[0] > -1.0 - 1e-14);
    STATIC_REQUIRE(b.upper[0] >= 1.0);
    STATIC_REQUIRE(b.upper[0] < 1.0 + 1e-14);
}

TEST_CASE("softmax bounds stay in [0, 1] and contain the outputs", "[static][verify]") {
    constexpr auto net = ctnn::make_network<small_tanh>(4);
    constexpr auto b = ctnn::output_bounds(net, box_f);
    STATIC_REQUIRE(b.lower[0] >= 0.0f);
    STATIC_REQUIRE(b.upper[2] <= 1.0f);
}

TEST_CASE("certificates: the linear margin is never below the interval margin", "[static][verify]") {
    constexpr auto net = ctnn::make_network<small_relu>(3);
    constexpr std::array<double, 2> x{0.1, 0.5};
    constexpr auto lin = ctnn::certify(net, x, 0.01);
    constexpr auto ivl = ctnn::certify(net, x, 0.01, ctnn::bound_method::interval);
    STATIC_REQUIRE(lin.predicted == ivl.predicted);
    STATIC_REQUIRE(lin.worst_margin >= ivl.worst_margin);
    STATIC_REQUIRE(lin.certified);
    // A radius so large that the prediction must flip somewhere is not certified.
    STATIC_REQUIRE(!ctnn::certify(net, x, 100.0).certified);
}

TEST_CASE("Lipschitz bounds: exact on a line, local <= global", "[static][verify]") {
    constexpr auto g = ctnn::global_lipschitz(two_x);
    STATIC_REQUIRE(g.linf >= 2.0);
    STATIC_REQUIRE(g.linf < 2.0 + 1e-14);
    STATIC_REQUIRE(g.l2 >= 2.0);
    STATIC_REQUIRE(g.l2 < 2.0 + 1e-14);
    constexpr auto net = ctnn::make_network<small_mixed>(5);
    constexpr auto local = ctnn::local_lipschitz(net, box_d);
    constexpr auto global = ctnn::global_lipschitz(net);
    STATIC_REQUIRE(local.linf <= global.linf);
    STATIC_REQUIRE(local.linf > 0.0);
}

TEST_CASE("a user layer and a user activation take part by specialising the traits", "[static][verify]") {
    STATIC_REQUIRE(grid_inside<5>(ctnn::make_network<user_net>(6), box_d));
    constexpr auto net = ctnn::make_network<user_net>(6);
    STATIC_REQUIRE(ctnn::linear_bounds(net, box_d).upper[0] <= ctnn::output_bounds(net, box_d).upper[0]);
}
