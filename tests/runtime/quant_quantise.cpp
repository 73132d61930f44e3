// int8 quantisation at runtime (ctnn/quant/quantise.hpp): the same function
// the compiler runs, on values it cannot see, gives the same network and the
// same int8 outputs; integer inference is deterministic across calls.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace {

using net_t = ctnn::network<float, ctnn::dense<6, 8>, ctnn::relu, ctnn::dense<8, 8>, ctnn::relu, ctnn::dense<8, 3>>;

template <std::size_t N>
constexpr std::array<std::array<float, 6>, N> inputs(std::uint64_t seed) {
    ctnn::splitmix64 gen{seed};
    std::array<std::array<float, 6>, N> xs{};
    for (auto& x : xs)
        for (auto& v : x) v = gen.uniform<float>(-0.5f, 1.5f);
    return xs;
}

constexpr auto net_at_compile_time = ctnn::make_network<net_t>(31, ctnn::init::he_normal{});
constexpr auto q_at_compile_time = ctnn::quantise(net_at_compile_time, inputs<32>(1));
constexpr auto tests_at_compile_time = inputs<16>(2);
constexpr auto outputs_at_compile_time = [] {
    std::array<std::array<std::int8_t, 3>, 16> ys{};
    for (std::size_t n = 0; n < 16; ++n) ys[n] = q_at_compile_time.forward(q_at_compile_time.quantise_input(tests_at_compile_time[n]));
    return ys;
}();

volatile std::uint64_t seeds[3] = {31, 1, 2}; // out of the compiler's sight

template <class L>
bool same_layer(const L& a, const L& b) {
    return a.weights == b.weights && a.bias == b.bias && a.multiplier == b.multiplier && a.shift == b.shift &&
           a.input == b.input && a.output == b.output && a.activation_min == b.activation_min &&
           a.activation_max == b.activation_max;
}

} // namespace

TEST_CASE("quantise at runtime equals quantise at compile time, bit for bit", "[quant]") {
    const auto net = ctnn::make_network<net_t>(seeds[0], ctnn::init::he_normal{});
    const auto calibration = inputs<32>(seeds[1]);
    const auto q = ctnn::quantise(net, calibration);
    CHECK(same_layer(q.layer<0>(), q_at_compile_time.layer<0>()));
    CHECK(same_layer(q.layer<1>(), q_at_compile_time.layer<1>()));
    CHECK(same_layer(q.layer<2>(), q_at_compile_time.layer<2>()));
    const auto tests = inputs<16>(seeds[2]);
    for (std::size_t n = 0; n < 16; ++n) {
        const auto codes = q.quantise_input(tests[n]);
        CHECK(q.forward(codes) == outputs_at_compile_time[n]);
        CHECK(q.forward(codes) == q.forward(codes));
    }
}

TEST_CASE("int8 outputs stay within a few output steps of float on the calibration set", "[quant]") {
    const auto net = ctnn::make_network<net_t>(seeds[0], ctnn::init::he_normal{});
    const auto calibration = inputs<32>(seeds[1]);
    const auto q = ctnn::quantise(net, calibration);
    const auto d = ctnn::max_output_difference(net, q, calibration);
    INFO("worst difference " << d.maximum << " (" << d.in_steps << " output steps) at sample " << d.sample);
    CHECK(d.maximum > 0);
    CHECK(d.in_steps < 4);
    CHECK(q.accumulators_fit());
}
