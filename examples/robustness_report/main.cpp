// Robustness report: how many test samples keep their predicted class under
// every perturbation of L∞ size ε, certified by interval bounds and by linear
// (CROWN-style) bounds.
//
// Iris: the 4-16-3 network of examples/iris, trained at runtime with
// ctnn::fit as examples/iris does, ε in standardised units. For each ε one
// line
//   certified eps=<ε> interval=<share> linear=<share>
// gives the share of the 30 test samples whose prediction is certified, then
// a line with the share certified and correctly classified (verified
// accuracy). Then the same for digits (the 64-32-10 float network of
// examples/digits, 360 test samples, ε in units of the [0, 1] pixel scale).
// The same code runs in constant evaluation: an Iris network trained for two
// epochs at compile time has a test sample certified at ε = 0.05 by a
// static_assert.
#include "digits_data.hpp"
#include "iris.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace {

constexpr std::uint64_t seed = 2024;

// Two epochs at learning rate 0.05 in one constant expression: enough for
// the setosa samples, which lie far from the other classes.
constexpr iris::data compile_time_data = iris::make_data(seed);
constexpr iris::run_state quick = [] {
    iris::run_state s = iris::start(seed, 0.05);
    iris::train<2>(s, compile_time_data, seed, 0);
    return s;
}();
constexpr std::size_t chosen_sample = 7;
static_assert(ctnn::certify(quick.net, compile_time_data.test_x[chosen_sample], 0.05).certified,
              "robustness_report: the chosen test sample must be certified at eps = 0.05");
static_assert(ctnn::certify(quick.net, compile_time_data.test_x[chosen_sample], 0.05).predicted ==
              ctnn::argmax(compile_time_data.test_d[chosen_sample]));

// Out of the compiler's sight: the runtime run is not folded.
volatile std::uint64_t seed_source = seed;
volatile std::uint64_t digits_seed_source = 7;

constexpr std::array<double, 4> radii{0.01, 0.02, 0.05, 0.1};

// One line per radius: the shares certified by each method; false if a
// sample is certified by intervals and not by linear bounds (never: linear
// bounds are intersected with the intervals).
template <class Net, class Inputs, class Targets>
bool report(const Net& net, const Inputs& xs, const Targets& ds) {
    using T = typename Net::scalar;
    for (const double eps : radii) {
        std::size_t by_interval = 0, by_linear = 0, correct_linear = 0;
        for (std::size_t i = 0; i < xs.size(); ++i) {
            const auto ci = ctnn::certify(net, xs[i], T(eps), ctnn::bound_method::interval);
            const auto cl = ctnn::certify(net, xs[i], T(eps));
            by_interval += ci.certified;
            by_linear += cl.certified;
            correct_linear += cl.certified && cl.predicted == ctnn::argmax(ds[i]);
            if (ci.certified && !cl.certified) {
                std::printf("error: sample %zu certified by intervals but not by linear bounds\n", i);
                return false;
            }
        }
        const double n = static_cast<double>(xs.size());
        std::printf("certified eps=%g interval=%.4f linear=%.4f\n", eps, double(by_interval) / n,
                    double(by_linear) / n);
        std::printf("  verified accuracy (certified and correct) eps=%g linear=%.4f\n", eps,
                    double(correct_linear) / n);
    }
    return true;
}

// examples/digits' setup: pixels scaled to [0, 1], 360 test samples, Adam
// with a cosine schedule, 30 epochs. Static storage (530 kB of data).
using digits_net = ctnn::network<float, ctnn::dense<64, 32>, ctnn::relu, ctnn::dense<32, 10>>;
constexpr std::size_t digits_test = 360;
constexpr std::size_t digits_train = digits_data::sample_count - digits_test;
std::array<std::array<float, 64>, digits_data::sample_count> digit_images;
std::array<std::array<float, 10>, digits_data::sample_count> digit_targets;

bool digits_report() {
    const std::uint64_t digits_seed = digits_seed_source;
    for (std::size_t n = 0; n < digits_data::sample_count; ++n) {
        for (std::size_t i = 0; i < 64; ++i) digit_images[n][i] = static_cast<float>(digits_data::features[n][i]) / 16.0f;
        digit_targets[n] = ctnn::one_hot<10, float>(digits_data::labels[n]);
    }
    ctnn::splitmix64 gen{digits_seed};
    static const auto split = ctnn::shuffle_split<digits_train>(digit_images, digit_targets, gen);
    auto net = ctnn::make_network<digits_net>(digits_seed, ctnn::init::he_normal{});
    ctnn::adam_for<digits_net> adam{.learning_rate = 0.005};
    const auto history = ctnn::fit<30, 32>(net, ctnn::softmax_cross_entropy{}, adam, split.train_inputs,
                                           split.train_targets, {.seed = digits_seed},
                                           ctnn::schedule::cosine{.epochs = 30, .minimum = 0.05});
    if (history.status != ctnn::training_status::ok) return false;
    std::printf("digits: 64-32-10 ReLU network (float), 30 epochs, test accuracy %.4f, %zu test samples, "
                "eps in pixel units (0..1)\n",
                ctnn::accuracy(net, split.test_inputs, split.test_targets), digits_test);
    return report(net, split.test_inputs, split.test_targets);
}

} // namespace

int main() {
    const std::uint64_t s = seed_source;
    const auto data = iris::make_data(s);
    auto state = iris::start(s);
    const auto history = iris::train<iris::epochs>(state, data, s, 0);
    if (history.status != ctnn::training_status::ok) {
        std::printf("training stopped: %s\n", ctnn::describe(history.status));
        return 1;
    }
    std::printf("robustness report: iris 4-16-3 ReLU network, %zu epochs, test accuracy %.4f, %zu test samples\n",
                iris::epochs, ctnn::accuracy(state.net, data.test_x, data.test_d), iris::test_count);
    if (!report(state.net, data.test_x, data.test_d)) return 1;
    const auto chosen = ctnn::certify(quick.net, compile_time_data.test_x[chosen_sample], 0.05);
    std::printf("compile-time network (2 epochs): test sample %zu certified at eps=0.05 with margin %.4f\n",
                chosen_sample, chosen.worst_margin);
    return digits_report() ? 0 : 1;
}
