// A resumable fit (ctnn::fit_run) and compile-time training in chunks
// (ctnn::fit_in_chunks), at compile time: fit<a> then fit<b> on one run gives
// the bits of fit<a + b>, at every split; chunked training gives the bits of
// one fit whatever the chunk size.
#include <ctnn/ctnn.hpp>
#include <ctnn/train/chunking.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace fit_test {

using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::tanh, ctnn::dense<3, 2>>;
using optimiser_t = ctnn::adam_for<net_t>;
constexpr std::size_t samples = 7; // batches of 3: the last one of each epoch is shorter

struct dataset {
    std::array<std::array<double, 2>, samples> x;
    std::array<std::array<double, 2>, samples> d;
};
constexpr dataset data = [] {
    dataset r{};
    ctnn::splitmix64 g{5};
    for (std::size_t n = 0; n < samples; ++n) {
        r.x[n] = {g.uniform(-1.0, 1.0), g.uniform(-1.0, 1.0)};
        r.d[n] = {r.x[n][0] * r.x[n][1], r.x[n][0] - r.x[n][1]};
    }
    return r;
}();
constexpr ctnn::schedule::cosine schedule{.epochs = 6};
constexpr ctnn::fit_options options{.seed = 11};

constexpr auto start() {
    return ctnn::start_fit(ctnn::make_network<net_t>(3), optimiser_t{.learning_rate = 0.05}, data.x, options);
}

// One run, fit in pieces of the given numbers of epochs.
template <std::size_t... Pieces>
constexpr auto in_pieces() {
    auto run = start();
    (ctnn::fit<Pieces, 3>(run, ctnn::mse{}, data.x, data.d, schedule), ...);
    return run;
}

constexpr bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// Everything a run carries, bit for bit.
constexpr bool same_run(const auto& a, const auto& b) {
    for (std::size_t k = 0; k < net_t::parameter_count; ++k)
        if (!same_bits(a.net.parameters[k], b.net.parameters[k]) ||
            !same_bits(a.optimiser.first_moment[k], b.optimiser.first_moment[k]) ||
            !same_bits(a.optimiser.second_moment[k], b.optimiser.second_moment[k]))
            return false;
    return a.order == b.order && a.epoch == b.epoch && a.generator.state() == b.generator.state() &&
           a.optimiser.steps == b.optimiser.steps && same_bits(a.optimiser.learning_rate, b.optimiser.learning_rate) &&
           a.status == b.status;
}

constexpr auto whole = in_pieces<6>();

TEST_CASE("fit<a> then fit<b> on one run is fit<a + b>, at every split", "[fit]") {
    STATIC_REQUIRE(whole.epoch == 6);
    STATIC_REQUIRE(whole.optimiser.steps == 6 * 3);
    STATIC_REQUIRE(same_run(whole, in_pieces<1, 5>()));
    STATIC_REQUIRE(same_run(whole, in_pieces<3, 3>()));
    STATIC_REQUIRE(same_run(whole, in_pieces<5, 1>()));
    STATIC_REQUIRE(same_run(whole, in_pieces<2, 1, 3>()));
    STATIC_REQUIRE(same_run(whole, in_pieces<1, 1, 1, 1, 1, 1>()));
    // ... and the comparison can tell runs apart.
    STATIC_REQUIRE(!same_run(whole, in_pieces<5>()));
    STATIC_REQUIRE(!same_run(in_pieces<3>(), [] {
        auto run = in_pieces<2>();
        run.epoch = 0; // a schedule that restarts: another run
        ctnn::fit<1, 3>(run, ctnn::mse{}, data.x, data.d, schedule);
        return run;
    }()));
}

TEST_CASE("fit on a network and an optimiser is the run started with the same options", "[fit]") {
    constexpr auto plain = [] {
        struct result {
            net_t net;
            optimiser_t optimiser;
            ctnn::fit_history<double, 6> history;
        } r{ctnn::make_network<net_t>(3), optimiser_t{.learning_rate = 0.05}, {}};
        r.history = ctnn::fit<6, 3>(r.net, ctnn::mse{}, r.optimiser, data.x, data.d, options, schedule);
        return r;
    }();
    STATIC_REQUIRE(plain.net.parameters == whole.net.parameters);
    STATIC_REQUIRE(plain.optimiser.second_moment == whole.optimiser.second_moment);
    STATIC_REQUIRE(plain.optimiser.learning_rate == 0.05); // the base rate, restored
    STATIC_REQUIRE(plain.history.epochs == 6);
}

