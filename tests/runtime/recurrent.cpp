// ctnn/core/recurrent.hpp at runtime, on windows and parameters the compiler
// cannot see (seeds through a volatile): the stream equals the windowed
// forward bit for bit over long sequences in float and double; runtime equals
// constant evaluation bit for bit; gradient checks of larger layers; the
// fused training step equals backprop then update (the layers read no
// parameter after delivering its gradient).
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>

namespace {

using ctnn::dense;
using ctnn::each_step;
using ctnn::gru;
using ctnn::input;
using ctnn::last_step;
using ctnn::lstm;

volatile std::uint64_t runtime_seed = 23;

template <class Net>
Net seeded(std::uint64_t offset) {
    return ctnn::make_network<Net>(runtime_seed + offset, ctnn::init::uniform{-0.5, 0.5});
}

template <class T, std::size_t N>
std::array<T, N> random_values(std::uint64_t offset) {
    ctnn::splitmix64 gen{runtime_seed * 31 + offset};
    std::array<T, N> x{};
    for (auto& v : x) v = gen.uniform<T>(T(-1.5), T(1.5));
    return x;
}

template <class Net>
void require_stream_matches_window(const Net& net, const typename Net::input_type& x) {
    using T = typename Net::scalar;
    ctnn::stream s(net);
    constexpr std::size_t in = decltype(s)::step_inputs;
    constexpr std::size_t out = decltype(s)::step_outputs;
    constexpr std::size_t steps = Net::input_size / in;
    const auto y = net.forward(x);
    std::size_t same = 0;
    for (std::size_t t = 0; t < steps; ++t) {
        std::array<T, in> xt{};
        for (std::size_t i = 0; i < in; ++i) xt[i] = x[t * in + i];
        const auto yt = s.step(xt);
        for (std::size_t j = 0; j < out; ++j) same += std::bit_cast<std::array<unsigned char, sizeof(T)>>(yt[j]) ==
                                                       std::bit_cast<std::array<unsigned char, sizeof(T)>>(y[t * out + j]);
    }
    REQUIRE(same == Net::output_size);
}

template <class Net>
void require_gradient_check(const Net& net, std::uint64_t offset) {
    const auto x = random_values<double, Net::input_size>(offset);
    const auto d = random_values<double, Net::output_size>(offset + 1);
    const auto r = ctnn::gradient_check(net, ctnn::mse{}, x, d);
    INFO(ctnn::describe(r.failure) << " max_rel=" << r.max_relative_error << " max_abs=" << r.max_absolute_error
                                   << " worst=" << r.worst_index);
    REQUIRE(r.passed);
    REQUIRE(r.gradient_norm > 0);
    REQUIRE(r.parameters_checked == Net::parameter_count);
    const auto ri = ctnn::input_gradient_check(net, ctnn::mse{}, x, d);
    REQUIRE(ri.passed);
    REQUIRE(ri.parameters_checked == Net::input_size);
}

// What the same code computes in constant evaluation.
using fixed_gru = ctnn::network<float, input<16, 2>, gru<8>, each_step<dense<8, 1>>>;
using fixed_lstm = ctnn::network<float, input<16, 2>, lstm<8>, each_step<dense<8, 1>>>;
constexpr std::uint64_t fixed_seed = 5;
constexpr std::array<float, 32> fixed_input = [] {
    ctnn::splitmix64 gen{77};
    std::array<float, 32> x{};
    for (auto& v : x) v = gen.uniform<float>(-1.5f, 1.5f);
    return x;
}();
template <class Net>
constexpr auto fixed_output = ctnn::make_network<Net>(fixed_seed, ctnn::init::uniform{-0.5, 0.5}).forward(fixed_input);

} // namespace

TEST_CASE("stream: every step equals the windowed forward, bit for bit (64 steps)", "[runtime][stream]") {
    using gru_f = ctnn::network<float, input<64, 1>, gru<16>, each_step<dense<16, 1>>>;
    using gru_d = ctnn::network<double, input<64, 3>, gru<8>, ctnn::tanh, each_step<dense<8, 2>>>;
    using lstm_f = ctnn::network<float, input<64, 1>, lstm<16>, each_step<dense<16, 1>>>;
    using lstm_d = ctnn::network<double, input<64, 2>, lstm<5>, gru<4>>;
    require_stream_matches_window(seeded<gru_f>(1), random_values<float, 64>(1));
    require_stream_matches_window(seeded<gru_d>(2), random_values<double, 192>(2));
    require_stream_matches_window(seeded<lstm_f>(3), random_values<float, 64>(3));
    require_stream_matches_window(seeded<lstm_d>(4), random_values<double, 128>(4));
}

TEST_CASE("stream: reset() starts again from rest; the state is the last h (and c)", "[runtime][stream]") {
    using net_t = ctnn::network<double, input<8, 1>, lstm<3>>;
    const auto net = seeded<net_t>(5);
    const auto x = random_values<double, 8>(5);
    ctnn::stream s(net);
    for (double v : x) s.step({v});
    const auto y = net.forward(x);
    for (std::size_t j = 0; j < 3; ++j) REQUIRE(s.state()[j] == y[7 * 3 + j]);
    s.reset();
    for (double v : s.state()) REQUIRE(v == 0.0);
    REQUIRE(s.step({x[0]})[0] == y[0]);
}

