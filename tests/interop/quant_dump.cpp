// quant_dump - ctnn's int8 quantisation, written out for the independent
// NumPy reference (quant_reference.py), which re-derives every integer from
// the float network and checks ctnn's int8 outputs bit for bit.
//
//   quant_dump random <networks per architecture> <output>   random networks, inputs, outputs
//   quant_dump digits <output>                               the digits classifier (examples/digits_int8):
//                                                            float weights, calibration and held-out sets,
//                                                            ctnn's accuracies, for PyTorch's own quantisation
//
// Format: whitespace-separated tokens, one record a line: a tag, then values.
// Floating-point values in C's hexadecimal format (%a: exact), integers in
// decimal. Per network: "network <id> <architecture>", per quantised layer
// "layer <in> <out> <relu>", the float weights W[in][out] and biases, the
// calibration ranges ctnn measured ("ranges" min max per tensor), each
// layer's codes, folded bias, TFLite bias, multipliers, shifts, its input
// and output scale and zero point; then "input"/"codes"/"output" for each
// test input (float values, ctnn's int8 input codes, ctnn's int8 outputs).
#if CTNN_QUANT_DUMP_DIGITS // the build has examples/digits_int8's generated header
#include "../../examples/digits_int8/digits_split.hpp"

#include <digits_float_model.hpp>
#endif

#include <ctnn/ctnn.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

std::FILE* out = nullptr;

template <class T, std::size_t N>
void put_floats(const char* tag, const std::array<T, N>& values) {
    std::fprintf(out, "%s", tag);
    for (const T v : values) std::fprintf(out, " %a", static_cast<double>(v));
    std::fprintf(out, "\n");
}

template <class T>
void put_floats(const char* tag, const T* values, std::size_t n) {
    std::fprintf(out, "%s", tag);
    for (std::size_t k = 0; k < n; ++k) std::fprintf(out, " %a", static_cast<double>(values[k]));
    std::fprintf(out, "\n");
}

template <class T, std::size_t N>
void put_ints(const char* tag, const std::array<T, N>& values) {
    std::fprintf(out, "%s", tag);
    for (const T v : values) std::fprintf(out, " %lld", static_cast<long long>(v));
    std::fprintf(out, "\n");
}

template <class Net, class Q>
void put_network(const Net& net, const Q& q, const ctnn::activation_ranges_for<Net>& ranges) {
    put_floats("ranges_min", ranges.minimum);
    put_floats("ranges_max", ranges.maximum);
    std::size_t first_layer = 0;
    [&]<std::size_t... B>(std::index_sequence<B...>) {
        (
            [&] {
                const auto& l = q.template layer<B>();
                using L = std::remove_cvref_t<decltype(l)>;
                // Skip to this block's dense layer: dense layers have parameters, activations none.
                while (Net::parameter_offsets[first_layer + 1] == Net::parameter_offsets[first_layer]) ++first_layer;
                const auto* w = net.parameters.data() + Net::parameter_offsets[first_layer];
                ++first_layer;
                std::fprintf(out, "layer %zu %zu %d\n", L::inputs, L::outputs, L::fused_relu ? 1 : 0);
                put_floats("float_weights", w, L::inputs * L::outputs);
                put_floats("float_bias", w + L::inputs * L::outputs, L::outputs);
                put_ints("weights", l.weights);
                put_ints("bias", l.bias);
                std::array<std::int32_t, L::outputs> spec{};
                for (std::size_t j = 0; j < L::outputs; ++j) spec[j] = l.specification_bias(j);
                put_ints("specification_bias", spec);
                put_ints("multiplier", l.multiplier);
                put_ints("shift", l.shift);
                std::fprintf(out, "quantisation %a %d %a %d %d %d\n", l.input.scale, l.input.zero_point, l.output.scale,
                             l.output.zero_point, l.activation_min, l.activation_max);
            }(),
            ...);
    }(std::make_index_sequence<Q::layer_count>{});
}

