// ctnn/core/recurrent.hpp at compile time: gru and lstm (backpropagation
// through time) against central differences, each_step and last_step, the
// stream against the windowed forward bit for bit, the layers' traits, and a
// few SGD steps of a GRU in constant evaluation.
//
// Every gradient check also proves it is not vacuous: it checks every
// parameter (parameters_checked == parameter_count), the gradient is not zero,
// the loss moved, and a GRU with one deliberate error in its backward pass (the
// reset gate's factor left out of the n rows of W_hh's gradient) fails the
// same check.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <string_view>

namespace {

using ctnn::dense;
using ctnn::each_step;
using ctnn::gru;
using ctnn::input;
using ctnn::last_step;
using ctnn::lstm;

template <class Net>
constexpr Net seeded(std::uint64_t seed) {
    return ctnn::make_network<Net>(seed, ctnn::init::uniform{-1.0, 1.0});
}

// 4 steps of 2 features, and a target for every step (3 steps of 1 output) or
// for the last one.
constexpr std::array<double, 8> x4x2{0.5, -1.25, 0.75, 0.3, -0.6, 1.1, 0.2, -0.9};
constexpr std::array<double, 4> d4{0.25, -0.5, 0.4, 0.1};
constexpr std::array<double, 3> x3x1{0.8, -0.4, 1.2};
constexpr std::array<double, 2> d2{0.3, -0.2};

template <class Net, class X, class D>
constexpr bool parameters_check(std::uint64_t seed, const X& x, const D& d) {
    const auto r = ctnn::gradient_check(seeded<Net>(seed), ctnn::mse{}, x, d);
    return r.passed && r.gradient_norm > 0 && r.max_loss_change > 0 &&
           r.parameters_checked == Net::parameter_count && r.kinks_skipped == 0 && r.max_relative_error < 1e-5;
}

template <class Net, class X, class D>
constexpr bool input_check(std::uint64_t seed, const X& x, const D& d) {
    const auto r = ctnn::input_gradient_check(seeded<Net>(seed), ctnn::mse{}, x, d);
    return r.passed && r.gradient_norm > 0 && r.parameters_checked == x.size() && r.max_relative_error < 1e-5;
}

// The negative control: a GRU cell whose backward forgets that r multiplies
// W_hn·h + b_hn (so the n rows of W_hh's and b_hh's gradient are wrong).
template <class T, std::size_t H>
struct gru_cell_missing_reset_factor : ctnn::detail::gru_cell<T, H> {
    static constexpr void backward(const T* saved, const T* h, const T* dnext, T* g_ih, T* g_hh, T* dh) noexcept {
        ctnn::detail::gru_cell<T, H>::backward(saved, h, dnext, g_ih, g_hh, dh);
        for (std::size_t j = 0; j < H; ++j) g_hh[2 * H + j] = g_ih[2 * H + j];
    }
};

template <std::size_t Hidden>
struct broken_gru {
    template <class T, class Shape>
    using bind_shape = ctnn::recurrent_layer<T, gru_cell_missing_reset_factor, Shape::dimensions[0],
                                             Shape::dimensions[1], Hidden>;
};

// The stream's outputs, step by step, against the windowed forward's.
template <class Net, std::size_t Steps, std::size_t Features>
constexpr bool stream_matches_window(const Net& net, const std::array<double, Steps * Features>& x) {
    const auto y = net.forward(x);
    ctnn::stream s(net);
    constexpr std::size_t out = decltype(s)::step_outputs;
    for (int pass = 0; pass < 2; ++pass) { // reset() starts again from rest
        for (std::size_t t = 0; t < Steps; ++t) {
            std::array<double, Features> xt{};
            for (std::size_t i = 0; i < Features; ++i) xt[i] = x[t * Features + i];
            const auto yt = s.step(xt);
            for (std::size_t j = 0; j < out; ++j)
                if (yt[j] != y[t * out + j]) return false;
        }
        s.reset();
    }
    return true;
}

} // namespace

TEST_CASE("gru: BPTT parameter and input gradients match central differences", "[static][gru]") {
    using net_t = ctnn::network<double, input<4, 2>, gru<3>, each_step<dense<3, 1>>>;
    STATIC_REQUIRE(net_t::parameter_count == 3 * 3 * (2 + 3) + 6 * 3 + 4);
    STATIC_REQUIRE(parameters_check<net_t>(1, x4x2, d4));
    STATIC_REQUIRE(input_check<net_t>(2, x4x2, d4));
}

TEST_CASE("gru: a wrong backward fails the same check (the check is not vacuous)", "[static][gru]") {
    using net_t = ctnn::network<double, input<4, 2>, broken_gru<3>, each_step<dense<3, 1>>>;
    constexpr auto r = ctnn::gradient_check(seeded<net_t>(1), ctnn::mse{}, x4x2, d4);
    STATIC_REQUIRE(!r.passed);
    STATIC_REQUIRE(r.failure == ctnn::gradient_check_failure::mismatch);
    STATIC_REQUIRE(r.worst_layer == 0);
    // The worst parameter is among the n rows of W_hh or b_hh.
    using L = net_t::layer_type<0>;
    STATIC_REQUIRE(((r.worst_parameter >= L::weight_hh + 2 * 3 * 3 && r.worst_parameter < L::bias_ih) ||
                    r.worst_parameter >= L::bias_hh + 2 * 3));
}

