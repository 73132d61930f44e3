// Iris at runtime: a 4-16-3 classifier trained with Adam on mini-batches,
// printing progress per epoch; the last line is
//   accuracy=<test accuracy> loss=<final training loss>
#include "iris.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>

namespace {
// Through a volatile: the compiler must not try to fold the run.
volatile std::uint64_t seed_source = 2024;
} // namespace

int main() {
    const std::uint64_t seed = seed_source;
    const auto data = iris::make_data(seed);
    auto state = iris::start(seed);
    std::printf("iris: 4-16-3 ReLU network, softmax cross-entropy, Adam lr %g, batches of %zu, %zu train / %zu test\n",
                iris::learning_rate, iris::batch_size, iris::train_count, iris::test_count);
    const auto t0 = std::chrono::steady_clock::now();
    const auto history = iris::train<iris::epochs>(state, data, seed, 0, [](const ctnn::epoch_report<double>& e) {
        std::printf("epoch %3zu/%zu  loss %.5f\n", e.epoch + 1, e.epochs, e.loss);
    });
    const auto t1 = std::chrono::steady_clock::now();
    if (history.status != ctnn::training_status::ok) {
        std::printf("training stopped: %s\n", ctnn::describe(history.status));
        return 1;
    }
    const double train_accuracy = ctnn::accuracy(state.net, data.train_x, data.train_d);
    const double test_accuracy = ctnn::accuracy(state.net, data.test_x, data.test_d);
    const double train_loss = ctnn::mean_loss(state.net, iris::loss_t{}, data.train_x, data.train_d);
    std::printf("train accuracy %.4f, training time %.2f ms\n", train_accuracy,
                std::chrono::duration<double, std::milli>(t1 - t0).count());
    std::printf("accuracy=%.4f loss=%.5f\n", test_accuracy, train_loss);
    return test_accuracy >= 0.95 ? 0 : 1;
}
