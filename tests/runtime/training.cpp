// Training at runtime: the same results as in constant evaluation (bit for
// bit), divergence stopped with a status, initialisers' statistics.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <limits>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace {

// Seeds reach the runtime side through a volatile: the compiler can neither
// fold the runtime runs nor try to constant-evaluate them.
volatile std::uint64_t runtime_seed_source = 11;

using xor_net = ctnn::network<double, ctnn::dense<2, 4>, ctnn::tanh, ctnn::dense<4, 1>>;
constexpr std::array<std::array<double, 2>, 4> xor_x{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
constexpr std::array<std::array<double, 1>, 4> xor_d{{{0}, {1}, {1}, {0}}};

struct xor_run {
    xor_net net;
    ctnn::fit_history<double, 20> history;
};

// Shuffled batches of 2, momentum with Nesterov, a cosine schedule: every part of fit.
constexpr xor_run train_xor(std::uint64_t seed) {
    xor_run r{ctnn::make_network<xor_net>(seed, ctnn::init::xavier_uniform{}), {}};
    ctnn::momentum_sgd_for<xor_net> opt{.learning_rate = 0.2, .momentum = 0.9, .nesterov = true, .weight_decay = 1e-4};
    r.history = ctnn::fit<20, 2>(r.net, ctnn::binary_cross_entropy_with_logits{}, opt, xor_x, xor_d, {.seed = seed},
                                 ctnn::schedule::cosine{.epochs = 20});
    return r;
}

template <class T, std::size_t N>
bool same_bits(const std::array<T, N>& a, const std::array<T, N>& b) {
    for (std::size_t i = 0; i < N; ++i)
        if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return false;
    return true;
}

struct moments {
    double mean = 0;
    double variance = 0;
    double largest = 0;
};

template <std::size_t First, std::size_t Count, class Net>
moments moments_of(const Net& net) {
    moments m;
    for (std::size_t k = First; k < First + Count; ++k) m.mean += net.parameters[k];
    m.mean /= Count;
    for (std::size_t k = First; k < First + Count; ++k) {
        const double e = net.parameters[k] - m.mean;
        m.variance += e * e;
        const double a = net.parameters[k] < 0 ? -net.parameters[k] : net.parameters[k];
        if (a > m.largest) m.largest = a;
    }
    m.variance /= Count;
    return m;
}

} // namespace

TEST_CASE("fit gives the same network at runtime as in constant evaluation", "[runtime][fit]") {
    constexpr auto at_compile_time = train_xor(11);
    const auto at_runtime = train_xor(runtime_seed_source);
    CHECK(at_runtime.history.status == ctnn::training_status::ok);
    CHECK(same_bits(at_runtime.net.parameters, at_compile_time.net.parameters));
    CHECK(same_bits(at_runtime.history.loss, at_compile_time.history.loss));
    CHECK(at_runtime.history.loss[19] < at_runtime.history.loss[0]);
}

TEST_CASE("fit stops a diverging run with loss_not_finite, parameters still finite", "[runtime][fit]") {
    // One weight, x = 1000, learning rate 1: each step multiplies the error by ~1e6.
    ctnn::network<double, ctnn::dense<1, 1>> net{};
    net.parameters = {0.5, 0.0};
    ctnn::sgd opt{static_cast<double>(runtime_seed_source) / 11.0};
    const std::array<std::array<double, 1>, 1> x{{{1000.0}}};
    const std::array<std::array<double, 1>, 1> d{{{1.0}}};
    std::size_t callbacks = 0;
    // No divergence limit: the loss runs all the way to infinity.
    const auto history = ctnn::fit<200, 1>(net, ctnn::mse{}, opt, x, d,
                                           {.divergence_limit = std::numeric_limits<double>::infinity()},
                                           ctnn::schedule::constant{},
                                           [&callbacks](const ctnn::epoch_report<double>&) { ++callbacks; });
    CHECK(history.status == ctnn::training_status::loss_not_finite);
    CHECK(history.epochs > 10);
    CHECK(history.epochs < 200);
    CHECK(callbacks == history.epochs);
    CHECK(!ctnn::math::isfinite(history.loss[history.epochs]));
    CHECK(ctnn::math::isfinite(history.final_loss()));
    CHECK(ctnn::math::isfinite(net.parameters[0]));
    CHECK(ctnn::math::isfinite(net.parameters[1]));
    CHECK(std::string(ctnn::describe(history.status)).find("NaN") != std::string::npos);
}

