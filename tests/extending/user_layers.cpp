// The user extensions of docs/extending.md (user_layers.hpp) get everything a
// built-in layer gets: forward, backprop, gradient_check without false
// failures at their kinks, training with SGD (fused path) and Adam,
// make_network initialisation, and a write_text/read_text round trip. Built
// twice, like tests/static: compiling is passing, and the same checks at run time.
#include "user_layers.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <string_view>

namespace {

using kinked_t = ctnn::network<double, ctnn::dense<2, 4>, user::hard_tanh, ctnn::dense<4, 1>>;
using affine_t = ctnn::network<double, ctnn::dense<3, 4>, user::scale_shift, ctnn::tanh, ctnn::dense<4, 2>>;

constexpr std::array<double, 2> x2{1.0, 0.0};
constexpr std::array<double, 1> d1{0.5};
constexpr std::array<double, 3> x3{0.5, -1.0, 2.0};
constexpr std::array<double, 2> d2{0.25, -0.5};

// A network whose first hidden unit's input sits exactly on hard_tanh's kink
// at +1 (w = 1, x = 1, b = 0), and others inside and outside the linear piece.
constexpr kinked_t on_the_kink() {
    auto net = ctnn::make_network<kinked_t>(3);
    for (std::size_t j = 0; j < 4; ++j) net.parameters[j] = 0.3 * static_cast<double>(j + 1) - 0.6; // W[0][·]
    net.parameters[0] = 1.0;
    for (std::size_t j = 0; j < 4; ++j) net.parameters[8 + j] = 0.0; // biases
    return net;
}

template <class Net>
constexpr bool same_bits(const Net& a, const Net& b) {
    for (std::size_t k = 0; k < Net::parameter_count; ++k)
        if (std::bit_cast<std::uint64_t>(a.parameters[k]) != std::bit_cast<std::uint64_t>(b.parameters[k]))
            return false;
    return true;
}

} // namespace

TEST_CASE("a user activation computes forward and backward") {
    using alone_t = ctnn::network<double, ctnn::input<4>, user::hard_tanh>;
    constexpr alone_t net{};
    STATIC_REQUIRE(net.forward({-3.0, -0.5, 0.5, 3.0}) == std::array<double, 4>{-1.0, -0.5, 0.5, 1.0});
    STATIC_REQUIRE(ctnn::input_gradient_check(net, ctnn::mse{}, std::array<double, 4>{-3.0, -0.5, 0.5, 3.0},
                                              std::array<double, 4>{0, 0, 0, 0})
                       .passed);
}

TEST_CASE("gradient_check skips a user activation's kinks at +1 instead of failing") {
    constexpr auto report = ctnn::gradient_check(on_the_kink(), ctnn::mse{}, x2, d1);
    STATIC_REQUIRE(report.passed);
    STATIC_REQUIRE(report.kinks_skipped >= 1);   // W[0][0] moves unit 0 across +1
    STATIC_REQUIRE(report.parameters_checked + report.kinks_skipped == kinked_t::parameter_count);
    STATIC_REQUIRE(report.gradient_norm > 0.0);
}

TEST_CASE("a user layer with parameters passes gradient_check, not vacuously") {
    static constexpr auto net = ctnn::make_network<affine_t>(7, ctnn::init::uniform{-0.5, 0.5});
    constexpr auto report = ctnn::gradient_check(net, ctnn::mse{}, x3, d2);
    STATIC_REQUIRE(report.passed);
    STATIC_REQUIRE(report.parameters_checked == affine_t::parameter_count);
    STATIC_REQUIRE(report.gradient_norm > 0.0);
    STATIC_REQUIRE(report.max_loss_change > 0.0);
    // A 1 % error in the user layer's gradient is caught.
    constexpr auto wrong = [] {
        auto n = net;
        const auto g = ctnn::backprop(n, ctnn::mse{}, x3, d2).gradient;
        const auto numeric = ctnn::numerical_gradient(n, ctnn::mse{}, x3, d2, 1e-6);
        const std::size_t k = affine_t::parameter_offsets[1]; // the first scale
        return g[k] * 1.01 - numeric[k];
    }();
    STATIC_REQUIRE((wrong > 1e-6 || wrong < -1e-6));
}

