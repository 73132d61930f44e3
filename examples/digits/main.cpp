// Handwritten digits at runtime: 8x8 images (64 inputs) into 10 classes with a
// 64-32-10 network (ReLU hidden layer, softmax fused into the loss), Adam on
// mini-batches of 32. A fixed seed holds out 360 of the 1797 samples for
// testing. Pixels (0..16) are scaled to [0, 1]. The last line is
//   accuracy=<test accuracy> loss=<final training loss>
#include "digits_data.hpp"

#include <ctnn/ctnn.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace {

using net_t = ctnn::network<float, ctnn::dense<64, 32>, ctnn::relu, ctnn::dense<32, 10>>;
using loss_t = ctnn::softmax_cross_entropy;

constexpr std::size_t sample_count = digits_data::sample_count;
constexpr std::size_t test_count = 360;
constexpr std::size_t train_count = sample_count - test_count;
constexpr std::size_t epochs = 30;
constexpr std::size_t batch_size = 32;
constexpr double learning_rate = 0.005;

using images = std::array<std::array<float, 64>, sample_count>;

// Static storage: the dataset (1797 x 74 floats, 530 kB) is too large for a
// stack frame on small targets, and ctnn never allocates.
images inputs;
std::array<std::array<float, 10>, sample_count> targets;

volatile std::uint64_t seed_source = 7; // out of the compiler's sight

} // namespace

int main() {
    const std::uint64_t seed = seed_source;
    for (std::size_t n = 0; n < sample_count; ++n) {
        for (std::size_t i = 0; i < 64; ++i) inputs[n][i] = static_cast<float>(digits_data::features[n][i]) / 16.0f;
        targets[n] = ctnn::one_hot<10, float>(digits_data::labels[n]);
    }
    ctnn::splitmix64 gen{seed};
    static const auto split = ctnn::shuffle_split<train_count>(inputs, targets, gen);

    auto net = ctnn::make_network<net_t>(seed, ctnn::init::he_normal{});
    ctnn::adam_for<net_t> adam{.learning_rate = learning_rate};
    std::printf("digits: 64-32-10 ReLU network (float), softmax cross-entropy, Adam lr %g, batches of %zu, "
                "%zu train / %zu test\n",
                learning_rate, batch_size, train_count, test_count);

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
    return test_accuracy >= 0.95 ? 0 : 1;
}
