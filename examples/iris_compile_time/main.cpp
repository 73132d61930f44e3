// Iris trained at compile time: the 4-16-3 network of examples/iris, 10
// epochs of Adam (learning rate 0.05) on mini-batches of 16, all in constant
// evaluation. The program then trains the same network from the same seed at
// runtime and checks that both give the same parameters, bit for bit: one
// implementation, two evaluators.
//
// Constant evaluators limit the work of one constant expression (GCC
// -fconstexpr-ops-limit, Clang -fconstexpr-steps), so the run is cut into
// chunks of `chunk` epochs with ctnn::trained_in_chunks: each chunk is its own
// constant expression that starts from the state the previous one left. With the default limits this
// compiles on GCC 12 and Clang 14 to 19 without any flag.
#include "iris.hpp"

#include <bit>
#include <cstdint>
#include <cstdio>

namespace {

constexpr std::uint64_t seed = 2024;
constexpr std::size_t epochs = 10;
constexpr std::size_t chunk = 2; // epochs per constant expression
constexpr double learning_rate = 0.05;

constexpr iris::data data = iris::make_data(seed);

// The plan for ctnn::trained_in_chunks: each chunk continues the run.
struct iris_training {
    struct state {
        iris::run_state run;
        std::size_t epochs_done = 0;
        ctnn::training_status status = ctnn::training_status::ok;
    };
    static constexpr state start() { return {iris::start(seed, learning_rate)}; }
    static constexpr void advance(state& s) {
        s.status = iris::train<chunk>(s.run, data, seed, s.epochs_done).status;
        s.epochs_done += chunk;
    }
};

static_assert(epochs % chunk == 0);
constexpr auto& result = ctnn::trained_in_chunks<iris_training, epochs / chunk>;
static_assert(ctnn::training_succeeded<result.status>());
constexpr const iris::net_t& trained = result.run.net;
constexpr double test_accuracy = ctnn::accuracy(trained, data.test_x, data.test_d);
constexpr double train_loss = ctnn::mean_loss(trained, iris::loss_t{}, data.train_x, data.train_d);
static_assert(test_accuracy >= 0.9, "the Iris network trained at compile time must classify the test set");

volatile std::uint64_t seed_source = seed; // the runtime run, out of the compiler's sight

} // namespace

int main() {
    std::printf("iris at compile time: 4-16-3 ReLU network, Adam lr %g, %zu epochs in stages of %zu\n", learning_rate,
                epochs, chunk);
    // The same run at runtime.
    const std::uint64_t s = seed_source;
    const auto runtime_data = iris::make_data(s);
    auto state = iris::start(s, learning_rate);
    for (std::size_t first = 0; first < epochs; first += chunk) iris::train<chunk>(state, runtime_data, s, first);
    bool same = true;
    for (std::size_t k = 0; k < iris::net_t::parameter_count; ++k)
        if (std::bit_cast<std::uint64_t>(state.net.parameters[k]) != std::bit_cast<std::uint64_t>(trained.parameters[k]))
            same = false;
    std::printf("runtime training gives the same %zu parameters, bit for bit: %s\n", iris::net_t::parameter_count,
                same ? "yes" : "NO");
    std::printf("accuracy=%.4f loss=%.5f\n", test_accuracy, train_loss);
    return same ? 0 : 1;
}
