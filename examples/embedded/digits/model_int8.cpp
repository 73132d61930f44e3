// model_int8.cpp - the digits classifier quantised to int8 by the compiler,
// as examples/digits_int8 does it (calibrated on the first 120 training
// images), in flash; its input table; its outputs on the probes.
#include "model.hpp"

#include <digits_float_model.hpp>

namespace digits_device {

namespace {

constexpr std::size_t chunk = 40;
constexpr std::size_t calibration_chunks = 3;

template <std::size_t First>
constexpr std::array<std::array<float, 64>, chunk> training_images() {
    std::array<std::array<float, 64>, chunk> xs{};
    for (std::size_t n = 0; n < chunk; ++n) xs[n] = digits_split::pixels(digits_split::train_index(First + n));
    return xs;
}

template <std::size_t C>
constexpr auto calibration_chunk = ctnn::calibrate(digits_float::model, training_images<C * chunk>());

constexpr auto ranges = []<std::size_t... C>(std::index_sequence<C...>) {
    ctnn::activation_ranges_for<float_network> r{};
    ((r = r.merged(calibration_chunk<C>)), ...);
    return r;
}(std::make_index_sequence<calibration_chunks>{});

} // namespace

constexpr int8_network int8_model = ctnn::quantise(digits_float::model, ranges);
static_assert(int8_model.accumulators_fit());

constexpr std::array<std::int8_t, 17> int8_pixel_codes = [] {
    std::array<std::int8_t, 17> codes{};
    for (std::size_t k = 0; k <= 16; ++k) {
        std::array<float, 64> x{};
        x[0] = static_cast<float>(k) / 16.0f;
        codes[k] = int8_model.quantise_input(x)[0];
    }
    return codes;
}();

constexpr std::array<int8_network::output_type, probe_count> int8_expected = [] {
    std::array<int8_network::output_type, probe_count> ys{};
    for (std::size_t n = 0; n < probe_count; ++n)
        ys[n] = int8_model.forward(int8_model.quantise_input(digits_split::pixels(digits_split::test_index(n))));
    return ys;
}();

} // namespace digits_device
