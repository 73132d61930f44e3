// expect: ctnn: training diverged: the loss grew beyond the run's divergence limit
// A learning rate of 5 makes this run diverge; the run stops with a status
// before anything overflows, and training_succeeded turns it into a message.
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<1, 4>, ctnn::tanh, ctnn::dense<4, 1>>;
constexpr std::array<std::array<double, 1>, 4> xs{{{0.0}, {1.0}, {2.0}, {3.0}}};
constexpr std::array<std::array<double, 1>, 4> ds{{{0.0}, {2.0}, {4.0}, {6.0}}};
struct plan {
#ifdef CTNN_COMPILE_FAIL
    static constexpr double rate = 5.0;
#else
    static constexpr double rate = 0.01;
#endif
    static constexpr auto start() {
        return ctnn::training_run<net_t>{ctnn::make_network<net_t>(3), ctnn::sgd{rate}, ctnn::splitmix64{4}};
    }
    static constexpr void advance(auto& run) {
        ctnn::train_random_samples(run, ctnn::mse{}, xs, ds, 100, ctnn::backprop_method{});
    }
};
constexpr auto& trained = ctnn::trained_in_chunks<plan, 2>;
static_assert(ctnn::training_succeeded<trained.status>());
