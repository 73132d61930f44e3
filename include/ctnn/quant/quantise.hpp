// ctnn/quant/quantise.hpp - post-training int8 quantisation by the compiler,
// and int8 networks whose inference is integer arithmetic only.
//
//   constexpr auto q = ctnn::quantise(net, calibration_inputs);  // a ctnn::quantised_network
//   q.forward(x_int8)                       int8 in, int8 out: integers only
//   q.quantise_input(x_float)               float -> int8 at the input (uses floating point)
//   q.dequantise_output(y_int8)             int8 -> float at the output
//   ctnn::quantised_accuracy(q, xs, ds)     accuracy (xs float or int8)
//   ctnn::max_output_difference(net, q, xs) worst |float output − dequantised int8 output|
//   static_assert(ctnn::quantised_accuracy(q, xs, ds) >= ctnn::accuracy(net, xs, ds) - 0.01);
//
// The scheme is the TensorFlow Lite quantisation specification's:
//  * weights int8, symmetric (zero point 0), one scale per output channel:
//    s_w[j] = max_i |W[i][j]| / 127, codes in [−127, 127];
//  * biases int32 with scale s_in·s_w[j] and zero point 0;
//  * activations int8, asymmetric: a scale and a zero point per tensor from
//    the range seen on the calibration set (ctnn::calibrate; min/max, widened
//    to hold 0, as gemmlowp's ChooseQuantizationParams: choose_quantisation);
//  * requantisation in fixed point: per output channel the real multiplier
//    s_in·s_w[j]/s_out as an int32 and a shift (quantise_multiplier), applied
//    by SaturatingRoundingDoublingHighMul then RoundingDivideByPOT
//    (ctnn/quant/fixed_point.hpp), plus the output zero point;
//  * ReLU fused as a clamp: outputs below the code of 0 (the zero point) are
//    raised to it; identity clamps to [−128, 127] only.
// What can be quantised: dense layers, each optionally followed by ctnn::relu
// or ctnn::identity. Anything else is a compile error naming the layer.
//
// Storage differs from the float network in one way that changes no result:
// each layer keeps its int8 weights as rows per output channel ([out][in],
// as TFLite and PyTorch store them), so an output is one contiguous dot
// product, and its int32 bias has the input zero point folded in,
// b[j] − z_in·Σ_i W[j][i] (integer arithmetic is exact, so acc = b +
// Σ (x − z_in)·W equals b' + Σ x·W bit for bit; `specification_bias(j)`
// gives TFLite's b back).
#pragma once

#include <ctnn/core/activation.hpp>
#include <ctnn/core/dense.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/core/size.hpp>
#include <ctnn/data/dataset.hpp>
#include <ctnn/quant/fixed_point.hpp>

#include <boost/hana/at.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/for_each.hpp>
#include <boost/hana/tuple.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <utility>

namespace ctnn {

// A dense layer in int8, with its activation (ReLU or none) fused.
template <std::size_t In, std::size_t Out, bool FusedRelu>
struct quantised_dense {
    static constexpr std::size_t inputs = In;
    static constexpr std::size_t outputs = Out;
    static constexpr bool fused_relu = FusedRelu;

    std::array<std::int8_t, Out * In> weights{}; // [out][in]: output channel j's weights are a row
    std::array<std::int32_t, Out> bias{};        // TFLite's int32 bias with the input zero point folded in
    std::array<std::int32_t, Out> multiplier{};  // requantisation, per output channel (quantise_multiplier)
    std::array<std::int8_t, Out> shift{};
    quantisation input{};  // of this layer's input (the previous layer's output)
    quantisation output{}; // of its output, after the fused activation
    std::int8_t activation_min = -128; // the fused ReLU's clamp: output.zero_point; else −128
    std::int8_t activation_max = 127;

