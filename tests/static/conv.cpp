// conv1d and conv2d at compile time: output shapes and parameter roles,
// forward values worked by hand (padding, stride, channel layout), gradients
// against central differences (parameters and input; non-vacuous: every
// parameter checked, none skipped, a nonzero gradient, and a gradient 1 %
// off fails), and the layer contract (each gradient delivered once, no
// parameter read after its gradient, the fused step).
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>
#include <layer_checks.hpp>

#include <array>
#include <cstddef>

namespace conv_test {

using ctnn::conv1d;
using ctnn::conv2d;
using ctnn::input;
using ctnn::shape;

template <class Net>
constexpr Net seeded(std::uint64_t seed) {
    return ctnn::make_network<Net>(seed, ctnn::init::uniform{-1.0, 1.0});
}

// A network's gradient check that proves something: passed, every parameter
// compared (no kink skipped), a nonzero gradient and loss change.
template <class Net, class X, class D>
constexpr bool parameters_check(const Net& net, const X& x, const D& d) {
    const auto r = ctnn::gradient_check(net, ctnn::mse{}, x, d);
    return r.passed && r.parameters_checked == Net::parameter_count && r.kinks_skipped == 0 && r.gradient_norm > 0 &&
           r.max_loss_change > 0 && r.max_relative_error < 1e-6;
}

template <class Net, class X, class D>
constexpr bool input_check(const Net& net, const X& x, const D& d) {
    const auto r = ctnn::input_gradient_check(net, ctnn::mse{}, x, d);
    return r.passed && r.parameters_checked == x.size() && r.gradient_norm > 0 && r.max_relative_error < 1e-6;
}

template <class Net, std::size_t I>
using layer_t = typename Net::template layer_type<I>;

} // namespace conv_test

using namespace conv_test;

TEST_CASE("conv2d: output shape (H + 2P - K) / S + 1, parameters [out][in][K][K] then biases",
          "[static][conv]") {
    using net_t = ctnn::network<double, input<3, 8, 8>, conv2d<3, 4, 3>, conv2d<4, 2, 3, 2, 1>>;
    using first = layer_t<net_t, 0>;
    using second = layer_t<net_t, 1>;
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<first>, shape<4, 6, 6>>);
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<second>, shape<2, 3, 3>>); // (6 + 2 - 3) / 2 + 1
    STATIC_REQUIRE(first::parameter_count == 4 * 3 * 9 + 4);
    STATIC_REQUIRE(ctnn::layer_traits<first>::weight_count == 4 * 3 * 9);
    STATIC_REQUIRE(ctnn::layer_traits<first>::fan_in == 3 * 9);  // as torch.nn.init computes for Conv2d
    STATIC_REQUIRE(ctnn::layer_traits<first>::fan_out == 4 * 9);
    STATIC_REQUIRE(net_t::output_size == 18);
    // Stride 3 on 8 + 2·1: positions 0, 3, 6 (a window at 9 would not fit).
    using strided = ctnn::network<float, input<1, 8, 8>, conv2d<1, 1, 3, 3, 1>>;
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<layer_t<strided, 0>>, shape<1, 3, 3>>);
}

TEST_CASE("conv1d: output shape and parameters [out][in][K] then biases", "[static][conv]") {
    using net_t = ctnn::network<double, input<2, 10>, conv1d<2, 3, 4, 2, 1>>;
    using first = layer_t<net_t, 0>;
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<first>, shape<3, 5>>); // (10 + 2 - 4) / 2 + 1
    STATIC_REQUIRE(first::parameter_count == 3 * 2 * 4 + 3);
    STATIC_REQUIRE(ctnn::layer_traits<first>::fan_in == 8);
    STATIC_REQUIRE(ctnn::layer_traits<first>::fan_out == 12);
}