TEST_CASE("a run's history covers its own epochs, the schedule continues", "[fit]") {
    constexpr auto second = [] {
        auto run = in_pieces<4>();
        return ctnn::fit<2, 3>(run, ctnn::mse{}, data.x, data.d, schedule);
    }();
    STATIC_REQUIRE(second.epochs == 2);
    STATIC_REQUIRE(second.learning_rate[0] == 0.05 * schedule.factor(4));
    STATIC_REQUIRE(second.learning_rate[1] == 0.05 * schedule.factor(5));
}

// The same six epochs through the chunking helper, in chunks of 1, 4 and
// chosen by the cost model.
template <std::size_t Chunk>
struct plan {
    static constexpr auto start() { return fit_test::start(); }
    static constexpr std::size_t epochs = 6;
    static constexpr std::size_t batch_size = 3;
    static constexpr ctnn::mse loss{};
    static constexpr const auto& inputs = data.x;
    static constexpr const auto& targets = data.d;
    static constexpr const auto& schedule = fit_test::schedule;
    static constexpr std::size_t chunk_epochs = Chunk;
};
struct automatic_plan {
    static constexpr auto start() { return fit_test::start(); }
    static constexpr std::size_t epochs = 6;
    static constexpr std::size_t batch_size = 3;
    static constexpr ctnn::mse loss{};
    static constexpr const auto& inputs = data.x;
    static constexpr const auto& targets = data.d;
    static constexpr const auto& schedule = fit_test::schedule;
};

CTNN_FIT_IN_CHUNKS(in_chunks_of_4, plan<4>);

TEST_CASE("training in chunks gives the bits of one fit, whatever the chunk size", "[fit][chunks]") {
    STATIC_REQUIRE(ctnn::chunk_count<plan<1>> == 6);
    STATIC_REQUIRE(ctnn::chunk_count<plan<4>> == 2); // 4 + 2
    STATIC_REQUIRE(same_run(whole, ctnn::fit_in_chunks<plan<1>>));
    STATIC_REQUIRE(same_run(whole, in_chunks_of_4));
    STATIC_REQUIRE(same_run(whole, ctnn::fit_in_chunks<automatic_plan>));
    // Six epochs of this little network are far below any compiler's limit: one chunk.
    STATIC_REQUIRE(ctnn::chunk_count<automatic_plan> == 1);
}

TEST_CASE("the cost model grows with the work", "[fit][chunks]") {
    using big_t = ctnn::network<double, ctnn::dense<2, 30>, ctnn::tanh, ctnn::dense<30, 2>>;
    constexpr double small = ctnn::fit_cost<net_t, ctnn::mse, ctnn::sgd, 3, samples>(1);
    STATIC_REQUIRE(ctnn::fit_cost<net_t, ctnn::mse, ctnn::sgd, 3, samples>(2) > small);
    STATIC_REQUIRE(ctnn::fit_cost<net_t, ctnn::mse, optimiser_t, 3, samples>(1) > small);
    STATIC_REQUIRE(ctnn::fit_cost<net_t, ctnn::mse, ctnn::sgd, 3, 2 * samples>(1) > small);
    STATIC_REQUIRE(ctnn::fit_cost<big_t, ctnn::mse, ctnn::sgd, 3, samples>(1) > small);
    STATIC_REQUIRE(ctnn::fit_cost<net_t, ctnn::mse, ctnn::sgd, 1, samples>(1) > small);
}

} // namespace fit_test

// The loop's behaviour on a small dataset (moved here from the old training tests).
#include "training_fixture.hpp"

