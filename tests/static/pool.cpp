// max_pool1d/2d and avg_pool1d/2d at compile time: output shapes, forward and
// backward values worked by hand, ties (the first maximum wins, as in
// PyTorch; a tie that a perturbation breaks is a kink the gradient check
// skips, and without that the check fails), and gradients against central
// differences inside convolutional networks.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>
#include <layer_checks.hpp>

#include <array>
#include <cstddef>

namespace pool_test {

using ctnn::avg_pool1d;
using ctnn::avg_pool2d;
using ctnn::input;
using ctnn::max_pool1d;
using ctnn::max_pool2d;
using ctnn::shape;

template <class Net, std::size_t I>
using layer_t = typename Net::template layer_type<I>;

template <class Net>
constexpr Net seeded(std::uint64_t seed) {
    return ctnn::make_network<Net>(seed, ctnn::init::uniform{-1.0, 1.0});
}

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

// dx of a parameter-free network for output gradient dy.
template <class Net>
constexpr typename Net::input_type input_gradient(const typename Net::input_type& x,
                                                  const typename Net::output_type& dy) {
    const Net net{};
    typename Net::gradient_type unused{};
    return net.backward(net.forward_trace(x), dy, unused);
}

constexpr std::array<double, 16> one_to_sixteen{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

} // namespace pool_test

using namespace pool_test;

TEST_CASE("pooling: output shapes (H - K) / S + 1, windows that do not fit dropped", "[static][pool]") {
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<layer_t<ctnn::network<double, input<3, 6, 6>, max_pool2d<2>>, 0>>,
                                  shape<3, 3, 3>>);
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<layer_t<ctnn::network<double, input<1, 7, 7>, avg_pool2d<3, 2>>, 0>>,
                                  shape<1, 3, 3>>);
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<layer_t<ctnn::network<double, input<2, 5, 5>, max_pool2d<2>>, 0>>,
                                  shape<2, 2, 2>>);
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<layer_t<ctnn::network<float, input<2, 9>, max_pool1d<2>>, 0>>,
                                  shape<2, 4>>);
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<layer_t<ctnn::network<float, input<2, 9>, avg_pool1d<3, 1>>, 0>>,
                                  shape<2, 7>>);
    STATIC_REQUIRE(layer_t<ctnn::network<double, input<3, 6, 6>, max_pool2d<2>>, 0>::parameter_count == 0);
}

TEST_CASE("pooling: forward values worked by hand", "[static][pool]") {
    using max2 = ctnn::network<double, input<1, 4, 4>, max_pool2d<2>>;
    using avg2 = ctnn::network<double, input<1, 4, 4>, avg_pool2d<2>>;
    using max3 = ctnn::network<double, input<1, 4, 4>, max_pool2d<3, 1>>; // overlapping windows
    STATIC_REQUIRE(max2{}.forward(one_to_sixteen) == std::array<double, 4>{6, 8, 14, 16});
    STATIC_REQUIRE(avg2{}.forward(one_to_sixteen) == std::array<double, 4>{3.5, 5.5, 11.5, 13.5});
    STATIC_REQUIRE(max3{}.forward(one_to_sixteen) == std::array<double, 4>{11, 12, 15, 16});
    using max1 = ctnn::network<double, input<2, 4>, max_pool1d<2>>;
    using avg1 = ctnn::network<double, input<1, 5>, avg_pool1d<2, 1>>;
    STATIC_REQUIRE(max1{}.forward(std::array<double, 8>{1, -2, 0, -3, -1, -5, 4, 4}) ==
                   std::array<double, 4>{1, 0, -1, 4});
    STATIC_REQUIRE(avg1{}.forward(std::array<double, 5>{1, 3, 5, 7, 9}) == std::array<double, 4>{2, 4, 6, 8});
}

