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