template <class Net, std::size_t Calibration, std::size_t Tests>
void random_case(std::size_t id, const char* architecture, std::uint64_t seed) {
    ctnn::splitmix64 gen{seed};
    // Weights of varying magnitude; inputs with a varying offset and spread,
    // so that input ranges are asymmetric (or all positive), and test inputs
    // reach 30% beyond the calibration range (saturation).
    const double magnitude = 0.05 + 2.0 * gen.uniform<double>();
    const auto net = ctnn::make_network<Net>(gen.next(), ctnn::init::uniform{-magnitude, magnitude});
    const float offset = gen.uniform<float>(-1.0f, 2.0f);
    const float spread = gen.uniform<float>(0.01f, 3.0f);
    std::array<typename Net::input_type, Calibration> calibration{};
    for (auto& x : calibration)
        for (auto& v : x) v = offset + spread * gen.uniform<float>(-1.0f, 1.0f);
    std::array<typename Net::input_type, Tests> tests{};
    for (auto& x : tests)
        for (auto& v : x) v = offset + 1.3f * spread * gen.uniform<float>(-1.0f, 1.0f);
    const auto ranges = ctnn::calibrate(net, calibration);
    const auto q = ctnn::quantise(net, ranges);
    std::fprintf(out, "network %zu %s\n", id, architecture);
    for (const auto& x : calibration) put_floats("calibration", x);
    put_network(net, q, ranges);
    for (const auto& x : tests) {
        const auto codes = q.quantise_input(x);
        put_floats("input", x);
        put_ints("codes", codes);
        put_ints("output", q.forward(codes));
    }
}

int random_networks(std::size_t per_architecture, const char* path) {
    out = std::fopen(path, "w");
    if (!out) return 2;
    using ctnn::dense;
    std::size_t id = 0;
    for (std::size_t k = 0; k < per_architecture; ++k) {
        const std::uint64_t seed = 0x9e3779b97f4a7c15ull * (k + 1);
        random_case<ctnn::network<float, dense<5, 7>, ctnn::relu, dense<7, 3>>, 16, 8>(id++, "5-7r-3", seed + 1);
        random_case<ctnn::network<float, dense<8, 16>, ctnn::relu, dense<16, 12>, ctnn::relu, dense<12, 4>>, 16, 8>(
            id++, "8-16r-12r-4", seed + 2);
        random_case<ctnn::network<float, dense<3, 6>, ctnn::identity, dense<6, 2>>, 16, 8>(id++, "3-6i-2", seed + 3);
        random_case<ctnn::network<float, dense<10, 1>>, 16, 8>(id++, "10-1", seed + 4);
        random_case<ctnn::network<float, dense<6, 9>, dense<9, 5>, ctnn::relu>, 16, 8>(id++, "6-9-5r", seed + 5);
    }
    std::fprintf(out, "end %zu\n", id);
    return std::fclose(out) == 0 ? 0 : 1;
}

#if CTNN_QUANT_DUMP_DIGITS
int digits(const char* path) {
    out = std::fopen(path, "w");
    if (!out) return 2;
    const auto& net = digits_float::model;
    constexpr std::size_t calibration_count = 120; // as examples/digits_int8
    static std::array<std::array<float, 64>, calibration_count> calibration{};
    for (std::size_t n = 0; n < calibration_count; ++n) calibration[n] = digits_split::pixels(digits_split::train_index(n));
    const auto ranges = ctnn::calibrate(net, calibration);
    const auto q = ctnn::quantise(net, ranges);
    std::fprintf(out, "network 0 digits\n");
    for (const auto& x : calibration) put_floats("calibration", x);
    put_network(net, q, ranges);
    std::size_t float_correct = 0, int8_correct = 0;
    for (std::size_t n = 0; n < digits_split::test_count; ++n) {
        const std::size_t sample = digits_split::test_index(n);
        const auto x = digits_split::pixels(sample);
        const auto codes = q.quantise_input(x);
        const auto y = q.forward(codes);
        put_floats("input", x);
        put_ints("codes", codes);
        put_ints("output", y);
        std::fprintf(out, "label %d\n", int(digits_data::labels[sample]));
        float_correct += ctnn::argmax(net.forward(x)) == digits_data::labels[sample];
        int8_correct += ctnn::argmax(y) == digits_data::labels[sample];
    }
    std::fprintf(out, "accuracy %zu %zu %zu\n", float_correct, int8_correct, digits_split::test_count);
    std::fprintf(out, "end 1\n");
    return std::fclose(out) == 0 ? 0 : 1;
}
#endif

} // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::strcmp(argv[1], "random") == 0) return random_networks(std::strtoul(argv[2], nullptr, 10), argv[3]);
#if CTNN_QUANT_DUMP_DIGITS
    if (argc == 3 && std::strcmp(argv[1], "digits") == 0) return digits(argv[2]);
#endif
    std::fprintf(stderr, "usage: quant_dump random <networks per architecture> <output> | quant_dump digits <output>\n");
    return 2;
}
