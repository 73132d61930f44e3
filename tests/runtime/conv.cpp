// conv1d and conv2d at runtime: the sizes too large for a compile-time check
// (the benchmarks' 8×8×1 and 32×32×3 inputs) pass the gradient check on
// inputs the compiler cannot see, float networks too, and the runtime gives
// the same bits as constant evaluation (forward and gradient).
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>
#include <layer_checks.hpp>

#include <cstdint>

namespace {

volatile std::uint64_t runtime_seed = 41; // out of the compiler's sight

template <class Net>
Net seeded(std::uint64_t offset) {
    return ctnn::make_network<Net>(runtime_seed + offset, ctnn::init::he_uniform{});
}

template <class Net>
void require_passes(const Net& net, std::uint64_t offset) {
    using T = typename Net::scalar;
    const auto x = layer_checks::uniform_values<T, Net::input_size>(runtime_seed * 31 + offset);
    const auto d = layer_checks::uniform_values<T, Net::output_size>(runtime_seed * 37 + offset);
    const auto r = ctnn::gradient_check(net, ctnn::mse{}, x, d);
    INFO(ctnn::describe(r.failure) << " max_rel=" << r.max_relative_error << " worst layer " << r.worst_layer
                                   << " parameter " << r.worst_parameter);
    REQUIRE(r.passed);
    REQUIRE(r.gradient_norm > 0);
    REQUIRE(r.parameters_checked + r.kinks_skipped == Net::parameter_count);
    REQUIRE(r.kinks_skipped <= Net::parameter_count / 50);
}

using digits_sized = ctnn::network<double, ctnn::input<1, 8, 8>, ctnn::conv2d<1, 8, 3, 1, 1>, ctnn::relu,
                                   ctnn::dense<512, 3>>;
using cifar_sized = ctnn::network<double, ctnn::input<3, 32, 32>, ctnn::conv2d<3, 8, 3, 1, 1>, ctnn::tanh,
                                  ctnn::conv2d<8, 4, 5, 2, 2>, ctnn::avg_pool2d<4>, ctnn::dense<64, 2>>;
using sequence = ctnn::network<double, ctnn::input<4, 40>, ctnn::conv1d<4, 6, 5, 1, 2>, ctnn::tanh,
                               ctnn::conv1d<6, 3, 4, 3, 1>, ctnn::dense<39, 2>>;

// Compile-time values of the same computations (constant-evaluated here).
using small = ctnn::network<double, ctnn::input<2, 6, 6>, ctnn::conv2d<2, 3, 3, 2, 1>, ctnn::tanh,
                            ctnn::conv2d<3, 2, 2>, ctnn::dense<8, 2>>;
constexpr std::uint64_t fixed_seed = 5;
constexpr auto small_x = layer_checks::uniform_values<double, 72>(6);
constexpr auto small_out = ctnn::make_network<small>(fixed_seed, ctnn::init::he_uniform{}).forward(small_x);
constexpr auto small_gradient =
    ctnn::backprop(ctnn::make_network<small>(fixed_seed, ctnn::init::he_uniform{}), ctnn::mse{}, small_x,
                   std::array<double, 2>{0.5, -1})
        .gradient;

volatile std::uint64_t fixed_seed_at_runtime = 5;

} // namespace

TEST_CASE("conv2d on digits-sized and 32×32×3 inputs passes the gradient check", "[runtime][conv]") {
    require_passes(seeded<digits_sized>(1), 1);
    require_passes(seeded<cifar_sized>(2), 2);
}

TEST_CASE("conv1d with padding and stride passes the gradient check", "[runtime][conv]") {
    require_passes(seeded<sequence>(3), 3);
}

TEST_CASE("conv layers in float pass the gradient check (checked in double)", "[runtime][conv]") {
    using net_t = ctnn::network<float, ctnn::input<3, 10, 10>, ctnn::conv2d<3, 4, 3, 2, 1>, ctnn::tanh,
                                ctnn::conv2d<4, 2, 3>, ctnn::dense<18, 2>>;
    require_passes(seeded<net_t>(4), 4);
}

TEST_CASE("conv layers: runtime and constant evaluation give the same bits", "[runtime][conv]") {
    const auto net = ctnn::make_network<small>(fixed_seed_at_runtime, ctnn::init::he_uniform{});
    auto x = small_x;
    x[0] = x[0] + 0.0 * static_cast<double>(runtime_seed); // unseen by the compiler
    REQUIRE(net.forward(x) == small_out);
    REQUIRE(ctnn::backprop(net, ctnn::mse{}, x, std::array<double, 2>{0.5, -1}).gradient == small_gradient);
}

// Narrow rows and 32 bytes of output channels: the run-time kernels that
// vectorise over the output channels (conv_layer::by_position), with an
// input gradient (the second layer) and padding.
using narrow = ctnn::network<float, ctnn::input<2, 4, 4>, ctnn::conv2d<2, 8, 3, 1, 1>, ctnn::tanh,
                             ctnn::conv2d<8, 8, 3, 1, 1>>;
static_assert(narrow::layer_type<0>::by_position && narrow::layer_type<2>::by_position);
constexpr auto narrow_x = layer_checks::uniform_values<float, 32>(8);
constexpr auto narrow_d = layer_checks::uniform_values<float, 128>(9);
constexpr auto narrow_out = ctnn::make_network<narrow>(fixed_seed, ctnn::init::he_uniform{}).forward(narrow_x);
constexpr auto narrow_gradient =
    ctnn::backprop(ctnn::make_network<narrow>(fixed_seed, ctnn::init::he_uniform{}), ctnn::mse{}, narrow_x, narrow_d)
        .gradient;

TEST_CASE("conv layers vectorised over the channels: runtime and constant evaluation give the same bits",
          "[runtime][conv]") {
    const auto net = ctnn::make_network<narrow>(fixed_seed_at_runtime, ctnn::init::he_uniform{});
    auto x = narrow_x;
    x[0] = x[0] + 0.0f * static_cast<float>(runtime_seed); // unseen by the compiler
    REQUIRE(net.forward(x) == narrow_out);
    REQUIRE(ctnn::backprop(net, ctnn::mse{}, x, narrow_d).gradient == narrow_gradient);
}

TEST_CASE("conv layers keep the contract at the benchmark sizes", "[runtime][conv]") {
    const auto net = seeded<cifar_sized>(5);
    const auto x = layer_checks::uniform_values<double, 3 * 32 * 32>(runtime_seed);
    REQUIRE(layer_checks::delivers_each_gradient_once(net, x));
    REQUIRE(layer_checks::reads_no_parameter_after_its_gradient(net, x));
    REQUIRE(layer_checks::fused_step_equals_backprop_then_update(net, ctnn::mse{}, x, std::array<double, 2>{1, -1}));
}
