// dropout<Num, Den> at compile time: the identity at inference (the network's
// own context, by default), a mask of the right density drawn from the
// context (the same in forward and backward, another for another seed or
// layer), gradients against central differences with a fixed context, and
// fit with dropout: it trains, its masks come from fit's seed, and inference
// afterwards is the identity.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace dropout_test {

using with_dropout = ctnn::network<double, ctnn::dense<3, 6>, ctnn::tanh, ctnn::dropout<1, 4>, ctnn::dense<6, 2>>;
using without = ctnn::network<double, ctnn::dense<3, 6>, ctnn::tanh, ctnn::dense<6, 2>>;
using layer_t = with_dropout::layer_type<2>;

constexpr std::array<double, 3> x{0.3, -0.7, 0.5};
constexpr std::array<double, 2> d{0.25, -0.5};

constexpr with_dropout net = ctnn::make_network<with_dropout>(4, ctnn::init::uniform{-1.0, 1.0});

constexpr without same_without() {
    without w{};
    w.parameters = net.parameters;
    return w;
}

constexpr with_dropout in_training(std::uint64_t seed) {
    with_dropout n = net;
    n.context = {.training = true, .seed = seed};
    return n;
}

// dx of dropout alone, for output gradient dy, in context c.
template <std::size_t N>
constexpr std::array<double, N> input_gradient(const std::array<double, N>& dy, const ctnn::training_context& c) {
    using one = ctnn::network<double, ctnn::input<N>, ctnn::dropout<1, 2>>;
    one n{};
    n.context = c;
    typename one::gradient_type unused{};
    return n.backward(n.forward_trace(dy), dy, unused);
}

struct dataset {
    std::array<std::array<double, 3>, 12> x;
    std::array<std::array<double, 2>, 12> d;
};
constexpr dataset data = [] {
    dataset r{};
    ctnn::splitmix64 g{9};
    for (std::size_t n = 0; n < 12; ++n) {
        r.x[n] = {g.uniform(-1.0, 1.0), g.uniform(-1.0, 1.0), g.uniform(-1.0, 1.0)};
        r.d[n] = {0.5 * r.x[n][0] - 0.25 * r.x[n][1], r.x[n][2] * 0.5};
    }
    return r;
}();

struct fitted {
    with_dropout net;
    ctnn::fit_history<double, 30> history;
};
constexpr fitted fit_with(std::uint64_t seed) {
    fitted f{net, {}};
    ctnn::sgd opt{0.1};
    f.history = ctnn::fit<30, 4>(f.net, ctnn::mse{}, opt, data.x, data.d, {.seed = seed});
    return f;
}

constexpr std::array<double, 8> v{1, 2, 3, 4, 5, 6, 7, 8};
constexpr ctnn::training_context c3{.training = true, .seed = 3};
using one8 = ctnn::network<double, ctnn::input<8>, ctnn::dropout<1, 2>>;

constexpr bool one_mask_consistent() {
    one8 n{};
    n.context = c3;
    const auto y = n.forward(v);
    const auto mask = one8::layer_type<0>::mask(c3); // the network passes layer 0
    const auto dx = input_gradient(v, c3);
    bool some_dropped = false, some_kept = false;
    for (std::size_t i = 0; i < 8; ++i) {
        if (y[i] != v[i] * 2.0 * mask[i] || dx[i] != y[i]) return false;
        some_dropped |= mask[i] == 0.0;
        some_kept |= mask[i] == 1.0;
    }
    return some_dropped && some_kept;
}

constexpr without as_without(const with_dropout& n) {
    without w{};
    w.parameters = n.parameters;
    return w;
}

} // namespace dropout_test

using namespace dropout_test;

TEST_CASE("dropout: the identity at inference, no parameters, the shape kept", "[static][dropout]") {
    STATIC_REQUIRE((layer_t::parameter_count == 0 && with_dropout::parameter_count == without::parameter_count));
    STATIC_REQUIRE((with_dropout::uses_context && !without::uses_context && !with_dropout::batch_coupled));
    STATIC_REQUIRE(!net.context.training);
    STATIC_REQUIRE(net.forward(x) == same_without().forward(x));
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<ctnn::network<float, ctnn::input<2, 3, 3>, ctnn::dropout<1, 2>>::layer_type<0>>,
                                  ctnn::shape<2, 3, 3>>);
    // A network without training-only layers carries no context: no bytes.
