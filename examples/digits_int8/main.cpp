// The digits classifier in int8, quantised by the compiler.
//
// The float 64-32-10 network (trained at build time by train_float, as
// examples/digits trains it) is quantised in constant evaluation: calibrated
// on 256 training images, int8 weights per output channel, int8 activations,
// fixed-point requantisation (ctnn/quant/quantise.hpp). The compiler then
// checks on the 360 held-out images that int8 accuracy is within one
// percentage point of float, and computes the worst output difference on
// the calibration set; at
// runtime the program repeats both measurements on inputs it reads through a
// volatile (so nothing is folded) and prints them. The last line is
//   accuracy=<int8 test accuracy> float_accuracy=<float test accuracy>
//
// Every constant evaluation stays within the compilers' default limits
// (Clang: 1,048,576 steps each), so the sets are taken in chunks, each its
// own constexpr variable: calibration ranges merge, correct counts add.
#include "digits_float_model.hpp"
#include "digits_int8_model.hpp" // the build step's int8 network, written by ctnn::write_quantised_header
#include "digits_split.hpp"

#include <ctnn/ctnn.hpp>
#include <ctnn/quant/header.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <type_traits>

namespace {

static_assert(std::is_same_v<digits_float::model_type, digits_split::net_t>,
              "the generated header holds another network than digits_split::net_t");
constexpr const auto& float_net = digits_float::model;

constexpr std::size_t chunk = 40;
constexpr std::size_t calibration_chunks = 3; // 120 training images
constexpr std::size_t test_chunks = digits_split::test_count / chunk;
static_assert(test_chunks * chunk == digits_split::test_count);

template <bool Test, std::size_t First>
constexpr std::array<std::array<float, 64>, chunk> images() {
    std::array<std::array<float, 64>, chunk> xs{};
    for (std::size_t n = 0; n < chunk; ++n)
        xs[n] = digits_split::pixels(Test ? digits_split::test_index(First + n) : digits_split::train_index(First + n));
    return xs;
}

template <bool Test, std::size_t First>
constexpr std::array<std::array<float, 10>, chunk> targets() {
    std::array<std::array<float, 10>, chunk> ds{};
    for (std::size_t n = 0; n < chunk; ++n)
        ds[n] = ctnn::one_hot<10, float>(
            digits_data::labels[Test ? digits_split::test_index(First + n) : digits_split::train_index(First + n)]);
    return ds;
}

// Calibration, chunk by chunk, the ranges merged.
template <std::size_t C>
constexpr auto calibration_chunk = ctnn::calibrate(float_net, images<false, C * chunk>());
constexpr auto ranges = []<std::size_t... C>(std::index_sequence<C...>) {
    ctnn::activation_ranges_for<digits_split::net_t> r{};
    ((r = r.merged(calibration_chunk<C>)), ...);
    return r;
}(std::make_index_sequence<calibration_chunks>{});

constexpr auto int8_net = ctnn::quantise(float_net, ranges);
static_assert(ranges.samples == calibration_chunks * chunk);
static_assert(int8_net.accumulators_fit(), "digits_int8: an int8 input could overflow an int32 accumulator");

// The header the build step wrote (quantised at runtime, through
// write_quantised_header) holds this very network: the runtime quantisation
// and the header round trip are bit for bit.
constexpr bool same_layer(const auto& a, const auto& b) {
    return a.weights == b.weights && a.bias == b.bias && a.multiplier == b.multiplier && a.shift == b.shift &&
           a.input == b.input && a.output == b.output && a.activation_min == b.activation_min &&
           a.activation_max == b.activation_max;
}
static_assert(std::is_same_v<digits_int8::model_type, std::remove_cvref_t<decltype(int8_net)>>);
static_assert(same_layer(digits_int8::model.layer<0>(), int8_net.layer<0>()) &&
                  same_layer(digits_int8::model.layer<1>(), int8_net.layer<1>()),
              "digits_int8: the written int8 header differs from the network quantised at compile time");

// Float and int8 side by side, chunk by chunk: on the calibration set (the
// worst output difference) and on the held-out set (accuracy).
template <bool Test, std::size_t C>
constexpr ctnn::quantisation_report chunk_report =
    ctnn::evaluate_quantisation(float_net, int8_net, images<Test, C * chunk>(), targets<Test, C * chunk>());
template <bool Test, std::size_t... C>
constexpr ctnn::quantisation_report merge(std::index_sequence<C...>) {
    ctnn::quantisation_report r{};
    ((r = r.merged(chunk_report<Test, C>)), ...);
    return r;
}
constexpr ctnn::quantisation_report calibration_report = merge<false>(std::make_index_sequence<calibration_chunks>{});
constexpr ctnn::quantisation_report test_report = merge<true>(std::make_index_sequence<test_chunks>{});

// The claim: on the held-out set, int8 is within one percentage point of float.
static_assert(test_report.samples == digits_split::test_count);
static_assert(test_report.int8_within_points_of_float(1),
              "digits_int8: int8 accuracy on the held-out set is more than 1 percentage point below float");
// And the worst output difference on the calibration set, in output steps
// (half a step is the output's own rounding; the rest is the weights' and
// activations' rounding carried through two layers).
static_assert(calibration_report.worst.in_steps < 16,
              "digits_int8: an int8 output is more than 16 output steps off float on the calibration set");

volatile std::size_t sample_offset = 0; // out of the compiler's sight

} // namespace

int main() {
    const std::size_t offset = sample_offset;
    std::size_t float_hits = 0, int8_hits = 0;
    for (std::size_t n = 0; n < digits_split::test_count; ++n) {
        const std::size_t sample = digits_split::test_index((n + offset) % digits_split::test_count);
        const auto x = digits_split::pixels(sample);
        const std::size_t label = digits_data::labels[sample];
        float_hits += ctnn::argmax(float_net.forward(x)) == label;
        int8_hits += ctnn::argmax(int8_net.forward(int8_net.quantise_input(x))) == label;
    }
    std::printf("digits_int8: 64-32-10 ReLU network quantised to int8 by the compiler (per-channel weights, "
                "calibrated on %zu training images)\n",
                ranges.samples);
    std::printf("compile time: held-out set float %zu/%zu, int8 %zu/%zu correct; worst output difference on the "
                "calibration set %.6f (%.3f output steps)\n",
                test_report.float_correct, test_report.samples, test_report.int8_correct, test_report.samples,
                calibration_report.worst.maximum, calibration_report.worst.in_steps);
    std::printf("runtime:      held-out set float %zu/%zu, int8 %zu/%zu correct\n", float_hits,
                digits_split::test_count, int8_hits, digits_split::test_count);
    std::printf("parameters: float %zu bytes, int8 %zu bytes\n", sizeof(float_net), sizeof(int8_net));
    if (float_hits != test_report.float_correct || int8_hits != test_report.int8_correct) {
        std::printf("runtime and compile time disagree\n");
        return 1;
    }
    const double n = static_cast<double>(digits_split::test_count);
    std::printf("accuracy=%.4f float_accuracy=%.4f\n", static_cast<double>(int8_hits) / n,
                static_cast<double>(float_hits) / n);
    return 0;
}
