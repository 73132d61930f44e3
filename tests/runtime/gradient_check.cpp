// gradient_check at runtime on networks and inputs the compiler cannot see
// (issue 13): large losses and kink-shrunk steps are no false alarms, a tiny
// gradient is gradient_too_small with its norm, and the float defaults pass
// correct float gradients on random networks while catching a 1 % error.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace {

volatile double runtime_one = 1.0;
volatile std::uint64_t runtime_seed = 23;

using one_t = ctnn::network<double, ctnn::dense<1, 2>>;

one_t with(double w0, double w1, double b0, double b1) {
    one_t net{};
    net.parameters = {w0 * runtime_one, w1, b0, b1};
    return net;
}

// The loss with its gradient multiplied by 1.01: a 1 % error in every
// parameter's gradient. (The differential test injects it into dE/dy₀ only
// and counts the cases where that is resolvable.)
template <class Loss>
struct one_percent_off : Loss {
    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& y, const std::array<T, N>& d, std::array<T, N>& dy) noexcept {
        Loss::gradient(y, d, dy);
        for (auto& v : dy) v *= T(1.01);
    }
};

struct outcome {
    int correct_failed = 0, wrong_passed = 0, checks = 0, could_see = 0;
};

template <class Net, class Loss>
void float_defaults_on(outcome& o, std::uint64_t seed) {
    const auto net = ctnn::make_network<Net>(runtime_seed + seed, ctnn::init::xavier_uniform{});
    ctnn::splitmix64 gen{runtime_seed * 7 + seed};
    typename Net::input_type x{};
    typename Net::output_type d{};
    for (auto& v : x) v = gen.uniform<float>(-2.0f, 2.0f);
    for (auto& v : d) v = gen.uniform<float>(0.0f, 1.0f);
    if constexpr (std::is_same_v<Loss, ctnn::softmax_cross_entropy>) {
        float sum = 0;
        for (auto v : d) sum += v;
        for (auto& v : d) v /= sum;
    }
    const auto t = ctnn::tolerance<float>::defaults();
    ++o.checks;
    const auto r = ctnn::gradient_check(net, Loss{}, x, d, t);
    if (!r.passed) ++o.correct_failed;
    // A 1 % error must fail wherever the check says it could see one (in
    // float, a loss of 1 with gradients below ~0.05 hides it in rounding).
    if (r.detectable_relative_error < 0.01) {
        ++o.could_see;
        if (ctnn::gradient_check(net, one_percent_off<Loss>{}, x, d, t).passed) ++o.wrong_passed;
    }
}

} // namespace

TEST_CASE("large losses and kink-shrunk steps are no false alarms", "[runtime][gradient_check]") {
    const auto big = ctnn::gradient_check(with(0.5, -0.25, 0.125, 0.0), ctnn::mse{}, std::array<double, 1>{1e-6},
                                          std::array<double, 2>{700.0 * runtime_one, -700.0});
    CHECK(big.passed); // E = 2.5e5: was mismatch (−3.5e-4 against a numerical value off by ~1e-5)
    const auto mae = ctnn::gradient_check(with(1.0, 1.0, 0.0, 0.0), ctnn::mae{}, std::array<double, 1>{0.5},
                                          std::array<double, 2>{(0.5 - 3e-10) * runtime_one, 500.5});
    CHECK(mae.passed);
    CHECK(mae.steps_shrunk > 0);
}

TEST_CASE("a gradient too small to see is gradient_too_small, its norm not 0", "[runtime][gradient_check]") {
    const auto r = ctnn::gradient_check(with(0.0, 0.0, 0.0, 0.0), ctnn::mse{}, std::array<double, 1>{1.0},
                                        std::array<double, 2>{1e-170 * runtime_one, 1e-170});
    CHECK(r.failure == ctnn::gradient_check_failure::gradient_too_small);
    CHECK(r.gradient_norm > 0.99e-170);
    CHECK(std::string_view{ctnn::describe(r.failure)}.find("too small") != std::string_view::npos);
}

TEST_CASE("float defaults: correct float gradients pass, a 1 % error fails", "[runtime][gradient_check]") {
    using tanh_t = ctnn::network<float, ctnn::dense<4, 8>, ctnn::tanh, ctnn::dense<8, 3>>;
    using gelu_t = ctnn::network<float, ctnn::dense<3, 6>, ctnn::gelu, ctnn::dense<6, 4>, ctnn::sigmoid, ctnn::dense<4, 2>>;
    using elu_t = ctnn::network<float, ctnn::dense<5, 7>, ctnn::elu<>, ctnn::dense<7, 3>>;
    outcome o;
    for (std::uint64_t s = 0; s < 40; ++s) {
        float_defaults_on<tanh_t, ctnn::mse>(o, s);
        float_defaults_on<gelu_t, ctnn::softmax_cross_entropy>(o, s);
        float_defaults_on<elu_t, ctnn::binary_cross_entropy_with_logits>(o, s);
    }
    INFO(o.checks << " networks: " << o.correct_failed << " correct gradients failed; " << o.could_see
                  << " could see a 1 % error, " << o.wrong_passed << " of them passed it");
    CHECK(o.correct_failed * 200 <= o.checks); // at most 0.5 %
    CHECK(o.could_see * 2 >= o.checks);
    CHECK(o.wrong_passed == 0);
}