    // y = clamp(requantise(b' + Σ_i x_i·W[j][i]) + z_out): integers only.
    constexpr void forward(const std::array<std::int8_t, In>& x, std::array<std::int8_t, Out>& y) const noexcept {
        const std::int8_t* w = weights.data();
        const std::int8_t* xp = x.data();
        for (std::size_t j = 0; j < Out; ++j, w += In) {
            std::int32_t acc = bias[j];
            for (std::size_t i = 0; i < In; ++i) acc += static_cast<std::int32_t>(xp[i]) * w[i];
            std::int32_t v = multiply_by_quantised_multiplier(acc, multiplier[j], shift[j]) + output.zero_point;
            if (v < activation_min) v = activation_min;
            if (v > activation_max) v = activation_max;
            y[j] = static_cast<std::int8_t>(v);
        }
    }

    // The bias as the specification stores it (input zero point not folded in).
    constexpr std::int32_t specification_bias(std::size_t j) const noexcept {
        std::int64_t sum = 0;
        for (std::size_t i = 0; i < In; ++i) sum += weights[j * In + i];
        return static_cast<std::int32_t>(bias[j] + static_cast<std::int64_t>(input.zero_point) * sum);
    }

    // Whether no int8 input can overflow the int32 accumulator:
    // |b'| + 128·Σ_i |W[j][i]| < 2^31 for every output.
    constexpr bool accumulator_fits() const noexcept {
        for (std::size_t j = 0; j < Out; ++j) {
            std::int64_t bound = bias[j] < 0 ? -static_cast<std::int64_t>(bias[j]) : bias[j];
            for (std::size_t i = 0; i < In; ++i) {
                const std::int64_t w = weights[j * In + i];
                bound += 128 * (w < 0 ? -w : w);
            }
            if (bound > 2147483647) return false;
        }
        return true;
    }
};

template <class... Layers>
struct quantised_network {
    static_assert(sizeof...(Layers) > 0, "ctnn::quantised_network: needs at least one layer");
    using layer_tuple = boost::hana::tuple<Layers...>;
    static constexpr std::size_t layer_count = sizeof...(Layers);
    template <std::size_t I>
    using layer_type = std::remove_cvref_t<decltype(boost::hana::at_c<I>(std::declval<layer_tuple&>()))>;
    static constexpr std::size_t input_size = layer_type<0>::inputs;
    static constexpr std::size_t output_size = layer_type<layer_count - 1>::outputs;
    using input_type = std::array<std::int8_t, input_size>;
    using output_type = std::array<std::int8_t, output_size>;

    layer_tuple layers{};

    template <std::size_t I>
    constexpr layer_type<I>& layer() noexcept {
        return boost::hana::at_c<I>(layers);
    }
    template <std::size_t I>
    constexpr const layer_type<I>& layer() const noexcept {
        return boost::hana::at_c<I>(layers);
    }

    constexpr quantisation input_quantisation() const noexcept { return layer<0>().input; }
    constexpr quantisation output_quantisation() const noexcept { return layer<layer_count - 1>().output; }

    // Integer-only inference: int8 codes in, int8 codes out.
    constexpr output_type forward(const input_type& x) const noexcept {
        return boost::hana::fold_left(layers, x, [](const auto& in, const auto& l) {
            std::array<std::int8_t, std::remove_cvref_t<decltype(l)>::outputs> out{};
            l.forward(in, out);
            return out;
        });
    }

    // The float boundary (floating-point arithmetic; keep it off a device
    // without an FPU by quantising inputs ahead, or by a lookup table):
    // q = clamp(round(x / scale) + zero_point, −128, 127), ties away from zero.
    template <class T>
    constexpr input_type quantise_input(const std::array<T, input_size>& x) const noexcept {
        static_assert(std::is_floating_point_v<T>, "ctnn::quantised_network::quantise_input: takes float or double "
                                                   "inputs (int8 inputs go to forward directly)");
        const quantisation qi = input_quantisation();
        input_type q{};
        for (std::size_t i = 0; i < input_size; ++i)
            q[i] = detail::saturate<std::int8_t>(detail::round_half_away(static_cast<double>(x[i]) / qi.scale) +
                                                 qi.zero_point);
        return q;
    }

    // real = scale · (q − zero_point), in T.
    template <class T = float>
    constexpr std::array<T, output_size> dequantise_output(const output_type& y) const noexcept {
        const quantisation qo = output_quantisation();
        std::array<T, output_size> r{};
        for (std::size_t j = 0; j < output_size; ++j)
            r[j] = static_cast<T>(qo.scale * static_cast<double>(static_cast<std::int32_t>(y[j]) - qo.zero_point));
        return r;
    }