TEST_CASE("user layers train with SGD (fused step) and Adam, bit for bit the general path") {
    static constexpr auto start = ctnn::make_network<affine_t>(11, ctnn::init::uniform{-0.5, 0.5});
    constexpr bool sgd_fused_equals_general = [] {
        auto fused = start, general = start;
        ctnn::sgd a{0.1}, b{0.1};
        for (int i = 0; i < 5; ++i) {
            ctnn::train_step(fused, ctnn::mse{}, a, x3, d2);
            const auto r = ctnn::backprop(general, ctnn::mse{}, x3, d2);
            b.update(general.parameters, r.gradient);
        }
        return same_bits(fused, general);
    }();
    STATIC_REQUIRE(sgd_fused_equals_general);
    constexpr bool adam_fused_equals_general = [] {
        auto fused = start, general = start;
        ctnn::adam_for<affine_t> a{.learning_rate = 0.05}, b{.learning_rate = 0.05};
        for (int i = 0; i < 5; ++i) {
            ctnn::train_step(fused, ctnn::mse{}, a, x3, d2);
            const auto r = ctnn::backprop(general, ctnn::mse{}, x3, d2);
            b.update(general.parameters, r.gradient);
        }
        return same_bits(fused, general);
    }();
    STATIC_REQUIRE(adam_fused_equals_general);
    constexpr double before = ctnn::loss_value(start, ctnn::mse{}, x3, d2);
    constexpr double after = [] {
        auto n = start;
        ctnn::adam_for<affine_t> opt{.learning_rate = 0.05};
        for (int i = 0; i < 30; ++i) ctnn::train_step(n, ctnn::mse{}, opt, x3, d2);
        return ctnn::loss_value(n, ctnn::mse{}, x3, d2);
    }();
    STATIC_REQUIRE(after < before / 10);
}

TEST_CASE("make_network initialises a user layer by its parameter roles") {
    static constexpr auto net = ctnn::make_network<affine_t>(5, ctnn::init::he_normal{});
    constexpr std::size_t first = affine_t::parameter_offsets[1];
    constexpr bool scales_drawn = [] {
        for (std::size_t i = 0; i < 4; ++i)
            if (net.parameters[first + i] == 0.0) return false;
        return true;
    }();
    constexpr bool shifts_zero = [] {
        for (std::size_t i = 4; i < 8; ++i)
            if (net.parameters[first + i] != 0.0) return false;
        return true;
    }();
    STATIC_REQUIRE(scales_drawn);
    STATIC_REQUIRE(shifts_zero);
}

TEST_CASE("user layers round-trip through write_text and read_text") {
    static constexpr auto net = ctnn::make_network<affine_t>(13);
    static constexpr auto text = [] {
        ctnn::char_buffer<8192> b;
        ctnn::write_text(net, b);
        return b;
    }();
    STATIC_REQUIRE(!text.overflowed);
    STATIC_REQUIRE(text.view().find("scale_shift") != std::string_view::npos);
    constexpr bool round_trip = [] {
        affine_t back{};
        const auto r = ctnn::read_text(text.view(), back);
        return r.status == ctnn::read_status::ok && same_bits(back, net);
    }();
    STATIC_REQUIRE(round_trip);
    static constexpr auto kinked_text = [] {
        ctnn::char_buffer<4096> b;
        ctnn::write_text(on_the_kink(), b);
        return b;
    }();
    constexpr bool kinked_round_trip = [] {
        kinked_t back{};
        return ctnn::read_text(kinked_text.view(), back).status == ctnn::read_status::ok &&
               same_bits(back, on_the_kink());
    }();
    STATIC_REQUIRE(kinked_round_trip);
}
