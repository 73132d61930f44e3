// int8 quantisation by the compiler (ctnn/quant/fixed_point.hpp and
// ctnn/quant/quantise.hpp): the TFLite fixed-point primitives on values
// worked out by hand from the specification, the quantisation scheme's
// properties, integer inference against the specification's unfolded
// formula, and the accuracy checks, each shown able to fail.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace quant_quantise_test {

constexpr std::int32_t int32_min = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t int32_max = std::numeric_limits<std::int32_t>::max();

// --- fixed point ------------------------------------------------------------

// SaturatingRoundingDoublingHighMul: (a·b + nudge) / 2^31, truncated; nudge
// 2^30 for a·b >= 0, 1 − 2^30 below: halves round up (toward +inf).
static_assert(ctnn::saturating_rounding_doubling_high_mul(1 << 30, 1 << 30) == 1 << 29);
static_assert(ctnn::saturating_rounding_doubling_high_mul(1001, 1 << 30) == 501);   // 500.5 -> 501
static_assert(ctnn::saturating_rounding_doubling_high_mul(-1001, 1 << 30) == -500); // -500.5 -> -500
static_assert(ctnn::saturating_rounding_doubling_high_mul(-1003, 1 << 30) == -501); // -501.5 -> -501
static_assert(ctnn::saturating_rounding_doubling_high_mul(int32_min, int32_min) == int32_max); // the saturation
static_assert(ctnn::saturating_rounding_doubling_high_mul(int32_min, int32_max) == -int32_max);

// RoundingDivideByPOT: to nearest, ties away from zero.
static_assert(ctnn::rounding_divide_by_pot(5, 1) == 3 && ctnn::rounding_divide_by_pot(-5, 1) == -3);
static_assert(ctnn::rounding_divide_by_pot(3, 1) == 2 && ctnn::rounding_divide_by_pot(-3, 1) == -2);
static_assert(ctnn::rounding_divide_by_pot(7, 2) == 2 && ctnn::rounding_divide_by_pot(-7, 2) == -2);
static_assert(ctnn::rounding_divide_by_pot(5, 2) == 1 && ctnn::rounding_divide_by_pot(-5, 2) == -1);
static_assert(ctnn::rounding_divide_by_pot(6, 2) == 2 && ctnn::rounding_divide_by_pot(-6, 2) == -2);
static_assert(ctnn::rounding_divide_by_pot(12345, 0) == 12345);
static_assert(ctnn::rounding_divide_by_pot(int32_min, 31) == -1 && ctnn::rounding_divide_by_pot(int32_max, 31) == 1);

// QuantizeMultiplier: real = m · 2^(shift − 31), m in [2^30, 2^31).
static_assert(ctnn::quantise_multiplier(0.5) == ctnn::quantised_multiplier{1 << 30, 0});
static_assert(ctnn::quantise_multiplier(0.25) == ctnn::quantised_multiplier{1 << 30, -1});
static_assert(ctnn::quantise_multiplier(0.75) == ctnn::quantised_multiplier{3 << 29, 0});
static_assert(ctnn::quantise_multiplier(1.0) == ctnn::quantised_multiplier{1 << 30, 1});
static_assert(ctnn::quantise_multiplier(3.0) == ctnn::quantised_multiplier{3 << 29, 2});
// q·2^31 rounding up to 2^31 is renormalised: 1 − 2^−40 becomes 2^30 · 2^(1 − 31).
static_assert(ctnn::quantise_multiplier(1.0 - 0x1p-40) == ctnn::quantised_multiplier{1 << 30, 1});
// Below 2^−32 the shift would pass −31: flushed to zero; 0 and negatives give 0.
static_assert(ctnn::quantise_multiplier(0x1p-33) == ctnn::quantised_multiplier{});
static_assert(ctnn::quantise_multiplier(0x1p-32) == ctnn::quantised_multiplier{1 << 30, -31});
static_assert(ctnn::quantise_multiplier(0.0) == ctnn::quantised_multiplier{});