TEST_CASE("lstm: BPTT parameter and input gradients match central differences", "[static][lstm]") {
    using net_t = ctnn::network<double, input<3, 1>, lstm<2>, last_step, dense<2, 2>>;
    STATIC_REQUIRE(net_t::parameter_count == 4 * 2 * (1 + 2) + 8 * 2 + 6);
    STATIC_REQUIRE(parameters_check<net_t>(3, x3x1, d2));
    STATIC_REQUIRE(input_check<net_t>(4, x3x1, d2));
}

TEST_CASE("stacked recurrent layers and an activation over a sequence", "[static][gru][lstm]") {
    using net_t = ctnn::network<double, input<3, 1>, lstm<2>, ctnn::tanh, gru<2>, last_step, dense<2, 2>>;
    STATIC_REQUIRE(parameters_check<net_t>(5, x3x1, d2));
}

TEST_CASE("stream: each step equals the windowed forward, bit for bit", "[static][stream]") {
    using gru_t = ctnn::network<double, input<4, 2>, gru<3>, ctnn::tanh, each_step<dense<3, 1>>>;
    STATIC_REQUIRE(stream_matches_window<gru_t, 4, 2>(seeded<gru_t>(6), x4x2));
    using lstm_t = ctnn::network<double, input<4, 2>, lstm<3>, each_step<dense<3, 2>>>;
    STATIC_REQUIRE(stream_matches_window<lstm_t, 4, 2>(seeded<lstm_t>(7), x4x2));
    // Ending in last_step: the stream's output after step t is the windowed
    // output of the first t + 1 steps (the parameters do not depend on Steps).
    using tail_t = ctnn::network<double, input<3, 1>, gru<2>, last_step, dense<2, 1>>;
    using head_t = ctnn::network<double, input<2, 1>, gru<2>, last_step, dense<2, 1>>;
    constexpr auto tail = seeded<tail_t>(8);
    constexpr head_t head{tail.parameters};
    constexpr auto steps = [&] {
        ctnn::stream s(tail);
        std::array<double, 3> y{};
        for (std::size_t t = 0; t < 3; ++t) y[t] = s.step(x3x1[t]); // one number in, one out
        return y;
    }();
    STATIC_REQUIRE(steps[2] == tail.forward(x3x1)[0]);
    STATIC_REQUIRE(steps[1] == head.forward({x3x1[0], x3x1[1]})[0]);
    STATIC_REQUIRE(steps[0] != steps[1]);
}

TEST_CASE("recurrent layers' traits: PyTorch's layout, weights then biases, fans", "[static][traits]") {
    using net_t = ctnn::network<float, input<10, 3>, gru<8>, lstm<4>, each_step<dense<4, 1>>>;
    using g = ctnn::layer_traits<net_t::layer_type<0>>;
    using l = ctnn::layer_traits<net_t::layer_type<1>>;
    using e = ctnn::layer_traits<net_t::layer_type<2>>;
    STATIC_REQUIRE(net_t::layer_type<0>::parameter_count == 3 * 8 * 3 + 3 * 8 * 8 + 2 * 3 * 8);
    STATIC_REQUIRE(g::weight_count == 3 * 8 * (3 + 8));
    STATIC_REQUIRE(g::fan_in == 3 + 8);
    STATIC_REQUIRE(g::fan_out == 8);
    STATIC_REQUIRE(net_t::layer_type<0>::bias_hh == g::weight_count + 3 * 8);
    STATIC_REQUIRE(l::weight_count == 4 * 4 * (8 + 4));
    STATIC_REQUIRE(net_t::layer_type<1>::parameter_count == 4 * 4 * (8 + 4) + 2 * 4 * 4);
    STATIC_REQUIRE(e::weight_count == 4);
    STATIC_REQUIRE(e::fan_in == 4);
    STATIC_REQUIRE(e::fan_out == 1);
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<net_t::layer_type<0>>, ctnn::shape<10, 8>>);
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<net_t::layer_type<2>>, ctnn::shape<10, 1>>);
    STATIC_REQUIRE(net_t::output_size == 10);
    STATIC_REQUIRE(ctnn::type_name<gru<8>>() == std::string_view{"ctnn::gru<8>"});
    STATIC_REQUIRE(ctnn::type_name<lstm<4>>() == std::string_view{"ctnn::lstm<4>"});
}

TEST_CASE("a GRU learns at compile time: SGD over a window lowers the loss", "[static][gru][training]") {
    using net_t = ctnn::network<double, input<3, 1>, gru<2>, each_step<dense<2, 1>>>;
    constexpr std::array<double, 3> d{0.4, 0.0, 0.6}; // a target per step
    constexpr auto before = seeded<net_t>(9);
    constexpr auto after = [&] {
        auto net = before;
        ctnn::sgd opt{0.5};
        for (int i = 0; i < 20; ++i) ctnn::train_step(net, ctnn::mse{}, opt, x3x1, d);
        return net;
    }();
    STATIC_REQUIRE(ctnn::loss_value(after, ctnn::mse{}, x3x1, d) < ctnn::loss_value(before, ctnn::mse{}, x3x1, d) / 4);
}
