// The verifier at runtime: soundness by sampling (random networks and boxes,
// 100,000 points each including every corner: no computed output outside
// the bounds), linear bounds never wider than intervals (the mean width ratio
// is printed), one-layer networks bounded at their true extremes, Lipschitz
// bounds never below an observed slope, float networks' exact outputs (in
// double) inside the bounds too.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>

namespace {

// Seeds reach the tests through a volatile: nothing is folded at compile time.
volatile std::uint64_t seed_source = 1717;
constexpr std::size_t points_per_network = 100000;
constexpr std::size_t seeds_per_architecture = 7;

// Statistics across all architectures (printed at the end).
struct tally {
    std::size_t networks = 0;
    std::size_t points = 0;
    std::size_t outside_interval = 0;
    std::size_t outside_linear = 0;
    std::size_t exact_outside = 0;
    std::size_t linear_wider = 0;
    double width_ratio_sum = 0;
    std::size_t width_ratio_count = 0;
    std::size_t lipschitz_violations = 0;
};
tally totals;

template <class T>
T uniform(ctnn::splitmix64& g, T lo, T hi) {
    return lo + (hi - lo) * static_cast<T>(g.template uniform<double>());
}

template <class Net>
Net random_network(std::uint64_t seed) {
    using T = typename Net::scalar;
    Net net = ctnn::make_network<Net>(seed, ctnn::init::he_normal{});
    ctnn::splitmix64 g{seed ^ 0x5eedu};
    // Biases too, and a scale per network: some saturate, some stay linear.
    const T scale = static_cast<T>(std::exp2(uniform(g, -2.0, 1.5)));
    for (auto& p : net.parameters) p = p * scale + static_cast<T>(0.3 * g.template normal<double>());
    return net;
}

template <class T, std::size_t N>
ctnn::box<T, N> random_box(ctnn::splitmix64& g) {
    ctnn::box<T, N> b;
    for (std::size_t i = 0; i < N; ++i) {
        const T c = static_cast<T>(g.template normal<double>());
        const T r = static_cast<T>(std::exp2(uniform(g, -10.0, 1.0)));
        b.lower[i] = c - r;
        b.upper[i] = c + r;
    }
    return b;
}

// A point of the box: every corner first, then points with each coordinate
// at an end (a third of the time) or uniform inside.
template <class T, std::size_t N>
std::array<T, N> point_of(const ctnn::box<T, N>& b, std::size_t k, ctnn::splitmix64& g) {
    std::array<T, N> x{};
    if (k < (std::size_t{1} << N)) {
        for (std::size_t i = 0; i < N; ++i) x[i] = (k >> i) & 1u ? b.upper[i] : b.lower[i];
        return x;
    }
    for (std::size_t i = 0; i < N; ++i) {
        const double u = g.template uniform<double>();
        x[i] = u < 1.0 / 6 ? b.lower[i] : u < 1.0 / 3 ? b.upper[i] : uniform(g, b.lower[i], b.upper[i]);
        if (x[i] > b.upper[i]) x[i] = b.upper[i];
    }
    return x;
}

template <class Net>
void check_architecture(const char* name) {
    using T = typename Net::scalar;
    constexpr std::size_t In = Net::input_size, Out = Net::output_size;
    const std::uint64_t base = seed_source;
    for (std::size_t s = 0; s < seeds_per_architecture; ++s) {
        const std::uint64_t seed = base + 1000 * s + std::hash<std::string_view>{}(name) % 997;
        const Net net = random_network<Net>(seed);
        ctnn::splitmix64 g{seed * 3 + 1};
        const auto box = random_box<T, In>(g);
        const auto ib = ctnn::output_bounds(net, box);
        const auto lb = ctnn::linear_bounds(net, box);
        const auto lip = ctnn::local_lipschitz(net, box);
        const auto exact_net = ctnn::convert<double>(net);
        INFO(name << " seed " << seed);
        REQUIRE(ib.finite());
        std::size_t outside_i = 0, outside_l = 0, exact_outside = 0, lip_bad = 0;
        std::array<T, In> previous{};
        std::array<T, Out> previous_y{};
        for (std::size_t k = 0; k < points_per_network; ++k) {
            const auto x = point_of(box, k, g);
            const auto y = net.forward(x);
            for (std::size_t j = 0; j < Out; ++j) {
                outside_i += !(ib.lower[j] <= y[j] && y[j] <= ib.upper[j]);
                outside_l += !(lb.lower[j] <= y[j] && y[j] <= lb.upper[j]);
            }
            if constexpr (std::is_same_v<T, float>) {
                // The exact output, approximated in double (error ~1e-16
                // against bounds widened at float's ~1e-7).
                std::array<double, In> xd{};
                for (std::size_t i = 0; i < In; ++i) xd[i] = x[i];
                const auto yd = exact_net.forward(xd);
                for (std::size_t j = 0; j < Out; ++j)
                    exact_outside += !(double(lb.lower[j]) <= yd[j] && yd[j] <= double(lb.upper[j]));
            }
            if (k > 0) {
                // The exact slope between two points is at most the bound;
                // the computed outputs carry rounding, so compare in double
                // with a margin for it.
                double dx = 0, dy = 0;
                for (std::size_t i = 0; i < In; ++i) dx = std::max(dx, std::abs(double(x[i]) - double(previous[i])));
                for (std::size_t j = 0; j < Out; ++j)
                    dy = std::max(dy, std::abs(double(y[j]) - double(previous_y[j])));
                const double rounding = 64 * double(std::numeric_limits<T>::epsilon()) *
                                        (1 + std::max(std::abs(double(ib.lower[0])), std::abs(double(ib.upper[0]))));
                if (dx > 1e-3 * (double(box.upper[0]) - double(box.lower[0])) && dy > double(lip.linf) * dx + rounding)
                    ++lip_bad;
            }
            previous = x;
            previous_y = y;
        }
        CHECK(outside_i == 0);
        CHECK(outside_l == 0);
        CHECK(exact_outside == 0);
        CHECK(lip_bad == 0);
        for (std::size_t j = 0; j < Out; ++j) {
            CHECK(lb.lower[j] >= ib.lower[j]);
            CHECK(lb.upper[j] <= ib.upper[j]);
            totals.linear_wider += lb.upper[j] - lb.lower[j] > ib.upper[j] - ib.lower[j];
            if (ib.upper[j] > ib.lower[j]) {
                totals.width_ratio_sum += double(lb.upper[j] - lb.lower[j]) / double(ib.upper[j] - ib.lower[j]);
                ++totals.width_ratio_count;
            }
        }
        ++totals.networks;
        totals.points += points_per_network;
        totals.outside_interval += outside_i;
        totals.outside_linear += outside_l;
        totals.exact_outside += exact_outside;
        totals.lipschitz_violations += lip_bad;
    }
}

using ctnn::dense;
// One-layer networks (the bounds are tight there), then deeper ones with
// every supported layer, float and double.
using a1 = ctnn::network<double, dense<3, 4>>;
using a2 = ctnn::network<double, dense<4, 5>, ctnn::tanh>;
using a3 = ctnn::network<float, dense<2, 6>, ctnn::sigmoid>;
using a4 = ctnn::network<double, dense<3, 8>, ctnn::relu, dense<8, 8>, ctnn::relu, dense<8, 2>>;
using a5 = ctnn::network<double, dense<2, 10>, ctnn::leaky_relu<1, 10>, dense<10, 6>, ctnn::elu<>, dense<6, 3>,
                         ctnn::softmax>;
using a6 = ctnn::network<float, dense<4, 8>, ctnn::tanh, dense<8, 8>, ctnn::sigmoid, dense<8, 3>>;
using a7 = ctnn::network<double, dense<3, 6>, ctnn::elu<2, 1>, dense<6, 6>, ctnn::leaky_relu<-1, 2>, dense<6, 2>>;
using a8 = ctnn::network<double, dense<2, 6>, ctnn::leaky_relu<3, 2>, dense<6, 4>, ctnn::identity, dense<4, 4>,
                         ctnn::softmax>;
using a9 = ctnn::network<float, dense<3, 5>, ctnn::relu, dense<5, 3>, ctnn::softmax>;
using a10 = ctnn::network<double, dense<1, 8>, ctnn::elu<1, 2>, dense<8, 1>>;
using a11 = ctnn::network<float, dense<2, 16>, ctnn::relu, dense<16, 16>, ctnn::tanh, dense<16, 1>>;

} // namespace