// MultiplyByQuantizedMultiplier.
static_assert(ctnn::multiply_by_quantised_multiplier(1000, 1 << 30, -1) == 250);   // 1000 · 0.25
static_assert(ctnn::multiply_by_quantised_multiplier(1002, 1 << 30, -1) == 251);   // 250.5 -> 251
static_assert(ctnn::multiply_by_quantised_multiplier(-1002, 1 << 30, -1) == -251); // -250.5 -> -251
static_assert(ctnn::multiply_by_quantised_multiplier(100, 3 << 29, 2) == 300);     // 100 · 3
// x·2^2 saturates at 2^31 − 1 before the multiply (TFLite's overflows): then halved.
static_assert(ctnn::multiply_by_quantised_multiplier(int32_max, 1 << 30, 2) == 1 << 30);

// ChooseQuantizationParams for int8: [0, 1] -> 1/255 and −128; [−1, 1]: both
// ends give −0.5, from the max end (smaller error), rounded away: −1.
static_assert(ctnn::choose_quantisation(0.0, 1.0) == ctnn::quantisation{1.0 / 255.0, -128});
static_assert(ctnn::choose_quantisation(0.25, 1.0) == ctnn::quantisation{1.0 / 255.0, -128}); // widened to hold 0
static_assert(ctnn::choose_quantisation(-1.0, 1.0) == ctnn::quantisation{2.0 / 255.0, -1});
static_assert(ctnn::choose_quantisation(-2.0, 0.0) == ctnn::quantisation{2.0 / 255.0, 127});
static_assert(ctnn::choose_quantisation(0.0, 0.0) == ctnn::quantisation{1.0, -128});

// --- the quantised network's type --------------------------------------------

using ctnn::dense;
using net_t = ctnn::network<float, dense<4, 6>, ctnn::relu, dense<6, 3>>;
static_assert(std::is_same_v<ctnn::quantised_network_for<net_t>,
                             ctnn::quantised_network<ctnn::quantised_dense<4, 6, true>, ctnn::quantised_dense<6, 3, false>>>);
static_assert(std::is_same_v<ctnn::quantised_network_for<ctnn::network<double, dense<2, 3>, ctnn::identity, dense<3, 1>>>,
                             ctnn::quantised_network<ctnn::quantised_dense<2, 3, false>, ctnn::quantised_dense<3, 1, false>>>);
static_assert(std::is_same_v<ctnn::quantised_network_for<ctnn::network<float, dense<2, 3>, dense<3, 4>, ctnn::relu>>,
                             ctnn::quantised_network<ctnn::quantised_dense<2, 3, false>, ctnn::quantised_dense<3, 4, true>>>);

// --- a network, a calibration set, labels ----------------------------------

constexpr net_t net = ctnn::make_network<net_t>(2024, ctnn::init::uniform{-1.0, 1.0});

// 48 inputs in [−1, 1]^4 from splitmix64, float.
template <std::size_t N>
constexpr std::array<std::array<float, 4>, N> random_inputs(std::uint64_t seed) {
    ctnn::splitmix64 gen{seed};
    std::array<std::array<float, 4>, N> xs{};
    for (auto& x : xs)
        for (auto& v : x) v = 2.0f * gen.uniform<float>() - 1.0f;
    return xs;
}
constexpr auto calibration = random_inputs<48>(1);
constexpr auto held_out = random_inputs<48>(2);
// Labels: the float network's own predictions, so float accuracy is 1 and the
// int8 network's accuracy is its agreement with float.
constexpr auto labels = [] {
    std::array<std::array<float, 3>, 48> ds{};
    for (std::size_t n = 0; n < 48; ++n) ds[n] = ctnn::one_hot<3, float>(ctnn::argmax(net.forward(held_out[n])));
    return ds;
}();

constexpr auto ranges = ctnn::calibrate(net, calibration);
constexpr auto q = ctnn::quantise(net, ranges);
// The one-call form is the same network.
constexpr auto q_direct = ctnn::quantise(net, calibration);
static_assert(q_direct.layer<0>().weights == q.layer<0>().weights && q_direct.layer<1>().bias == q.layer<1>().bias);