TEST_CASE("conv2d: forward values worked by hand", "[static][conv]") {
    constexpr std::array<double, 9> x{1, 2, 3, 4, 5, 6, 7, 8, 9}; // a 3×3 image
    // W = [[1, 2], [3, 4]], b = 0.5, no padding: each output is a 2×2 window.
    using plain = ctnn::network<double, input<1, 3, 3>, conv2d<1, 1, 2>>;
    constexpr plain a{{1, 2, 3, 4, 0.5}};
    STATIC_REQUIRE(a.forward(x) == std::array<double, 4>{37.5, 47.5, 67.5, 77.5});
    // Padding 1, stride 2: windows at rows/columns −1 and 1; zeros outside.
    using padded = ctnn::network<double, input<1, 3, 3>, conv2d<1, 1, 2, 2, 1>>;
    constexpr padded b{{1, 2, 3, 4, 0.5}};
    STATIC_REQUIRE(b.forward(x) == std::array<double, 4>{4.5, 18.5, 36.5, 77.5});
    // Channel layout: W[out][in]: two inputs into one output, one input into two outputs.
    constexpr std::array<double, 2> pixel_pair{10, 100}; // 2 channels of a 1×1 image
    STATIC_REQUIRE(ctnn::network<double, input<2, 1, 1>, conv2d<2, 1, 1>>{{2, 3, 1}}.forward(pixel_pair) ==
                   std::array<double, 1>{321});
    STATIC_REQUIRE(ctnn::network<double, input<1, 1, 1>, conv2d<1, 2, 1>>{{2, 3, 1, -1}}.forward(
                       std::array<double, 1>{10}) == std::array<double, 2>{21, 29});
}

TEST_CASE("conv1d: forward values worked by hand", "[static][conv]") {
    // W = [1, 10, 100], padding 1, stride 2 over [1, 2, 3, 4, 5]: windows at −1, 1, 3.
    using net_t = ctnn::network<double, input<1, 5>, conv1d<1, 1, 3, 2, 1>>;
    constexpr net_t net{{1, 10, 100, 0}};
    STATIC_REQUIRE(net.forward(std::array<double, 5>{1, 2, 3, 4, 5}) == std::array<double, 3>{210, 432, 54});
}

TEST_CASE("conv2d: gradients match central differences (parameters and input)", "[static][conv]") {
    // Two channels in, stride 2 and padding 1: every tap's border handling is used.
    using net_t = ctnn::network<double, input<2, 5, 5>, conv2d<2, 2, 3, 2, 1>, ctnn::tanh, ctnn::dense<18, 2>>;
    constexpr auto x = layer_checks::uniform_values<double, 50>(11);
    constexpr std::array<double, 2> d{0.25, -0.5};
    STATIC_REQUIRE(parameters_check(seeded<net_t>(1), x, d));
    STATIC_REQUIRE(input_check(seeded<net_t>(2), x, d));
    // Kernel as large as the padded input, stride 1, no padding.
    using whole = ctnn::network<double, input<1, 3, 3>, conv2d<1, 3, 3>, ctnn::dense<3, 2>>;
    STATIC_REQUIRE(parameters_check(seeded<whole>(3), layer_checks::uniform_values<double, 9>(12), d));
}

TEST_CASE("conv1d: gradients match central differences (parameters and input)", "[static][conv]") {
    using net_t = ctnn::network<double, input<2, 9>, conv1d<2, 3, 3, 2, 1>, ctnn::tanh, conv1d<3, 2, 2>,
                                ctnn::dense<8, 2>>;
    constexpr auto x = layer_checks::uniform_values<double, 18>(13);
    constexpr std::array<double, 2> d{0.5, 0.25};
    STATIC_REQUIRE(parameters_check(seeded<net_t>(4), x, d));
    STATIC_REQUIRE(input_check(seeded<net_t>(5), x, d));
}