TEST_CASE("fit stops a diverging run at the divergence limit, before overflow", "[runtime][fit]") {
    ctnn::network<double, ctnn::dense<1, 1>> net{};
    net.parameters = {0.5, 0.0};
    ctnn::sgd opt{static_cast<double>(runtime_seed_source) / 11.0};
    const std::array<std::array<double, 1>, 1> x{{{1000.0}}};
    const std::array<std::array<double, 1>, 1> d{{{1.0}}};
    const auto history = ctnn::fit<200, 1>(net, ctnn::mse{}, opt, x, d);
    CHECK(history.status == ctnn::training_status::loss_diverged);
    CHECK(history.loss[history.epochs] > ctnn::default_divergence_limit<double>);
    CHECK(ctnn::math::isfinite(history.loss[history.epochs]));
    CHECK(ctnn::math::isfinite(net.parameters[0]));
}

TEST_CASE("He and Xavier initialisers draw with the documented spread", "[runtime][init]") {
    // 256 x 128 = 32768 weights per layer: sample variance within ±3% (its
    // standard error is √(2/32768) ≈ 0.8% for normal draws).
    using wide = ctnn::network<double, ctnn::dense<256, 128>>;
    constexpr std::size_t weights = 256 * 128;
    const std::uint64_t seed = runtime_seed_source;
    auto net = std::make_unique<wide>(ctnn::make_network<wide>(seed, ctnn::init::he_normal{}));
    auto m = moments_of<0, weights>(*net);
    CHECK(m.variance == Approx(2.0 / 256).epsilon(0.03));
    CHECK(m.mean == Approx(0).margin(0.003));
    CHECK(moments_of<weights, 128>(*net).largest == 0.0); // biases 0

    *net = ctnn::make_network<wide>(seed, ctnn::init::he_uniform{});
    m = moments_of<0, weights>(*net);
    CHECK(m.variance == Approx(2.0 / 256).epsilon(0.03));
    CHECK(m.largest < ctnn::math::sqrt(6.0 / 256));
    CHECK(m.largest > 0.99 * ctnn::math::sqrt(6.0 / 256));

    *net = ctnn::make_network<wide>(seed, ctnn::init::xavier_normal{});
    m = moments_of<0, weights>(*net);
    CHECK(m.variance == Approx(2.0 / (256 + 128)).epsilon(0.03));

    *net = ctnn::make_network<wide>(seed, ctnn::init::xavier_uniform{});
    m = moments_of<0, weights>(*net);
    CHECK(m.variance == Approx(2.0 / (256 + 128)).epsilon(0.03));
    CHECK(m.largest < ctnn::math::sqrt(6.0 / (256 + 128)));
}

TEST_CASE("a float network trains with fit and Adam", "[runtime][fit][float]") {
    using net_t = ctnn::network<float, ctnn::dense<2, 8>, ctnn::leaky_relu<>, ctnn::dense<8, 1>>;
    const std::array<std::array<float, 2>, 4> x{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
    const std::array<std::array<float, 1>, 4> d{{{0}, {1}, {1}, {0}}};
    auto net = ctnn::make_network<net_t>(runtime_seed_source, ctnn::init::he_normal{});
    ctnn::adam_for<net_t> opt{.learning_rate = 0.05};
    const auto history = ctnn::fit<300, 4>(net, ctnn::binary_cross_entropy_with_logits{}, opt, x, d);
    CHECK(history.status == ctnn::training_status::ok);
    CHECK(ctnn::binary_accuracy(net, x, d, 0.0f) == 1.0);
    CHECK(history.final_loss() < 0.1f);
}