// Ranges merge: two halves give the whole set's ranges.
constexpr auto halves = [] {
    std::array<std::array<float, 4>, 24> a{}, b{};
    for (std::size_t n = 0; n < 24; ++n) {
        a[n] = calibration[n];
        b[n] = calibration[24 + n];
    }
    return ctnn::calibrate(net, a).merged(ctnn::calibrate(net, b));
}();
static_assert(halves.minimum == ranges.minimum && halves.maximum == ranges.maximum && halves.samples == 48);

// --- the scheme's properties --------------------------------------------------

// Per output channel, symmetric: each channel's largest weight maps to ±127,
// and no code is −128.
template <class L>
constexpr bool every_channel_uses_full_range(const L& l) {
    for (std::size_t j = 0; j < L::outputs; ++j) {
        int largest = 0;
        for (std::size_t i = 0; i < L::inputs; ++i) {
            const int w = l.weights[j * L::inputs + i];
            if (w == -128) return false;
            if ((w < 0 ? -w : w) > largest) largest = w < 0 ? -w : w;
        }
        if (largest != 127) return false;
    }
    return true;
}
static_assert(every_channel_uses_full_range(q.layer<0>()) && every_channel_uses_full_range(q.layer<1>()));

// The code of weight [i][j] is round(W/s_j), s_j = max_i |W[i][j]| / 127:
// checked directly for layer 0 against the float weights.
constexpr bool weights_are_rounded_ratios() {
    const float* w = net.parameters.data();
    for (std::size_t j = 0; j < 6; ++j) {
        double largest = 0;
        for (std::size_t i = 0; i < 4; ++i) largest = ctnn::math::abs(double(w[i * 6 + j])) > largest ? ctnn::math::abs(double(w[i * 6 + j])) : largest;
        for (std::size_t i = 0; i < 4; ++i) {
            const double exact = double(w[i * 6 + j]) / (largest / 127.0);
            const double code = q.layer<0>().weights[j * 4 + i];
            if (ctnn::math::abs(exact - code) > 0.5) return false;
        }
    }
    return true;
}
static_assert(weights_are_rounded_ratios());

// Activations: the ReLU layer's output range starts at 0, so its zero point
// is −128 and the fused clamp is at it; the last layer clamps nothing.
static_assert(q.layer<0>().output.zero_point == -128 && q.layer<0>().activation_min == -128);
static_assert(q.layer<1>().activation_min == -128 && q.layer<1>().activation_max == 127);
// Each layer's input quantisation is the previous layer's output's.
static_assert(q.layer<1>().input == q.layer<0>().output);
static_assert(q.input_quantisation() == ctnn::choose_quantisation(ranges.minimum[0], ranges.maximum[0]));
// The requantisation multipliers are normalised (or zero).
static_assert([] {
    for (const auto m : q.layer<0>().multiplier)
        if (m < (1 << 30)) return false;
    return true;
}());
static_assert(q.accumulators_fit());

// The input's extremes quantise to the ends of the int8 range.
constexpr float input_low = static_cast<float>(ranges.minimum[0]);
constexpr float input_high = static_cast<float>(ranges.maximum[0]);
static_assert(q.quantise_input(std::array<float, 4>{input_low, input_high, 0.0f, 5.0f}) ==
              std::array<std::int8_t, 4>{-128, 127, static_cast<std::int8_t>(q.input_quantisation().zero_point), 127});

// --- integer inference against the specification's formula ------------------