#if !(defined(__clang__) && __clang_major__ == 16)  // ctnn/core/network.hpp: Clang 16's workaround
    STATIC_REQUIRE(sizeof(without) == sizeof(without::parameter_array));
#endif
}

TEST_CASE("dropout: the mask has density 1 - p, differs per seed and per layer", "[static][dropout]") {
    using wide = ctnn::dropout_layer<double, 400, 1, 4, ctnn::shape<400>>;
    constexpr auto m = wide::mask({.training = true, .seed = 1});
    constexpr std::size_t kept = [] {
        std::size_t k = 0;
        for (double value : wide::mask({.training = true, .seed = 1})) k += value != 0.0;
        return k;
    }();
    STATIC_REQUIRE(kept > 270);
    STATIC_REQUIRE(kept < 330); // 300 expected
    STATIC_REQUIRE(m != wide::mask({.training = true, .seed = 2}));
    STATIC_REQUIRE(m != wide::mask({.training = true, .seed = 1, .layer = 1}));
    STATIC_REQUIRE(m == wide::mask({.training = true, .seed = 1}));
}

TEST_CASE("dropout: training forward and backward apply one mask, scaled by 1/(1-p)", "[static][dropout]") {
    STATIC_REQUIRE(one_mask_consistent());
    // Not training: the identity, forward and backward.
    STATIC_REQUIRE(input_gradient(v, {}) == v);
}

TEST_CASE("dropout: gradients against central differences with a fixed context", "[static][dropout]") {
    constexpr auto r = ctnn::gradient_check(in_training(7), ctnn::mse{}, x, d);
    STATIC_REQUIRE(r.passed);
    STATIC_REQUIRE(r.parameters_checked == with_dropout::parameter_count);
    STATIC_REQUIRE(r.max_relative_error < 1e-6);
    constexpr auto ri = ctnn::input_gradient_check(in_training(7), ctnn::mse{}, x, d);
    STATIC_REQUIRE(ri.passed);
    // A float network is checked in double with its context (convert carries it).
    constexpr auto rf = ctnn::gradient_check(ctnn::convert<float>(in_training(7)), ctnn::mse{},
                                             std::array<float, 3>{0.3f, -0.7f, 0.5f}, std::array<float, 2>{0.25f, -0.5f});
    STATIC_REQUIRE(rf.passed);
    STATIC_REQUIRE(ctnn::convert<float>(in_training(7)).context.training);
    // Training and inference gradients differ (the mask matters).
    STATIC_REQUIRE(ctnn::backprop(in_training(7), ctnn::mse{}, x, d).gradient !=
                   ctnn::backprop(net, ctnn::mse{}, x, d).gradient);
}

TEST_CASE("dropout: fit trains with masks from its seed; inference afterwards is the identity", "[static][dropout]") {
    constexpr fitted a = fit_with(1);
    STATIC_REQUIRE(a.history.status == ctnn::training_status::ok);
    STATIC_REQUIRE(a.history.loss[29] < a.history.loss[0] * 0.5);
    STATIC_REQUIRE(!a.net.context.training);
    STATIC_REQUIRE(ctnn::mean_loss(a.net, ctnn::mse{}, data.x, data.d) < ctnn::mean_loss(net, ctnn::mse{}, data.x, data.d));
    // The masks are drawn from the run's seed: another seed, other bits; the same seed, the same bits.
    STATIC_REQUIRE(fit_with(2).net.parameters != a.net.parameters);
    STATIC_REQUIRE(fit_with(1).net.parameters == a.net.parameters);
    // A dropout layer in the trained network still is the identity at inference.
    STATIC_REQUIRE(a.net.forward(x) == as_without(a.net).forward(x));
}