TEST_CASE("pooling: backward worked by hand (overlapping windows add up, the first maximum wins a tie)",
          "[static][pool]") {
    using max1 = ctnn::network<double, input<1, 4>, max_pool1d<2, 1>>;
    // Windows [1, 5], [5, 2], [2, 0]: 5 is the maximum of two of them.
    STATIC_REQUIRE(input_gradient<max1>({1, 5, 2, 0}, {10, 20, 40}) == std::array<double, 4>{0, 30, 40, 0});
    // A tie: the first of the equal inputs gets the gradient (as PyTorch's max_pool).
    STATIC_REQUIRE(input_gradient<max1>({3, 3, 3, 3}, {1, 2, 4}) == std::array<double, 4>{1, 2, 4, 0});
    using avg2 = ctnn::network<double, input<1, 2, 4>, avg_pool2d<2>>;
    STATIC_REQUIRE(input_gradient<avg2>({}, {4, 8}) == std::array<double, 8>{1, 1, 2, 2, 1, 1, 2, 2});
}

TEST_CASE("max pooling: same_piece compares each window's set of maxima", "[static][pool]") {
    using L = layer_t<ctnn::network<double, input<1, 4>, max_pool1d<2>>, 0>;
    STATIC_REQUIRE(ctnn::layer_traits<L>::has_kinks);
    STATIC_REQUIRE(!ctnn::layer_traits<layer_t<ctnn::network<double, input<1, 4>, avg_pool1d<2>>, 0>>::has_kinks);
    STATIC_REQUIRE(L::same_piece({1, 2, 4, 3}, {1.5, 2, 4, 3.5}));   // argmax stays
    STATIC_REQUIRE(!L::same_piece({1, 2, 4, 3}, {2.5, 2, 4, 3}));    // argmax moves
    STATIC_REQUIRE(!L::same_piece({2, 2, 4, 3}, {2.1, 2, 4, 3}));    // a tie breaks
    STATIC_REQUIRE(!L::same_piece({1, 2, 4, 3}, {2, 2, 4, 3}));      // a tie appears
    STATIC_REQUIRE(L::same_piece({2, 2, 4, 3}, {2.5, 2.5, 4, 3}));   // a tie that moves together
}

namespace pool_test {

// Two input channels [1, 0] and [0, 1] through a width-1 convolution with
// equal weights: the two positions of the pooling window tie, and perturbing
// either weight breaks the tie (a kink: the maximum's slope in that weight is
// 1 on one side and 0 on the other); perturbing the bias moves both together
// (no kink).
using tie_net = ctnn::network<double, input<2, 2>, ctnn::conv1d<2, 1, 1>, max_pool1d<2>>;
constexpr tie_net tie_start{{0.5, 0.5, 0.25}}; // w0, w1, b
constexpr std::array<double, 4> tie_x{1, 0, 0, 1};
constexpr std::array<double, 1> tie_d{2};

// The same max pooling with its same_piece hidden: a layer that says it has no kinks.
template <class L>
struct kinks_hidden {
    using scalar = typename L::scalar;
    using output_shape = typename L::output_shape;
    static constexpr std::size_t inputs = L::inputs, outputs = L::outputs, parameter_count = 0;
    static constexpr void forward(const scalar* p, const std::array<scalar, inputs>& x,
                                  std::array<scalar, outputs>& y) noexcept {
        L::forward(p, x, y);
    }
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const scalar* p, Sink& sink, const std::array<scalar, inputs>& x,
                                   const std::array<scalar, outputs>& y, const std::array<scalar, outputs>& dy,
                                   std::array<scalar, inputs>& dx) noexcept {
        L::template backward<NeedInputGradient>(p, sink, x, y, dy, dx);
    }
};
template <class Spec>
struct without_kinks {
    template <class T, class Shape>
    using bind_shape = kinks_hidden<typename Spec::template bind_shape<T, Shape>>;
};
using hidden_tie_net = ctnn::network<double, input<2, 2>, ctnn::conv1d<2, 1, 1>, without_kinks<max_pool1d<2>>>;

} // namespace pool_test