namespace training_test {


struct full_batch_run {
    ctnn::fit_history<double, 6> history;
    std::array<double, 6> loss_before_each_epoch;
    net_t by_fit;
    net_t by_hand;
};

// fit with one batch of all samples and no shuffling is plain gradient descent.
constexpr full_batch_run full_batch() {
    full_batch_run r{};
    r.by_fit = start();
    ctnn::sgd opt{0.3};
    r.history = ctnn::fit<6, 5>(r.by_fit, ctnn::softmax_cross_entropy{}, opt, xs, ds, {.shuffle = false});
    r.by_hand = start();
    for (std::size_t e = 0; e < 6; ++e) {
        r.loss_before_each_epoch[e] = ctnn::mean_loss(r.by_hand, ctnn::softmax_cross_entropy{}, xs, ds);
        ctnn::train_batch(r.by_hand, ctnn::softmax_cross_entropy{}, opt, xs, ds);
    }
    return r;
}


TEST_CASE("fit: full batch, no shuffling, equals gradient descent by hand", "[static][fit]") {
    constexpr auto r = full_batch();
    STATIC_REQUIRE(r.history.status == ctnn::training_status::ok);
    STATIC_REQUIRE(r.history.epochs == 6);
    STATIC_REQUIRE(r.by_fit.parameters == r.by_hand.parameters);
    STATIC_REQUIRE([&r] {
        for (std::size_t e = 0; e < 6; ++e)
            if (ctnn::math::abs(r.history.loss[e] - r.loss_before_each_epoch[e]) > 1e-15 ||
                r.history.learning_rate[e] != 0.3)
                return false;
        return true;
    }());
    STATIC_REQUIRE(r.history.loss[5] < r.history.loss[0]);
    STATIC_REQUIRE(r.history.final_loss() == r.history.loss[5]);
}


struct scheduled_run {
    ctnn::fit_history<double, 4> history;
    double rate_after;
    std::size_t callbacks;
    double last_reported_loss;
};

constexpr scheduled_run scheduled() {
    net_t net = start();
    ctnn::adam_for<net_t> opt{.learning_rate = 0.02};
    scheduled_run r{};
    r.history = ctnn::fit<4, 2>(net, ctnn::softmax_cross_entropy{}, opt, xs, ds, {.seed = 5},
                                ctnn::schedule::step{.every = 1, .gamma = 0.5},
                                [&r](const ctnn::epoch_report<double>& e) {
                                    ++r.callbacks;
                                    r.last_reported_loss = e.loss;
                                });
    r.rate_after = opt.learning_rate;
    return r;
}

// A diverging fit ends with a status at compile time too: it stops at the
// divergence limit, before any arithmetic could overflow (which constant
// evaluation rejects). The NaN/infinity path is tested at runtime, in
// tests/runtime/training.cpp.
constexpr auto diverging_fit() {
    ctnn::network<double, ctnn::dense<1, 1>> net{};
    net.parameters = {0.5, 0.0};
    ctnn::sgd opt{0.1};
    const std::array<std::array<double, 1>, 1> x{{{1000.0}}};
    const std::array<std::array<double, 1>, 1> d{{{1.0}}};
    return ctnn::fit<200, 1>(net, ctnn::mse{}, opt, x, d);
}

TEST_CASE("fit: a diverging run ends with loss_diverged, also at compile time", "[static][fit]") {
    constexpr auto history = training_test::diverging_fit();
    STATIC_REQUIRE(history.status == ctnn::training_status::loss_diverged);
    STATIC_REQUIRE(history.epochs > 5);
    STATIC_REQUIRE(history.epochs < 200);
}

TEST_CASE("fit: schedule, callback, and the optimiser's rate restored", "[static][fit]") {
    constexpr auto r = scheduled();
    STATIC_REQUIRE(r.callbacks == 4);
    STATIC_REQUIRE(r.history.learning_rate == std::array<double, 4>{0.02, 0.01, 0.005, 0.0025});
    STATIC_REQUIRE(r.rate_after == 0.02);
    STATIC_REQUIRE(r.last_reported_loss == r.history.loss[3]);
    STATIC_REQUIRE(r.history.loss[3] < r.history.loss[0]);
}

} // namespace training_test