TEST_CASE("bounds hold for every sampled input of 77 random networks and boxes", "[verify][soundness]") {
    check_architecture<a1>("dense");
    check_architecture<a2>("dense-tanh");
    check_architecture<a3>("float dense-sigmoid");
    check_architecture<a4>("relu x2");
    check_architecture<a5>("leaky-elu-softmax");
    check_architecture<a6>("float tanh-sigmoid");
    check_architecture<a7>("elu(2)-leaky(-0.5)");
    check_architecture<a8>("leaky(1.5)-identity-softmax");
    check_architecture<a9>("float relu-softmax");
    check_architecture<a10>("elu(0.5) 1-input");
    check_architecture<a11>("float relu-tanh 16");
    CHECK(totals.networks == 77);
    CHECK(totals.linear_wider == 0);
    std::printf("soundness: %zu networks, %zu points, outside interval %zu, outside linear %zu, exact outside %zu, "
                "Lipschitz violations %zu\n",
                totals.networks, totals.points, totals.outside_interval, totals.outside_linear, totals.exact_outside,
                totals.lipschitz_violations);
    std::printf("width ratio linear/interval: mean %.4f over %zu outputs\n",
                totals.width_ratio_sum / double(totals.width_ratio_count), totals.width_ratio_count);
}

namespace {

// One layer: the true extremes of the computed outputs are at corners (a
// dense layer's output j is extreme at the corner the signs of column j
// pick; a monotone activation keeps it there). The bounds must contain them
// and lie within the outward rounding of them.
template <class Net>
void check_one_layer_tight(std::uint64_t seed) {
    using T = typename Net::scalar;
    constexpr std::size_t In = Net::input_size, Out = Net::output_size;
    const Net net = random_network<Net>(seed);
    ctnn::splitmix64 g{seed};
    const auto box = random_box<T, In>(g);
    std::array<T, Out> lo, hi;
    lo.fill(std::numeric_limits<T>::infinity());
    hi.fill(-std::numeric_limits<T>::infinity());
    for (std::size_t k = 0; k < (std::size_t{1} << In); ++k) {
        const auto y = net.forward(point_of(box, k, g));
        for (std::size_t j = 0; j < Out; ++j) {
            lo[j] = std::min(lo[j], y[j]);
            hi[j] = std::max(hi[j], y[j]);
        }
    }
    const auto ib = ctnn::output_bounds(net, box);
    const auto lb = ctnn::linear_bounds(net, box);
    // The scale of the allowance: Σ|W||x| + |b| (every output here is at most that).
    T scale = 0;
    for (const T p : net.parameters) scale += std::abs(p);
    for (std::size_t i = 0; i < In; ++i) scale = std::max(scale, scale * std::max(std::abs(box.lower[i]), std::abs(box.upper[i])));
    const T tolerance = T(64) * std::numeric_limits<T>::epsilon() * (1 + scale);
    for (std::size_t j = 0; j < Out; ++j) {
        INFO("output " << j << " extremes " << lo[j] << " " << hi[j] << " bounds " << ib.lower[j] << " "
                       << ib.upper[j]);
        CHECK(ib.lower[j] <= lo[j]);
        CHECK(hi[j] <= ib.upper[j]);
        CHECK(lo[j] - ib.lower[j] <= tolerance);
        CHECK(ib.upper[j] - hi[j] <= tolerance);
        CHECK(lb.lower[j] == ib.lower[j]);
        CHECK(lb.upper[j] == ib.upper[j]);
    }
}

} // namespace

