// flatten at compile time: the shape it gives, that it computes nothing
// (forward and backward are the identity), and that the layers after it see
// a flat vector.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>
#include <layer_checks.hpp>

#include <array>
#include <type_traits>

namespace flatten_test {
template <class Net, std::size_t I>
using layer_t = typename Net::template layer_type<I>;
using image_net = ctnn::network<double, ctnn::input<2, 3, 3>, ctnn::flatten, ctnn::relu>;
} // namespace flatten_test

using namespace flatten_test;

TEST_CASE("flatten: shape<C, H, W> becomes shape<C·H·W>; what follows sees a vector", "[static][flatten]") {
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<layer_t<image_net, 0>>, ctnn::shape<18>>);
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<layer_t<image_net, 1>>, ctnn::shape<18>>);
    using sequence_net = ctnn::network<float, ctnn::input<3, 5>, ctnn::flatten>;
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<layer_t<sequence_net, 0>>, ctnn::shape<15>>);
    STATIC_REQUIRE(layer_t<image_net, 0>::parameter_count == 0);
}

TEST_CASE("flatten: forward and backward are the identity, in storage order", "[static][flatten]") {
    using net_t = ctnn::network<double, ctnn::input<2, 2, 2>, ctnn::flatten>;
    constexpr std::array<double, 8> x{1, 2, 3, 4, 5, 6, 7, 8};
    STATIC_REQUIRE(net_t{}.forward(x) == x);
    constexpr auto dx = [] {
        const net_t net{};
        net_t::gradient_type unused{};
        return net.backward(net.forward_trace(std::array<double, 8>{}), {8, 7, 6, 5, 4, 3, 2, 1}, unused);
    }();
    STATIC_REQUIRE(dx == std::array<double, 8>{8, 7, 6, 5, 4, 3, 2, 1});
}

TEST_CASE("flatten between a convolution and a dense layer: gradients match central differences",
          "[static][flatten]") {
    using net_t = ctnn::network<double, ctnn::input<1, 4, 4>, ctnn::conv2d<1, 2, 3>, ctnn::flatten, ctnn::tanh,
                                ctnn::dense<8, 2>>;
    constexpr auto x = layer_checks::uniform_values<double, 16>(31);
    constexpr std::array<double, 2> d{0.5, -0.5};
    constexpr auto r = ctnn::gradient_check(ctnn::make_network<net_t>(1, ctnn::init::uniform{-1.0, 1.0}),
                                            ctnn::mse{}, x, d);
    STATIC_REQUIRE((r.passed && r.parameters_checked == net_t::parameter_count && r.gradient_norm > 0));
    constexpr auto ri = ctnn::input_gradient_check(ctnn::make_network<net_t>(2, ctnn::init::uniform{-1.0, 1.0}),
                                                   ctnn::mse{}, x, d);
    STATIC_REQUIRE((ri.passed && ri.parameters_checked == 16 && ri.gradient_norm > 0));
}
