// Handwritten digits with a small convolutional network, trained at runtime:
// 8×8 images (one channel) → conv 3×3 (16 channels, padding 1) → 2×2 max pool
// → ReLU → conv 3×3 (32 channels, padding 1) → 2×2 max pool → ReLU →
// flatten (128) → dense 10, softmax fused into the loss; Adam on mini-batches
// of 32 with a cosine schedule. The same split as examples/digits (seed 7
// holds out 360 of the 1797 samples; pixels 0..16 scaled to [0, 1]), where
// the 64-32-10 MLP reaches 0.969. The last line is
//   accuracy=<test accuracy> loss=<final training loss>
//
// At compile time the network this program starts from is gradient-checked
// whole (cnn_gradient_check.hpp): every parameter of every layer against
// central differences along random directions, on a training image.
#include "cnn_gradient_check.hpp"

#include <digits_data.hpp>

#include <ctnn/ctnn.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace {

using namespace digits_cnn;

constexpr std::size_t sample_count = digits_data::sample_count;
constexpr std::size_t test_count = 360;
constexpr std::size_t train_count = sample_count - test_count;
constexpr std::size_t epochs = 30;
constexpr std::size_t batch_size = 32;
constexpr double learning_rate = 0.005;

// Static storage: the dataset is too large for a stack frame on small
// targets, and ctnn never allocates.
std::array<std::array<float, 64>, sample_count> inputs;
std::array<std::array<float, 10>, sample_count> targets;

volatile std::uint64_t seed_source = 7; // out of the compiler's sight

} // namespace

int main() {
    const std::uint64_t seed = seed_source;
    for (std::size_t n = 0; n < sample_count; ++n) {
        inputs[n] = image<float>(n);
        targets[n] = ctnn::one_hot<10, float>(digits_data::labels[n]);
    }
    ctnn::splitmix64 gen{seed};
    static const auto split = ctnn::shuffle_split<train_count>(inputs, targets, gen);

    auto net = initial_network<net_t>(seed);
    ctnn::adam_for<net_t> adam{.learning_rate = learning_rate};
    std::printf("digits_cnn: conv3x3(16)-pool-relu-conv3x3(32)-pool-relu-dense(10) on 8x8 digits (float, %zu "
                "parameters), softmax cross-entropy, Adam lr %g, batches of %zu, %zu train / %zu test\n",
                net_t::parameter_count, learning_rate, batch_size, train_count, test_count);
    std::printf("compile-time gradient check of this network: %zu directions, worst relative error %.2e\n",
                direction_count, worst_directional_error);

    const auto t0 = std::chrono::steady_clock::now();
    const auto history = ctnn::fit<epochs, batch_size>(
        net, loss_t{}, adam, split.train_inputs, split.train_targets, {.seed = seed},
        ctnn::schedule::cosine{.epochs = epochs, .minimum = 0.05},
        [](const ctnn::epoch_report<float>& e) {
            std::printf("epoch %2zu/%zu  loss %.5f  lr %.5f\n", e.epoch + 1, e.epochs, static_cast<double>(e.loss),
                        e.learning_rate);
        });
    const auto t1 = std::chrono::steady_clock::now();
    if (history.status != ctnn::training_status::ok) {
        std::printf("training stopped: %s\n", ctnn::describe(history.status));
        return 1;
    }
    const double train_accuracy = ctnn::accuracy(net, split.train_inputs, split.train_targets);
    const double test_accuracy = ctnn::accuracy(net, split.test_inputs, split.test_targets);
    const float train_loss = ctnn::mean_loss(net, loss_t{}, split.train_inputs, split.train_targets);
    std::printf("train accuracy %.4f, training time %.1f ms (%zu epochs, %.2f us per sample step)\n", train_accuracy,
                std::chrono::duration<double, std::milli>(t1 - t0).count(), epochs,
                std::chrono::duration<double, std::micro>(t1 - t0).count() / double(epochs * train_count));
    std::printf("accuracy=%.4f loss=%.5f\n", test_accuracy, static_cast<double>(train_loss));
    return test_accuracy >= 0.98 ? 0 : 1;
}