    // Whether no input can overflow an int32 accumulator (see quantised_dense).
    constexpr bool accumulators_fit() const noexcept {
        bool fits = true;
        boost::hana::for_each(layers, [&](const auto& l) { fits = fits && l.accumulator_fits(); });
        return fits;
    }
};

template <class T>
struct is_quantised_network : std::false_type {};
template <class... L>
struct is_quantised_network<quantised_network<L...>> : std::true_type {};

namespace detail::quant {

template <class L>
struct dense_sizes {
    static constexpr bool is_dense = false;
};
template <class T, std::size_t I, std::size_t O>
struct dense_sizes<dense_layer<T, I, O>> {
    static constexpr bool is_dense = true;
    static constexpr std::size_t in = I, out = O;
};

// 1: ReLU, 0: identity, −1: an activation (or other layer) int8 cannot fuse.
template <class L>
inline constexpr int fusable_activation = -1;
template <class T, std::size_t W, class S>
inline constexpr int fusable_activation<activation_layer<T, functions::relu, W, S>> = 1;
template <class T, std::size_t W, class S>
inline constexpr int fusable_activation<activation_layer<T, functions::identity, W, S>> = 0;

// Raised at the first layer that is not a dense layer where one is due; the
// index reaches the error as layer_index<N>.
template <class LayerIndex, bool Quantisable>
struct check_layer_is_quantisable {
    static_assert(Quantisable,
                  "ctnn::quantise: int8 networks are made of dense layers, each optionally followed by ctnn::relu "
                  "(fused as a clamp) or ctnn::identity; the layer at this index is something else (sigmoid, "
                  "tanh, softmax, the other activations and user-defined layers are not supported; a final "
                  "softmax can be left out for classification, argmax is the same)");
    static constexpr bool value = Quantisable;
};

template <class... Ts>
struct list {};

// The plan: quantised layer types, and for each the index of the last float
// layer it covers (its output in the float network's trace is at that + 1).
template <class Blocks, std::size_t... Ends>
struct plan {
    using blocks = Blocks;
    static constexpr std::array<std::size_t, sizeof...(Ends)> last_layer{Ends...};
};

template <class Net, std::size_t Next, class Block, std::size_t End, class... Done, std::size_t... Ends>
constexpr auto make_plan_append(list<Done...>, std::index_sequence<Ends...>);

template <class Net, std::size_t I, class Blocks, std::size_t... Ends>
constexpr auto make_plan() {
    if constexpr (I == Net::layer_count) {
        return plan<Blocks, Ends...>{};
    } else {
        using L = typename Net::template layer_type<I>;
        constexpr bool dense = dense_sizes<L>::is_dense;
        if constexpr (!check_layer_is_quantisable<size::layer_index<I>, dense>::value) {
            return plan<Blocks, Ends...>{};
        } else {
            constexpr std::size_t in = dense_sizes<L>::in, out = dense_sizes<L>::out;
            constexpr int next = [] {
                if constexpr (I + 1 < Net::layer_count) {
                    using N = typename Net::template layer_type<I + 1>;
                    return dense_sizes<N>::is_dense ? -2 : fusable_activation<N>;
                } else {
                    return -2; // nothing follows
                }
            }();
            if constexpr (next == -2) {
                return make_plan_append<Net, I + 1, quantised_dense<in, out, false>, I>(Blocks{},
                                                                                       std::index_sequence<Ends...>{});
            } else if constexpr (next >= 0) {
                return make_plan_append<Net, I + 2, quantised_dense<in, out, next == 1>, I + 1>(
                    Blocks{}, std::index_sequence<Ends...>{});
            } else {
                // Reported once; planning goes on past it so no error follows from this one.
                static_assert(check_layer_is_quantisable<size::layer_index<I + 1>, false>::value);
                return make_plan_append<Net, I + 2, quantised_dense<in, out, false>, I + 1>(
                    Blocks{}, std::index_sequence<Ends...>{});
            }
        }
    }
}

template <class Net, std::size_t Next, class Block, std::size_t End, class... Done, std::size_t... Ends>
constexpr auto make_plan_append(list<Done...>, std::index_sequence<Ends...>) {
    return make_plan<Net, Next, list<Done..., Block>, Ends..., End>();
}

template <class Blocks>
struct network_of;
template <class... Blocks>
struct network_of<list<Blocks...>> {
    using type = quantised_network<Blocks...>;
};

template <class Net>
using plan_t = decltype(make_plan<Net, 0, list<>>());

template <class Net>
struct check_is_float_network {
    static_assert(is_network<Net>::value, "ctnn::quantise: the first argument must be a ctnn::network (a trained "
                                          "float or double network)");
    static constexpr bool value = is_network<Net>::value;
};

} // namespace detail::quant

// The int8 network ctnn::quantise makes of a float network type.
template <class Net>
using quantised_network_for = typename detail::quant::network_of<typename detail::quant::plan_t<Net>::blocks>::type;

// The activation ranges seen on a calibration set: [0] the input, [k + 1]
// the output of quantised layer k (after its fused activation). Ranges of
// several sets merge (min of mins, max of maxes), so a set too large for one
// constant evaluation can be calibrated in chunks.
template <std::size_t Tensors>
struct activation_ranges {
    std::array<double, Tensors> minimum{};
    std::array<double, Tensors> maximum{};
    std::size_t samples = 0;

