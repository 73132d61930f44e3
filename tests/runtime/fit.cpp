// A resumable fit at runtime: resumed at several split points it equals one
// run, and a compile-time run in chunks equals the runtime fit, bit for bit.
#include <ctnn/ctnn.hpp>
#include <ctnn/train/chunking.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace {

// Seeds reach the runtime side through a volatile: the compiler can neither
// fold the runtime runs nor try to constant-evaluate them.
volatile std::uint64_t runtime_seed_source = 11;

using net_t = ctnn::network<double, ctnn::dense<3, 8>, ctnn::relu, ctnn::dense<8, 3>>;
using optimiser_t = ctnn::adam_for<net_t>;
constexpr std::size_t samples = 30;
constexpr std::size_t batch = 4; // 7 full batches and one of 2
constexpr std::size_t epochs = 12;

struct dataset {
    std::array<std::array<double, 3>, samples> x;
    std::array<std::array<double, 3>, samples> d;
};
constexpr dataset make_data() {
    dataset r{};
    ctnn::splitmix64 g{9};
    for (std::size_t n = 0; n < samples; ++n) {
        for (auto& v : r.x[n]) v = g.uniform(-1.0, 1.0);
        const std::size_t c = r.x[n][0] + r.x[n][1] > 0.3 ? 0 : r.x[n][2] > 0 ? 1 : 2;
        r.d[n][c] = 1;
    }
    return r;
}
constexpr dataset data = make_data();
constexpr ctnn::schedule::cosine schedule{.epochs = epochs};

constexpr auto start(std::uint64_t seed) {
    return ctnn::start_fit(ctnn::make_network<net_t>(seed, ctnn::init::he_normal{}),
                           optimiser_t{.learning_rate = 0.02}, data.x, {.seed = seed});
}

bool same_bits(const auto& a, const auto& b) {
    for (std::size_t k = 0; k < a.size(); ++k)
        if (std::bit_cast<std::uint64_t>(a[k]) != std::bit_cast<std::uint64_t>(b[k])) return false;
    return true;
}

bool same_run(const auto& a, const auto& b) {
    return same_bits(a.net.parameters, b.net.parameters) &&
           same_bits(a.optimiser.first_moment, b.optimiser.first_moment) &&
           same_bits(a.optimiser.second_moment, b.optimiser.second_moment) && a.order == b.order &&
           a.epoch == b.epoch && a.generator.state() == b.generator.state() && a.status == b.status;
}

// The compile-time run: 12 epochs in chunks of 5 (5 + 5 + 2).
struct plan {
    static constexpr auto start() { return ::start(11); }
    static constexpr std::size_t epochs = ::epochs;
    static constexpr std::size_t batch_size = batch;
    static constexpr ctnn::softmax_cross_entropy loss{};
    static constexpr const auto& inputs = data.x;
    static constexpr const auto& targets = data.d;
    static constexpr const auto& schedule = ::schedule;
    static constexpr std::size_t chunk_epochs = 5;
};
CTNN_FIT_IN_CHUNKS(compiled, plan);
static_assert(ctnn::chunk_count<plan> == 3);

} // namespace

TEST_CASE("fit resumed at several split points equals one run", "[fit]") {
    const std::uint64_t seed = runtime_seed_source;
    auto whole = start(seed);
    const auto history = ctnn::fit<epochs, batch>(whole, ctnn::softmax_cross_entropy{}, data.x, data.d, schedule);
    REQUIRE(history.status == ctnn::training_status::ok);
    REQUIRE(history.final_loss() < history.loss[0]);

    const auto resumed = [&](std::size_t first) {
        auto run = start(seed);
        // fit's epoch count is a template parameter: split as `first` single epochs, then the rest in one piece.
        for (std::size_t e = 0; e < first; ++e)
            ctnn::fit<1, batch>(run, ctnn::softmax_cross_entropy{}, data.x, data.d, schedule);
        return run;
    };
    for (std::size_t first : {1u, 4u, 7u, 11u, 12u}) {
        auto run = resumed(first);
        std::size_t left = epochs - first;
        while (left >= 3) {
            ctnn::fit<3, batch>(run, ctnn::softmax_cross_entropy{}, data.x, data.d, schedule);
            left -= 3;
        }
        for (; left > 0; --left) ctnn::fit<1, batch>(run, ctnn::softmax_cross_entropy{}, data.x, data.d, schedule);
        INFO("split after epoch " << first);
        CHECK(same_run(run, whole));
    }
    // A run started afresh for the second half (what fit without a run does) is another run.
    auto restarted = start(seed);
    ctnn::fit<6, batch>(restarted, ctnn::softmax_cross_entropy{}, data.x, data.d, schedule);
    auto fresh = start(seed);
    fresh.net = restarted.net;
    fresh.optimiser = restarted.optimiser;
    fresh.epoch = 6;
    ctnn::fit<6, batch>(fresh, ctnn::softmax_cross_entropy{}, data.x, data.d, schedule);
    CHECK_FALSE(same_bits(fresh.net.parameters, whole.net.parameters));
}

TEST_CASE("a compile-time run in chunks equals the runtime fit, bit for bit", "[fit][chunks]") {
    const std::uint64_t seed = runtime_seed_source;
    // The runtime fit on a network and an optimiser, in one piece.
    auto net = ctnn::make_network<net_t>(seed, ctnn::init::he_normal{});
    optimiser_t opt{.learning_rate = 0.02};
    const auto history = ctnn::fit<epochs, batch>(net, ctnn::softmax_cross_entropy{}, opt, data.x, data.d,
                                                  {.seed = seed}, schedule);
    REQUIRE(history.status == ctnn::training_status::ok);
    CHECK(same_bits(net.parameters, compiled.net.parameters));
    CHECK(same_bits(opt.second_moment, compiled.optimiser.second_moment));
    CHECK(compiled.epoch == epochs);
}

// fit's behaviour on small problems, at run time: the same bits as in
// constant evaluation, divergence stopped with a status, float training.
namespace training_runtime {

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

} // namespace training_runtime
