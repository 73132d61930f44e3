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