// The specification's layer, unfolded: acc = b + Σ_i (x_i − z_in)·W[j][i] in
// int64, then requantise, add z_out, clamp. Agreement on every calibration
// input shows the folded bias changes nothing.
template <class L>
constexpr std::array<std::int8_t, L::outputs> specification_layer(const L& l,
                                                                  const std::array<std::int8_t, L::inputs>& x) {
    std::array<std::int8_t, L::outputs> y{};
    for (std::size_t j = 0; j < L::outputs; ++j) {
        std::int64_t acc = l.specification_bias(j);
        for (std::size_t i = 0; i < L::inputs; ++i) acc += (x[i] - l.input.zero_point) * l.weights[j * L::inputs + i];
        std::int32_t v = ctnn::multiply_by_quantised_multiplier(static_cast<std::int32_t>(acc), l.multiplier[j],
                                                                l.shift[j]) +
                         l.output.zero_point;
        v = v < l.activation_min ? l.activation_min : (v > l.activation_max ? l.activation_max : v);
        y[j] = static_cast<std::int8_t>(v);
    }
    return y;
}
constexpr bool matches_specification() {
    for (const auto& x : calibration) {
        const auto xq = q.quantise_input(x);
        if (q.forward(xq) != specification_layer(q.layer<1>(), specification_layer(q.layer<0>(), xq))) return false;
    }
    return true;
}
static_assert(matches_specification());

// --- accuracy and output difference -------------------------------------------

static_assert(ctnn::accuracy(net, held_out, labels) == 1.0);
constexpr double int8_accuracy = ctnn::quantised_accuracy(q, held_out, labels);
static_assert(int8_accuracy >= 0.95, "int8 agrees with float on at least 95% of the held-out inputs");
// The same from int8 codes.
constexpr auto held_out_codes = [] {
    std::array<std::array<std::int8_t, 4>, 48> c{};
    for (std::size_t n = 0; n < 48; ++n) c[n] = q.quantise_input(held_out[n]);
    return c;
}();
static_assert(ctnn::quantised_accuracy(q, held_out_codes, labels) == int8_accuracy);

constexpr auto difference = ctnn::max_output_difference(net, q, calibration);
static_assert(difference.maximum > 0 && difference.in_steps < 3,
              "within 3 output steps of float (half a step is the output's rounding)");
static_assert(difference.in_steps == difference.maximum / q.output_quantisation().scale);

constexpr auto report = ctnn::evaluate_quantisation(net, q, held_out, labels);
static_assert(report.samples == 48 && report.float_correct == 48);
static_assert(report.int8_accuracy() == int8_accuracy && report.int8_within_points_of_float(5));

// Not vacuous: a network calibrated on a range 20 times too small saturates
// its activations; its accuracy falls, the within-points check and the
// output-difference bound both fail.
constexpr auto squeezed = [] {
    auto r = ranges;
    for (std::size_t t = 1; t < r.minimum.size(); ++t) {
        r.minimum[t] /= 20;
        r.maximum[t] /= 20;
    }
    return ctnn::quantise(net, r);
}();
constexpr auto squeezed_report = ctnn::evaluate_quantisation(net, squeezed, held_out, labels);
static_assert(squeezed_report.int8_correct < report.int8_correct && !squeezed_report.int8_within_points_of_float(5));
static_assert(ctnn::max_output_difference(net, squeezed, calibration).in_steps > 3);

// Reports of chunks merge: sample indices of the later chunk are offset.
static_assert([] {
    ctnn::quantisation_report a{10, 9, 8, {0.5, 3, 1, 1.0}};
    const ctnn::quantisation_report b{5, 5, 4, {0.75, 2, 0, 1.5}};
    const auto m = a.merged(b);
    return m.samples == 15 && m.float_correct == 14 && m.int8_correct == 12 && m.worst.sample == 12 &&
           m.worst.output == 0 && m.worst.maximum == 0.75;
}());

// An accumulator that could overflow is detected.
static_assert([] {
    auto l = q.layer<0>();
    l.bias[2] = std::numeric_limits<std::int32_t>::max() - 1000;
    return !l.accumulator_fits();
}());

TEST_CASE("int8 quantisation: the compile-time checks ran", "[quant]") {
    STATIC_REQUIRE(matches_specification());
    STATIC_REQUIRE(int8_accuracy >= 0.95);
}

} // namespace quant_quantise_test
