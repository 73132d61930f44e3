// train_step (ctnn/train/step.hpp) at compile time (issue 13): the fused
// optimiser step has the bits of backprop followed by optimiser.update, signed
// zeros included (compared as bits: −0.0 == +0.0 would hide the difference);
// the status-returning step says ok on a healthy run.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <string_view>

namespace {

using net_t = ctnn::network<double, ctnn::dense<1, 1>>; // y = w·x + b

constexpr bool same_bits(const net_t::parameter_array& a, const net_t::parameter_array& b) {
    for (std::size_t k = 0; k < a.size(); ++k)
        if (std::bit_cast<std::uint64_t>(a[k]) != std::bit_cast<std::uint64_t>(b[k])) return false;
    return true;
}

// w = −0.0 and x = −0.0 with dE/dy = 0.5: dE/dw = 0.5·(−0.0) = −0.0.
template <class Optimiser>
constexpr bool fused_equals_separate_at_signed_zero(Optimiser a) {
    net_t fused{}, separate{};
    fused.parameters = separate.parameters = {-0.0, 0.5};
    Optimiser b = a;
    const std::array<double, 1> x{-0.0}, d{0.0};
    ctnn::train_step(fused, ctnn::mse{}, a, x, d);
    const auto r = ctnn::backprop(separate, ctnn::mse{}, x, d);
    b.update(separate.parameters, r.gradient);
    return std::bit_cast<std::uint64_t>(r.gradient[0]) == std::bit_cast<std::uint64_t>(0.0) && // 0 + (−0) = +0
           same_bits(fused.parameters, separate.parameters);
}

} // namespace

TEST_CASE("fused step: the bits of backprop then update, −0.0 weight and gradient included", "[static][step]") {
    STATIC_REQUIRE(fused_equals_separate_at_signed_zero(ctnn::sgd{0.1}));
    STATIC_REQUIRE(fused_equals_separate_at_signed_zero(ctnn::sgd{0.1, 0.01}));
    STATIC_REQUIRE(fused_equals_separate_at_signed_zero(ctnn::momentum_sgd_for<net_t>{.learning_rate = 0.1}));
    STATIC_REQUIRE(fused_equals_separate_at_signed_zero(ctnn::adagrad_for<net_t>{.learning_rate = 0.1}));
    STATIC_REQUIRE(fused_equals_separate_at_signed_zero(ctnn::rmsprop_for<net_t>{.learning_rate = 0.1}));
    STATIC_REQUIRE(fused_equals_separate_at_signed_zero(ctnn::adam_for<net_t>{.learning_rate = 0.1}));
}

TEST_CASE("train_step with a status: ok, the same bits as without", "[static][step]") {
    constexpr auto both = [] {
        using deep_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::relu, ctnn::dense<3, 1>>;
        auto plain = ctnn::make_network<deep_t>(2), checked = plain;
        ctnn::adam_for<deep_t> a{.learning_rate = 0.01}, b{.learning_rate = 0.01};
        ctnn::training_status status = ctnn::training_status::loss_diverged;
        const std::array<double, 2> x{0.5, -0.25};
        const std::array<double, 1> d{1.0};
        for (int i = 0; i < 3; ++i) {
            ctnn::train_step(plain, ctnn::mse{}, a, x, d);
            ctnn::train_step(checked, ctnn::mse{}, b, x, d, status);
        }
        return std::pair{status, plain.parameters == checked.parameters};
    }();
    STATIC_REQUIRE(both.first == ctnn::training_status::ok);
    STATIC_REQUIRE(both.second);
    STATIC_REQUIRE(std::string_view{ctnn::describe(ctnn::training_status::gradient_not_finite)} ==
                   "diverged: a gradient became NaN or infinite");
    STATIC_REQUIRE(std::string_view{ctnn::describe(ctnn::training_status::parameters_not_finite)} ==
                   "diverged: the update made a parameter NaN or infinite");
}