namespace conv_test {

// conv2d's layer with its weight gradient 1 % off: the check must catch it.
template <class Base>
struct one_percent_off : Base {
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const typename Base::scalar* p, Sink& sink, const auto& x, const auto& y,
                                   const auto& dy, auto& dx) noexcept {
        struct scaled {
            Sink& s;
            constexpr void operator()(std::size_t k, typename Base::scalar g) { s(k, g * 1.01); }
            constexpr void row(std::size_t k, const typename Base::scalar* v, std::size_t n) { s.row(k, v, n); }
            constexpr void row(std::size_t k, typename Base::scalar a, const typename Base::scalar* v, std::size_t n) {
                s.row(k, a, v, n);
            }
        } wrong{sink};
        Base::template backward<NeedInputGradient>(p, wrong, x, y, dy, dx);
    }
};
template <class Spec>
struct wrong_gradient {
    template <class T, class Shape>
    using bind_shape = one_percent_off<typename Spec::template bind_shape<T, Shape>>;
    template <class T, std::size_t N>
    using bind = bind_shape<T, ctnn::shape<N>>;
};

} // namespace conv_test

TEST_CASE("conv2d: a weight gradient 1 % off fails the check (the check is not vacuous)", "[static][conv]") {
    using net_t = ctnn::network<double, input<1, 4, 4>, wrong_gradient<conv2d<1, 2, 3, 1, 1>>, ctnn::dense<32, 1>>;
    constexpr auto r = ctnn::gradient_check(seeded<net_t>(6), ctnn::mse{}, layer_checks::uniform_values<double, 16>(14),
                                            std::array<double, 1>{0.5});
    STATIC_REQUIRE(!r.passed);
    STATIC_REQUIRE(r.failure == ctnn::gradient_check_failure::mismatch);
    STATIC_REQUIRE(r.worst_layer == 0);
}

TEST_CASE("conv layers keep the contract: one delivery per parameter, none read after it, fused step",
          "[static][conv]") {
    using net_t = ctnn::network<double, input<2, 5, 5>, conv2d<2, 3, 3, 2, 1>, ctnn::relu, ctnn::flatten,
                                ctnn::dense<27, 2>>;
    using net1 = ctnn::network<double, input<2, 7>, conv1d<2, 2, 3, 1, 1>, conv1d<2, 1, 2, 2>>;
    constexpr auto x = layer_checks::uniform_values<double, 50>(15);
    constexpr auto x1 = layer_checks::uniform_values<double, 14>(16);
    STATIC_REQUIRE(layer_checks::delivers_each_gradient_once(seeded<net_t>(7), x));
    STATIC_REQUIRE(layer_checks::delivers_each_gradient_once(seeded<net1>(8), x1));
    STATIC_REQUIRE(layer_checks::reads_no_parameter_after_its_gradient(seeded<net_t>(9), x));
    STATIC_REQUIRE(layer_checks::reads_no_parameter_after_its_gradient(seeded<net1>(10), x1));
    STATIC_REQUIRE(layer_checks::fused_step_equals_backprop_then_update(seeded<net_t>(11), ctnn::mse{}, x,
                                                                         std::array<double, 2>{1, -1}));
    STATIC_REQUIRE(layer_checks::fused_step_equals_backprop_then_update(seeded<net1>(12), ctnn::mse{}, x1,
                                                                         std::array<double, 3>{1, -1, 0.5}));
}

TEST_CASE("conv2d in float: trains at compile time (loss falls)", "[static][conv]") {
    using net_t = ctnn::network<float, input<1, 4, 4>, conv2d<1, 2, 3, 1, 1>, ctnn::relu, ctnn::dense<32, 1>>;
    static constexpr auto x = layer_checks::uniform_values<float, 16>(17);
    static constexpr std::array<float, 1> d{0.75f};
    static constexpr auto before = seeded<net_t>(13);
    constexpr auto after = [] {
        auto net = before;
        ctnn::sgd opt{0.02};
        for (int i = 0; i < 10; ++i) ctnn::train_step(net, ctnn::mse{}, opt, x, d);
        return net;
    }();
    STATIC_REQUIRE(ctnn::loss_value(after, ctnn::mse{}, x, d) < 0.5f * ctnn::loss_value(before, ctnn::mse{}, x, d));
}