    constexpr activation_ranges merged(const activation_ranges& other) const noexcept {
        if (samples == 0) return other;
        if (other.samples == 0) return *this;
        activation_ranges r = *this;
        for (std::size_t t = 0; t < Tensors; ++t) {
            if (other.minimum[t] < r.minimum[t]) r.minimum[t] = other.minimum[t];
            if (other.maximum[t] > r.maximum[t]) r.maximum[t] = other.maximum[t];
        }
        r.samples += other.samples;
        return r;
    }
};

template <class Net>
using activation_ranges_for = activation_ranges<quantised_network_for<Net>::layer_count + 1>;

// Runs the float network on every calibration input and records the range
// of its input and of each quantised layer's output.
template <class Net, std::size_t K>
constexpr activation_ranges_for<Net> calibrate(const Net& net,
                                               const std::array<typename Net::input_type, K>& inputs) noexcept {
    static_assert(detail::quant::check_is_float_network<Net>::value);
    using plan = detail::quant::plan_t<Net>;
    constexpr std::size_t blocks = plan::last_layer.size();
    activation_ranges_for<Net> r{};
    for (std::size_t t = 0; t <= blocks; ++t) {
        r.minimum[t] = std::numeric_limits<double>::infinity();
        r.maximum[t] = -std::numeric_limits<double>::infinity();
    }
    for (const auto& x : inputs) {
        const auto trace = net.forward_trace(x);
        const auto see = [&](std::size_t t, const auto& values) {
            for (const auto v : values) {
                const double d = static_cast<double>(v);
                if (d < r.minimum[t]) r.minimum[t] = d;
                if (d > r.maximum[t]) r.maximum[t] = d;
            }
        };
        see(0, boost::hana::at_c<0>(trace));
        [&]<std::size_t... B>(std::index_sequence<B...>) {
            (see(B + 1, boost::hana::at_c<plan::last_layer[B] + 1>(trace)), ...);
        }(std::make_index_sequence<blocks>{});
    }
    r.samples = K;
    return r;
}

// Quantises a trained network given the activation ranges (ctnn::calibrate).
template <class Net>
constexpr quantised_network_for<Net> quantise(const Net& net, const activation_ranges_for<Net>& ranges) noexcept {
    static_assert(detail::quant::check_is_float_network<Net>::value);
    using plan = detail::quant::plan_t<Net>;
    using Q = quantised_network_for<Net>;
    Q q{};
    [&]<std::size_t... B>(std::index_sequence<B...>) {
        (
            [&] {
                auto& l = q.template layer<B>();
                using L = std::remove_cvref_t<decltype(l)>;
                constexpr std::size_t in = L::inputs, out = L::outputs;
                // The block's dense layer is its first float layer.
                constexpr std::size_t first_layer = B == 0 ? 0 : plan::last_layer[B - 1] + 1;
                const auto* w = net.parameters.data() + Net::parameter_offsets[first_layer];
                const auto* b = w + in * out;
                l.input = choose_quantisation(ranges.minimum[B], ranges.maximum[B]);
                l.output = choose_quantisation(ranges.minimum[B + 1], ranges.maximum[B + 1]);
                l.activation_min = L::fused_relu ? detail::saturate<std::int8_t>(l.output.zero_point) : std::int8_t{-128};
                l.activation_max = 127;
                for (std::size_t j = 0; j < out; ++j) {
                    double largest = 0.0;
                    for (std::size_t i = 0; i < in; ++i) {
                        const double a = math::abs(static_cast<double>(w[i * out + j]));
                        if (a > largest) largest = a;
                    }
                    const double weight_scale = largest > 0.0 ? largest / 127.0 : 1.0;
                    std::int64_t sum = 0;
                    for (std::size_t i = 0; i < in; ++i) {
                        const std::int64_t c =
                            detail::round_half_away(static_cast<double>(w[i * out + j]) / weight_scale);
                        const std::int8_t code = static_cast<std::int8_t>(c > 127 ? 127 : (c < -127 ? -127 : c));
                        l.weights[j * in + i] = code;
                        sum += code;
                    }
                    const double bias_scale = l.input.scale * weight_scale;
                    const std::int64_t bias_code =
                        detail::saturate<std::int32_t>(detail::round_half_away(static_cast<double>(b[j]) / bias_scale));
                    l.bias[j] = detail::saturate<std::int32_t>(bias_code - static_cast<std::int64_t>(l.input.zero_point) * sum);
                    const quantised_multiplier m = quantise_multiplier(bias_scale / l.output.scale);
                    l.multiplier[j] = m.multiplier;
                    l.shift[j] = static_cast<std::int8_t>(m.shift);
                }
            }(),
            ...);
    }(std::make_index_sequence<Q::layer_count>{});
    return q;
}

// Calibrates on `calibration_inputs` and quantises.
template <class Net, std::size_t K>
constexpr quantised_network_for<Net> quantise(const Net& net,
                                              const std::array<typename Net::input_type, K>& calibration_inputs) noexcept {
    static_assert(detail::quant::check_is_float_network<Net>::value);
    static_assert(K > 0, "ctnn::quantise: the calibration set is empty");
    return quantise(net, calibrate(net, calibration_inputs));
}

namespace detail::quant {

template <class Q, class X>
constexpr typename Q::output_type run(const Q& q, const X& x) noexcept {
    if constexpr (std::is_same_v<typename X::value_type, std::int8_t>) return q.forward(x);
    else return q.forward(q.quantise_input(x));
}

template <class Q>
struct check_is_quantised_network {
    static_assert(is_quantised_network<Q>::value,
                  "ctnn: expected a ctnn::quantised_network (made by ctnn::quantise(net, calibration_inputs))");
    static constexpr bool value = is_quantised_network<Q>::value;
};

} // namespace detail::quant

// The fraction of samples whose largest int8 output is at the target's
// largest entry (ties: the first, as ctnn::argmax). Inputs float (quantised
// by q.quantise_input) or int8 codes.
template <class Q, class X, std::size_t NX, class D, std::size_t ND, std::size_t N>
constexpr double quantised_accuracy(const Q& q, const std::array<std::array<X, NX>, N>& xs,
                                    const std::array<std::array<D, ND>, N>& ds) noexcept {
    static_assert(detail::quant::check_is_quantised_network<Q>::value);
    static_assert(NX == Q::input_size, "ctnn::quantised_accuracy: the inputs have a different size than the network's input");
    static_assert(ND == Q::output_size, "ctnn::quantised_accuracy: the targets have a different size than the network's output");
    static_assert(N > 0, "ctnn::quantised_accuracy: the dataset is empty");
    std::size_t correct = 0;
    for (std::size_t n = 0; n < N; ++n)
        if (argmax(detail::quant::run(q, xs[n])) == argmax(ds[n])) ++correct;
    return static_cast<double>(correct) / static_cast<double>(N);
}

// The worst difference between the float network's outputs and the int8
// network's dequantised outputs over a set of inputs, where it happened, and
// the same in output steps (units of the output scale).
struct output_difference {
    double maximum = 0.0;
    std::size_t sample = 0;
    std::size_t output = 0;
    double in_steps = 0.0;
};

template <class Net, class Q, std::size_t K>
constexpr output_difference max_output_difference(const Net& net, const Q& q,
                                                  const std::array<typename Net::input_type, K>& inputs) noexcept {
    static_assert(detail::quant::check_is_float_network<Net>::value &&
                  detail::quant::check_is_quantised_network<Q>::value);
    output_difference r{};
    for (std::size_t n = 0; n < K; ++n) {
        const auto y = net.forward(inputs[n]);
        const auto yq = q.template dequantise_output<double>(q.forward(q.quantise_input(inputs[n])));
        for (std::size_t j = 0; j < Q::output_size; ++j) {
            const double d = math::abs(static_cast<double>(y[j]) - yq[j]);
            if (d > r.maximum) r = {d, n, j, 0.0};
        }
    }
    r.in_steps = r.maximum / q.output_quantisation().scale;
    return r;
}

// Float and int8 side by side on a labelled set, in one pass (one float
// and one int8 forward per sample): correct counts and the worst output
// difference. Reports of consecutive chunks merge, so a set too large for one
// constant evaluation is evaluated in chunks.
struct quantisation_report {
    std::size_t samples = 0;
    std::size_t float_correct = 0;
    std::size_t int8_correct = 0;
    output_difference worst{};