TEST_CASE("runtime forward equals constant evaluation, bit for bit", "[runtime][gru][lstm]") {
    std::uint64_t seed = fixed_seed + (runtime_seed - 23); // == fixed_seed, unknown to the compiler
    const auto g = ctnn::make_network<fixed_gru>(seed, ctnn::init::uniform{-0.5, 0.5});
    const auto l = ctnn::make_network<fixed_lstm>(seed, ctnn::init::uniform{-0.5, 0.5});
    auto x = fixed_input;
    x[0] += static_cast<float>(runtime_seed - 23); // unchanged, but not known
    const auto yg = g.forward(x);
    const auto yl = l.forward(x);
    for (std::size_t t = 0; t < 16; ++t) {
        REQUIRE(std::bit_cast<std::uint32_t>(yg[t]) == std::bit_cast<std::uint32_t>(fixed_output<fixed_gru>[t]));
        REQUIRE(std::bit_cast<std::uint32_t>(yl[t]) == std::bit_cast<std::uint32_t>(fixed_output<fixed_lstm>[t]));
    }
}

TEST_CASE("larger recurrent layers pass the gradient check (runtime)", "[runtime][gradient]") {
    require_gradient_check(seeded<ctnn::network<double, input<12, 3>, gru<6>, each_step<dense<6, 2>>>>(6), 6);
    require_gradient_check(seeded<ctnn::network<double, input<12, 3>, lstm<6>, each_step<dense<6, 2>>>>(7), 7);
    require_gradient_check(seeded<ctnn::network<double, input<10, 2>, gru<4>, lstm<3>, last_step, dense<3, 2>>>(8), 8);
}

TEST_CASE("fused SGD step equals backprop then update, bit for bit", "[runtime][training]") {
    using net_t = ctnn::network<float, input<20, 1>, lstm<4>, gru<5>, each_step<dense<5, 1>>>;
    auto fused = seeded<net_t>(9);
    auto separate = fused;
    const auto x = random_values<float, 20>(9);
    const auto d = random_values<float, 20>(10);
    ctnn::sgd a{0.05};
    ctnn::sgd b{0.05};
    for (int i = 0; i < 5; ++i) {
        ctnn::train_step(fused, ctnn::mse{}, a, x, d);
        const auto lg = ctnn::backprop(separate, ctnn::mse{}, x, d);
        b.update(separate.parameters, lg.gradient);
    }
    std::size_t same = 0;
    for (std::size_t k = 0; k < net_t::parameter_count; ++k)
        same += std::bit_cast<std::uint32_t>(fused.parameters[k]) == std::bit_cast<std::uint32_t>(separate.parameters[k]);
    REQUIRE(same == net_t::parameter_count);
    REQUIRE(ctnn::loss_value(fused, ctnn::mse{}, x, d) < ctnn::loss_value(seeded<net_t>(9), ctnn::mse{}, x, d));
}

// The run-time gates (detail::sigmoid_lanes / tanh_lanes, vectorised) give
// math::sigmoid / math::tanh's bits: every 97th float bit pattern (all
// exponents, both signs, NaNs and infinities), the special values, and
// doubles spread over the range where the functions are not constant.
// (Every float was checked once, 2^32 patterns, while writing them.)
TEST_CASE("vectorised sigmoid and tanh give math's bits", "[runtime][gru][lstm]") {
    constexpr std::size_t block = 1024;
    std::array<float, block> in, s, t;
    std::size_t mismatches = 0;
    for (std::uint64_t base = 0; base < (std::uint64_t{1} << 32); base += block * 97) {
        for (std::size_t j = 0; j < block; ++j) in[j] = std::bit_cast<float>(static_cast<std::uint32_t>(base + j * 97));
        ctnn::detail::sigmoid_lanes<block>(in.data(), s.data());
        ctnn::detail::tanh_lanes<block>(in.data(), t.data());
        for (std::size_t j = 0; j < block; ++j)
            mismatches += std::bit_cast<std::uint32_t>(s[j]) != std::bit_cast<std::uint32_t>(ctnn::math::sigmoid(in[j])) ||
                          std::bit_cast<std::uint32_t>(t[j]) != std::bit_cast<std::uint32_t>(ctnn::math::tanh(in[j]));
    }
    REQUIRE(mismatches == 0);
    constexpr std::array<double, 12> special = {0.0, -0.0, 1e-300, -1e-300, 0x1p-28, 22.0, -22.0, 745.2, -745.2,
                                                std::numeric_limits<double>::infinity(),
                                                -std::numeric_limits<double>::infinity(),
                                                std::numeric_limits<double>::quiet_NaN()};
    std::array<double, block> din, ds, dt;
    ctnn::splitmix64 gen{runtime_seed};
    for (int round = 0; round < 64; ++round) {
        for (std::size_t j = 0; j < block; ++j)
            din[j] = j < special.size() ? special[j]
                                        : (gen.uniform(-1.0, 1.0) * (j % 2 ? 50.0 : 1.0)) * (j % 3 ? 1.0 : 1e-6);
        ctnn::detail::sigmoid_lanes<block>(din.data(), ds.data());
        ctnn::detail::tanh_lanes<block>(din.data(), dt.data());
        for (std::size_t j = 0; j < block; ++j)
            mismatches += std::bit_cast<std::uint64_t>(ds[j]) != std::bit_cast<std::uint64_t>(ctnn::math::sigmoid(din[j])) ||
                          std::bit_cast<std::uint64_t>(dt[j]) != std::bit_cast<std::uint64_t>(ctnn::math::tanh(din[j]));
    }
    REQUIRE(mismatches == 0);
}