TEST_CASE("max pooling: a tie that a perturbation breaks is skipped as a kink; unskipped it fails",
          "[static][pool]") {
    constexpr auto r = ctnn::gradient_check(tie_start, ctnn::mse{}, tie_x, tie_d);
    STATIC_REQUIRE(r.passed);
    STATIC_REQUIRE(r.kinks_skipped == 2);      // w0 and w1 break the tie
    STATIC_REQUIRE(r.parameters_checked == 1); // the bias keeps it
    STATIC_REQUIRE(r.gradient_norm > 0);
    constexpr auto hidden = ctnn::gradient_check(hidden_tie_net{tie_start.parameters}, ctnn::mse{}, tie_x, tie_d);
    STATIC_REQUIRE(!hidden.passed);
    STATIC_REQUIRE(hidden.failure == ctnn::gradient_check_failure::mismatch);
    STATIC_REQUIRE(hidden.kinks_skipped == 0);
}

TEST_CASE("pooling: gradients match central differences inside convolutional networks", "[static][pool]") {
    constexpr std::array<double, 2> d{0.25, -0.5};
    using max2d = ctnn::network<double, input<1, 6, 6>, ctnn::conv2d<1, 2, 3, 1, 1>, max_pool2d<2>, ctnn::relu,
                                ctnn::flatten, ctnn::dense<18, 2>>;
    STATIC_REQUIRE(parameters_check(seeded<max2d>(1), layer_checks::uniform_values<double, 36>(21), d));
    using overlapping = ctnn::network<double, input<2, 5, 5>, max_pool2d<3, 2>, ctnn::conv2d<2, 1, 2>, ctnn::dense<1, 2>>;
    STATIC_REQUIRE(parameters_check(seeded<overlapping>(2), layer_checks::uniform_values<double, 50>(22), d));
    using avg2d = ctnn::network<double, input<1, 6, 6>, ctnn::conv2d<1, 2, 3, 1, 1>, avg_pool2d<3, 2>, ctnn::tanh,
                                ctnn::dense<8, 2>>;
    STATIC_REQUIRE(parameters_check(seeded<avg2d>(3), layer_checks::uniform_values<double, 36>(23), d));
    using pools1d = ctnn::network<double, input<2, 9>, ctnn::conv1d<2, 2, 3, 1, 1>, max_pool1d<2>, ctnn::tanh,
                                  avg_pool1d<2, 1>, ctnn::dense<6, 2>>;
    STATIC_REQUIRE(parameters_check(seeded<pools1d>(4), layer_checks::uniform_values<double, 18>(24), d));
}

TEST_CASE("pooling: input gradients match central differences", "[static][pool]") {
    constexpr auto x = layer_checks::uniform_values<double, 32>(25);
    constexpr auto d8 = layer_checks::uniform_values<double, 8>(26);
    STATIC_REQUIRE(input_check(ctnn::network<double, input<2, 4, 4>, max_pool2d<2>>{}, x, d8));
    STATIC_REQUIRE(input_check(ctnn::network<double, input<2, 4, 4>, avg_pool2d<2>>{}, x, d8));
    STATIC_REQUIRE(input_check(ctnn::network<double, input<2, 16>, max_pool1d<4>>{}, x, d8));
    STATIC_REQUIRE(input_check(ctnn::network<double, input<4, 8>, avg_pool1d<4>>{}, x, d8));
}

TEST_CASE("pooling keeps the contract inside a network (deliveries, reads, fused step)", "[static][pool]") {
    using net_t = ctnn::network<double, input<1, 6, 6>, ctnn::conv2d<1, 2, 3, 1, 1>, max_pool2d<2>,
                                ctnn::conv2d<2, 2, 2>, avg_pool2d<2>, ctnn::dense<2, 1>>;
    constexpr auto x = layer_checks::uniform_values<double, 36>(27);
    STATIC_REQUIRE(layer_checks::delivers_each_gradient_once(seeded<net_t>(5), x));
    STATIC_REQUIRE(layer_checks::reads_no_parameter_after_its_gradient(seeded<net_t>(6), x));
    STATIC_REQUIRE(layer_checks::fused_step_equals_backprop_then_update(seeded<net_t>(7), ctnn::mse{}, x,
                                                                         std::array<double, 1>{0.5}));
}
