// Iris trained at compile time: the 4-16-3 network of examples/iris, 100
// epochs of Adam (learning rate 0.01) on mini-batches of 16, all in constant
// evaluation, cut into chunks by ctnn's cost model (CTNN_FIT_IN_CHUNKS: the
// chunk size that fits the compiler in use, each chunk its own constant
// expression). The program then runs the same fit<100, 16> at runtime, in one
// piece, and checks that both give the same parameters, bit for bit: one
// implementation, two evaluators, any chunk size.
//
// With the compilers' default limits this compiles on GCC 12 and Clang 14 to
// 19 without any flag, in well under 1 GB on GCC (docs/compile_time.md).
#include "iris.hpp"

#include <ctnn/train/chunking.hpp>

#include <bit>
#include <cstdint>
#include <cstdio>

namespace {

constexpr std::uint64_t seed = 2024;
constexpr std::size_t epochs = 100;
constexpr double learning_rate = iris::learning_rate;

constexpr iris::data data = iris::make_data(seed);

// The plan: where the run starts, what it trains on, for how long.
struct iris_fit {
    static constexpr auto start() {
        const auto s = iris::start(seed, learning_rate);
        return ctnn::start_fit(s.net, s.optimiser, data.train_x, {.seed = seed});
    }
    static constexpr std::size_t epochs = ::epochs;
    static constexpr std::size_t batch_size = iris::batch_size;
    static constexpr iris::loss_t loss{};
    static constexpr const auto& inputs = data.train_x;
    static constexpr const auto& targets = data.train_d;
};

CTNN_FIT_IN_CHUNKS(trained, iris_fit);
static_assert(ctnn::training_succeeded<trained.status>());
static_assert(trained.epoch == epochs);
constexpr double test_accuracy = ctnn::accuracy(trained.net, data.test_x, data.test_d);
constexpr double train_loss = ctnn::mean_loss(trained.net, iris::loss_t{}, data.train_x, data.train_d);
static_assert(test_accuracy >= 0.95, "the Iris network trained at compile time must classify the test set");

volatile std::uint64_t seed_source = seed; // the runtime run, out of the compiler's sight

} // namespace

int main() {
    std::printf("iris at compile time: 4-16-3 ReLU network, Adam lr %g, %zu epochs in %zu chunks of %zu\n",
                learning_rate, epochs, ctnn::chunk_count<iris_fit>, ctnn::chunk_epochs<iris_fit>);
    // The same fit at runtime, in one piece.
    const std::uint64_t s = seed_source;
    const auto runtime_data = iris::make_data(s);
    auto state = iris::start(s, learning_rate);
    const auto history = ctnn::fit<epochs, iris::batch_size>(state.net, iris::loss_t{}, state.optimiser,
                                                             runtime_data.train_x, runtime_data.train_d, {.seed = s});
    bool same = history.status == ctnn::training_status::ok;
    for (std::size_t k = 0; k < iris::net_t::parameter_count; ++k)
        if (std::bit_cast<std::uint64_t>(state.net.parameters[k]) !=
            std::bit_cast<std::uint64_t>(trained.net.parameters[k]))
            same = false;
    std::printf("runtime fit<%zu> gives the same %zu parameters, bit for bit: %s\n", epochs,
                iris::net_t::parameter_count, same ? "yes" : "NO");
    std::printf("accuracy=%.4f loss=%.5f\n", test_accuracy, train_loss);
    return same ? 0 : 1;
}
