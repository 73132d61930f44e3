// Build step of digits_int8: trains the float digits classifier exactly as
// examples/digits does (64-32-10 ReLU, Adam, cosine schedule, seed 7, the
// same 1437/360 split) and writes its parameters as a self-verifying header
// (ctnn::write_header with 4 reference inputs from the held-out set), so the
// int8 example and the firmware quantise a trained network at compile time
// without training it there. It also quantises the network (at runtime, as
// main.cpp does at compile time: calibrated on the first 120 training images)
// and writes the int8 network as a self-verifying header
// (ctnn::write_quantised_header); main.cpp checks it equals its own.
//
//   train_float <float output.hpp> <int8 output.hpp>
#include "../digits/digits_data.hpp"
#include "digits_split.hpp"

#include <ctnn/ctnn.hpp>
#include <ctnn/quant/header.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>

namespace {

using loss_t = ctnn::softmax_cross_entropy;
constexpr std::size_t epochs = 30;
constexpr std::size_t batch_size = 32;
constexpr double learning_rate = 0.005;

std::array<std::array<float, 64>, digits_split::train_count> train_inputs;
std::array<std::array<float, 10>, digits_split::train_count> train_targets;
std::array<std::array<float, 64>, digits_split::test_count> test_inputs;
std::array<std::array<float, 10>, digits_split::test_count> test_targets;

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: train_float <float output.hpp> <int8 output.hpp>\n");
        return 2;
    }
    for (std::size_t n = 0; n < digits_split::train_count; ++n) {
        train_inputs[n] = digits_split::pixels(digits_split::train_index(n));
        train_targets[n] = ctnn::one_hot<10, float>(digits_data::labels[digits_split::train_index(n)]);
    }
    for (std::size_t n = 0; n < digits_split::test_count; ++n) {
        test_inputs[n] = digits_split::pixels(digits_split::test_index(n));
        test_targets[n] = ctnn::one_hot<10, float>(digits_data::labels[digits_split::test_index(n)]);
    }
    auto net = ctnn::make_network<digits_split::net_t>(digits_split::seed, ctnn::init::he_normal{});
    ctnn::adam_for<digits_split::net_t> adam{.learning_rate = learning_rate};
    const auto history = ctnn::fit<epochs, batch_size>(net, loss_t{}, adam, train_inputs, train_targets,
                                                       {.seed = digits_split::seed},
                                                       ctnn::schedule::cosine{.epochs = epochs, .minimum = 0.05});
    if (history.status != ctnn::training_status::ok) {
        std::fprintf(stderr, "train_float: training stopped: %s\n", ctnn::describe(history.status));
        return 1;
    }
    const std::array<std::array<float, 64>, 4> references{test_inputs[0], test_inputs[1], test_inputs[2],
                                                          test_inputs[3]};
    std::FILE* f = std::fopen(argv[1], "w");
    if (!f) {
        std::fprintf(stderr, "train_float: cannot write %s\n", argv[1]);
        return 1;
    }
    const auto status = ctnn::write_header(net, [&](char c) { std::fputc(c, f); }, "digits_float", references);
    if (std::fclose(f) != 0 || status != ctnn::write_status::ok) {
        std::fprintf(stderr, "train_float: writing %s failed: %s\n", argv[1], ctnn::describe(status));
        return 1;
    }
    static std::array<std::array<float, 64>, 120> calibration;
    for (std::size_t n = 0; n < calibration.size(); ++n) calibration[n] = train_inputs[n];
    const auto q = ctnn::quantise(net, calibration);
    std::array<std::array<std::int8_t, 64>, 4> codes{};
    for (std::size_t k = 0; k < codes.size(); ++k) codes[k] = q.quantise_input(references[k]);
    f = std::fopen(argv[2], "w");
    if (!f) {
        std::fprintf(stderr, "train_float: cannot write %s\n", argv[2]);
        return 1;
    }
    const auto int8_status = ctnn::write_quantised_header(q, [&](char c) { std::fputc(c, f); }, "digits_int8", codes);
    if (std::fclose(f) != 0 || int8_status != ctnn::write_status::ok) {
        std::fprintf(stderr, "train_float: writing %s failed: %s\n", argv[2], ctnn::describe(int8_status));
        return 1;
    }
    std::printf("train_float: float test accuracy %.4f, written to %s; int8 network to %s\n",
                ctnn::accuracy(net, test_inputs, test_targets), argv[1], argv[2]);
    return 0;
}
