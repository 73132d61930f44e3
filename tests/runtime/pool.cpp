// Pooling at runtime: larger networks pass the gradient check on unseen
// inputs; inputs full of ties (small integers) pass too, with the ties that
// perturbations break skipped as kinks; runtime and constant evaluation agree.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>
#include <layer_checks.hpp>

#include <cstdint>

namespace {

volatile std::uint64_t runtime_seed = 43;

template <class Net>
Net seeded(std::uint64_t offset) {
    return ctnn::make_network<Net>(runtime_seed + offset, ctnn::init::he_uniform{});
}

template <class Net, class X>
ctnn::gradient_check_report check(const Net& net, const X& x, std::uint64_t offset) {
    const auto d = layer_checks::uniform_values<double, Net::output_size>(runtime_seed * 37 + offset);
    return ctnn::gradient_check(net, ctnn::mse{}, x, d);
}

using conv_pool = ctnn::network<double, ctnn::input<1, 8, 8>, ctnn::conv2d<1, 6, 3, 1, 1>, ctnn::max_pool2d<2>,
                                ctnn::relu, ctnn::conv2d<6, 4, 3, 1, 1>, ctnn::avg_pool2d<2>, ctnn::flatten,
                                ctnn::dense<16, 3>>;
using overlapping = ctnn::network<double, ctnn::input<3, 12, 12>, ctnn::max_pool2d<3, 2>, ctnn::conv2d<3, 2, 3>,
                                  ctnn::avg_pool2d<3, 1>, ctnn::dense<2, 2>>;
using sequence = ctnn::network<double, ctnn::input<2, 30>, ctnn::conv1d<2, 4, 3, 1, 1>, ctnn::max_pool1d<3, 2>,
                               ctnn::tanh, ctnn::avg_pool1d<2>, ctnn::dense<28, 2>>;

// A pooling network's result in constant evaluation.
constexpr auto ties_x = [] {
    std::array<double, 64> x{};
    for (std::size_t i = 0; i < 64; ++i) x[i] = static_cast<double>((i * 7) % 3); // 0, 1, 2: many ties
    return x;
}();
constexpr auto compile_time_gradient =
    ctnn::backprop(ctnn::make_network<conv_pool>(3, ctnn::init::he_uniform{}), ctnn::mse{}, ties_x,
                   std::array<double, 3>{1, 0, -1})
        .gradient;
volatile std::uint64_t three = 3;

} // namespace

TEST_CASE("pooling networks pass the gradient check on unseen inputs", "[runtime][pool]") {
    for (std::uint64_t k = 0; k < 3; ++k) {
        const auto r1 = check(seeded<conv_pool>(k), layer_checks::uniform_values<double, 64>(runtime_seed + k), k);
        INFO(ctnn::describe(r1.failure));
        REQUIRE(r1.passed);
        REQUIRE(r1.parameters_checked + r1.kinks_skipped == conv_pool::parameter_count);
        const auto r2 = check(seeded<overlapping>(k), layer_checks::uniform_values<double, 432>(runtime_seed + k), k);
        REQUIRE(r2.passed);
        REQUIRE(r2.kinks_skipped == 0);
        const auto r3 = check(seeded<sequence>(k), layer_checks::uniform_values<double, 60>(runtime_seed + k), k);
        REQUIRE(r3.passed);
        REQUIRE(r3.kinks_skipped == 0);
    }
}

TEST_CASE("max pooling over an image of ties: the check passes, skipping only broken ties", "[runtime][pool]") {
    // Max pooling straight on the input: every window of 0/1/2 pixels ties;
    // the ties move together under every parameter's perturbation only if
    // they come from the same pixel values, which they do here (the pool sees
    // the raw input), so nothing is skipped and the gradient flows.
    using pooled_input = ctnn::network<double, ctnn::input<1, 8, 8>, ctnn::max_pool2d<2>, ctnn::conv2d<1, 2, 3, 1, 1>,
                                       ctnn::dense<32, 2>>;
    const auto r = check(seeded<pooled_input>(7), ties_x, 7);
    REQUIRE(r.passed);
    REQUIRE(r.kinks_skipped == 0);
    // After a convolution the windows tie where the image is constant.
    const auto r2 = check(seeded<conv_pool>(8), ties_x, 8);
    INFO(ctnn::describe(r2.failure) << " skipped " << r2.kinks_skipped);
    REQUIRE(r2.passed);
}

TEST_CASE("pooling: runtime and constant evaluation give the same bits", "[runtime][pool]") {
    const auto net = ctnn::make_network<conv_pool>(three, ctnn::init::he_uniform{});
    REQUIRE(ctnn::backprop(net, ctnn::mse{}, ties_x, std::array<double, 3>{1, 0, -1}).gradient ==
            compile_time_gradient);
}