TEST_CASE("on one-layer networks the bounds are the true extremes, up to the outward rounding", "[verify][tight]") {
    for (std::uint64_t s = 0; s < 20; ++s) {
        check_one_layer_tight<a1>(seed_source + s);
        check_one_layer_tight<a2>(seed_source + s);
        check_one_layer_tight<a3>(seed_source + s);
        check_one_layer_tight<ctnn::network<double, dense<3, 3>, ctnn::relu>>(seed_source + s);
        check_one_layer_tight<ctnn::network<double, dense<2, 3>, ctnn::elu<>>>(seed_source + s);
        check_one_layer_tight<ctnn::network<float, dense<2, 3>, ctnn::leaky_relu<>>>(seed_source + s);
    }
}

TEST_CASE("a local Lipschitz bound is never above the global one, and tighter on small boxes", "[verify][lipschitz]") {
    for (std::uint64_t s = 0; s < 20; ++s) {
        const auto net = random_network<a5>(seed_source + s);
        ctnn::splitmix64 g{s};
        const auto box = random_box<double, 2>(g);
        const auto global = ctnn::global_lipschitz(net);
        const auto local = ctnn::local_lipschitz(net, box);
        CHECK(local.linf <= global.linf);
        CHECK(local.l2 <= global.l2);
        CHECK(local.l2 > 0);
        // Without the softmax, on a box 1e-3 wide around a point: only the
        // slopes there count, well below the product of norms.
        const auto logits = ctnn::network<double, dense<2, 10>, ctnn::leaky_relu<1, 10>, dense<10, 6>, ctnn::elu<>,
                                          dense<6, 3>>{net.parameters};
        const auto small = ctnn::box_around(std::array<double, 2>{box.lower[0], box.lower[1]}, 1e-3);
        CHECK(ctnn::local_lipschitz(logits, small).linf < ctnn::global_lipschitz(logits).linf);
    }
}