    constexpr double float_accuracy() const noexcept {
        return samples == 0 ? 0.0 : static_cast<double>(float_correct) / static_cast<double>(samples);
    }
    constexpr double int8_accuracy() const noexcept {
        return samples == 0 ? 0.0 : static_cast<double>(int8_correct) / static_cast<double>(samples);
    }
    // Whether int8 accuracy is at most `points` percentage points below
    // float's: 100·(float − int8) <= points·samples, exact in integers for
    // whole points.
    constexpr bool int8_within_points_of_float(std::size_t points) const noexcept {
        return 100 * float_correct <= 100 * int8_correct + points * samples;
    }
    // This report followed by `later` (whose sample indices come after ours).
    constexpr quantisation_report merged(const quantisation_report& later) const noexcept {
        quantisation_report r = *this;
        if (later.worst.maximum > r.worst.maximum) {
            r.worst = later.worst;
            r.worst.sample += samples;
        }
        r.samples += later.samples;
        r.float_correct += later.float_correct;
        r.int8_correct += later.int8_correct;
        return r;
    }
};

template <class Net, class Q, std::size_t K, class D, std::size_t ND>
constexpr quantisation_report evaluate_quantisation(const Net& net, const Q& q,
                                                    const std::array<typename Net::input_type, K>& inputs,
                                                    const std::array<std::array<D, ND>, K>& targets) noexcept {
    static_assert(detail::quant::check_is_float_network<Net>::value &&
                  detail::quant::check_is_quantised_network<Q>::value);
    static_assert(ND == Q::output_size && ND == Net::output_size,
                  "ctnn::evaluate_quantisation: the targets have a different size than the networks' output");
    quantisation_report r{};
    r.samples = K;
    for (std::size_t n = 0; n < K; ++n) {
        const auto y = net.forward(inputs[n]);
        const auto yq = q.forward(q.quantise_input(inputs[n]));
        const std::size_t truth = argmax(targets[n]);
        r.float_correct += argmax(y) == truth;
        r.int8_correct += argmax(yq) == truth;
        const auto yd = q.template dequantise_output<double>(yq);
        for (std::size_t j = 0; j < ND; ++j) {
            const double d = math::abs(static_cast<double>(y[j]) - yd[j]);
            if (d > r.worst.maximum) r.worst = {d, n, j, 0.0};
        }
    }
    r.worst.in_steps = r.worst.maximum / q.output_quantisation().scale;
    return r;
}

} // namespace ctnn
