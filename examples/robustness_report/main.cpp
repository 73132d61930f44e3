// Robustness report: how many Iris test samples keep their predicted class
// under every perturbation of L∞ size ε (in standardised units), certified
// by interval bounds and by linear (CROWN-style) bounds.
//
// The 4-16-3 network of examples/iris is trained at runtime with ctnn::fit,
// as examples/iris does; for each ε one line
//   certified eps=<ε> interval=<share> linear=<share>
// gives the share of the 30 test samples whose prediction is certified, then
// a line with the share certified and correctly classified (verified
// accuracy). The same code runs in constant evaluation: a network trained
// for two epochs at compile time has a test sample certified at ε = 0.05 by
// a static_assert.
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
    constexpr std::array<double, 4> radii{0.01, 0.02, 0.05, 0.1};
    for (const double eps : radii) {
        std::size_t by_interval = 0, by_linear = 0, correct_linear = 0;
        for (std::size_t i = 0; i < iris::test_count; ++i) {
            const auto ci = ctnn::certify(state.net, data.test_x[i], eps, ctnn::bound_method::interval);
            const auto cl = ctnn::certify(state.net, data.test_x[i], eps);
            by_interval += ci.certified;
            by_linear += cl.certified;
            correct_linear += cl.certified && cl.predicted == ctnn::argmax(data.test_d[i]);
            if (ci.certified && !cl.certified) {
                std::printf("error: sample %zu certified by intervals but not by linear bounds\n", i);
                return 1;
            }
        }
        const double n = static_cast<double>(iris::test_count);
        std::printf("certified eps=%g interval=%.4f linear=%.4f\n", eps, double(by_interval) / n,
                    double(by_linear) / n);
        std::printf("  verified accuracy (certified and correct) eps=%g linear=%.4f\n", eps,
                    double(correct_linear) / n);
    }
    const auto chosen = ctnn::certify(quick.net, compile_time_data.test_x[chosen_sample], 0.05);
    std::printf("compile-time network (2 epochs): test sample %zu certified at eps=0.05 with margin %.4f\n",
                chosen_sample, chosen.worst_margin);
    return 0;
}
