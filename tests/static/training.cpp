// Mini-batches, the training loop, metrics, datasets and weight loading, at
// compile time.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace training_test {

using ctnn::dense;
using net_t = ctnn::network<double, dense<3, 4>, ctnn::tanh, dense<4, 2>>;
using samples5 = std::array<std::array<double, 3>, 5>;
using targets5 = std::array<std::array<double, 2>, 5>;

constexpr samples5 xs{{{0.5, -1.25, 2.0}, {1.0, 0.0, -1.0}, {-0.3, 0.8, 0.1}, {2.0, 2.0, -0.5}, {0.0, -0.7, 0.4}}};
constexpr targets5 ds{{{1, 0}, {0, 1}, {1, 0}, {0, 1}, {1, 0}}};

constexpr net_t start() { return ctnn::make_network<net_t>(3, ctnn::init::xavier_uniform{}); }

// The mean of ctnn::backprop's gradients over the samples order[first..first+count).
template <std::size_t N>
constexpr net_t::gradient_type mean_of_backprops(const std::array<std::size_t, N>& order, std::size_t first,
                                                 std::size_t count) {
    const net_t net = start();
    net_t::gradient_type sum{};
    for (std::size_t b = 0; b < count; ++b) {
        const auto r = ctnn::backprop(net, ctnn::softmax_cross_entropy{}, xs[order[first + b]], ds[order[first + b]]);
        for (std::size_t k = 0; k < net_t::parameter_count; ++k) sum[k] += r.gradient[k];
    }
    for (auto& g : sum) g /= static_cast<double>(count);
    return sum;
}

constexpr double largest_difference(const net_t::gradient_type& a, const net_t::gradient_type& b) {
    double worst = 0;
    for (std::size_t k = 0; k < a.size(); ++k) {
        const double e = ctnn::math::abs(a[k] - b[k]);
        if (e > worst) worst = e;
    }
    return worst;
}

constexpr double norm(const net_t::gradient_type& a) {
    double s = 0;
    for (const double v : a) s += v * v;
    return s;
}

} // namespace training_test

using namespace training_test;

TEST_CASE("a batch's gradient is the mean of its samples' backprop gradients", "[static][batch]") {
    constexpr std::array<std::size_t, 5> order{3, 0, 4, 1, 2};
    // Batch of 4: each weight's sum collects the same products in the same order
    // and 1/4 is exact, so the two are equal to the bit.
    constexpr auto four = ctnn::batch_backprop<4>(start(), ctnn::softmax_cross_entropy{}, xs, ds, order, 0);
    STATIC_REQUIRE(norm(four.gradient) > 0);
    STATIC_REQUIRE(largest_difference(four.gradient, mean_of_backprops(order, 0, 4)) == 0.0);
    // A last, shorter batch (1 of 4) and a batch of 3 (1/3 is rounded: equal to 1e-16).
    constexpr auto last = ctnn::batch_backprop<4>(start(), ctnn::softmax_cross_entropy{}, xs, ds, order, 4);
    STATIC_REQUIRE(largest_difference(last.gradient, mean_of_backprops(order, 4, 1)) == 0.0);
    constexpr auto three = ctnn::batch_backprop<3>(start(), ctnn::softmax_cross_entropy{}, xs, ds, order, 1);
    STATIC_REQUIRE(largest_difference(three.gradient, mean_of_backprops(order, 1, 3)) < 1e-16);
    // The batch's loss is the mean loss of its samples.
    constexpr auto all = ctnn::batch_backprop(start(), ctnn::softmax_cross_entropy{}, xs, ds);
    STATIC_REQUIRE(ctnn::math::abs(all.loss - ctnn::mean_loss(start(), ctnn::softmax_cross_entropy{}, xs, ds)) < 1e-15);
    STATIC_REQUIRE(largest_difference(all.gradient, mean_of_backprops(ctnn::iota_indices<5>(), 0, 5)) < 1e-16);
}

TEST_CASE("train_batch: one step on the batch's mean gradient", "[static][batch]") {
    constexpr auto stepped = [] {
        net_t net = start();
        ctnn::sgd opt{0.5};
        ctnn::train_batch(net, ctnn::softmax_cross_entropy{}, opt, xs, ds);
        return net;
    }();
    constexpr auto g = ctnn::batch_backprop(start(), ctnn::softmax_cross_entropy{}, xs, ds).gradient;
    STATIC_REQUIRE(stepped.parameters[0] == start().parameters[0] - 0.5 * g[0]);
    STATIC_REQUIRE(stepped.parameters[25] == start().parameters[25] - 0.5 * g[25]);
}

namespace training_test {

struct full_batch_run {
    ctnn::fit_history<double, 6> history;
    std::array<double, 6> loss_before_each_epoch;
    net_t by_fit;
    net_t by_hand;
};

// fit with one batch of all samples and no shuffling is plain gradient descent.
constexpr full_batch_run full_batch() {
    full_batch_run r{};
    r.by_fit = start();
    ctnn::sgd opt{0.3};
    r.history = ctnn::fit<6, 5>(r.by_fit, ctnn::softmax_cross_entropy{}, opt, xs, ds, {.shuffle = false});
    r.by_hand = start();
    for (std::size_t e = 0; e < 6; ++e) {
        r.loss_before_each_epoch[e] = ctnn::mean_loss(r.by_hand, ctnn::softmax_cross_entropy{}, xs, ds);
        ctnn::train_batch(r.by_hand, ctnn::softmax_cross_entropy{}, opt, xs, ds);
    }
    return r;
}

} // namespace training_test

TEST_CASE("fit: full batch, no shuffling, equals gradient descent by hand", "[static][fit]") {
    constexpr auto r = full_batch();
    STATIC_REQUIRE(r.history.status == ctnn::training_status::ok);
    STATIC_REQUIRE(r.history.epochs == 6);
    STATIC_REQUIRE(r.by_fit.parameters == r.by_hand.parameters);
    STATIC_REQUIRE([&r] {
        for (std::size_t e = 0; e < 6; ++e)
            if (ctnn::math::abs(r.history.loss[e] - r.loss_before_each_epoch[e]) > 1e-15 ||
                r.history.learning_rate[e] != 0.3)
                return false;
        return true;
    }());
    STATIC_REQUIRE(r.history.loss[5] < r.history.loss[0]);
    STATIC_REQUIRE(r.history.final_loss() == r.history.loss[5]);
}

namespace training_test {

struct scheduled_run {
    ctnn::fit_history<double, 4> history;
    double rate_after;
    std::size_t callbacks;
    double last_reported_loss;
};

constexpr scheduled_run scheduled() {
    net_t net = start();
    ctnn::adam_for<net_t> opt{.learning_rate = 0.02};
    scheduled_run r{};
    r.history = ctnn::fit<4, 2>(net, ctnn::softmax_cross_entropy{}, opt, xs, ds, {.seed = 5},
                                ctnn::schedule::step{.every = 1, .gamma = 0.5},
                                [&r](const ctnn::epoch_report<double>& e) {
                                    ++r.callbacks;
                                    r.last_reported_loss = e.loss;
                                });
    r.rate_after = opt.learning_rate;
    return r;
}

// A diverging fit ends with a status at compile time too: it stops at the
// divergence limit, before any arithmetic could overflow (which constant
// evaluation rejects). The NaN/infinity path is tested at runtime, in
// tests/runtime/training.cpp.
constexpr auto diverging_fit() {
    ctnn::network<double, ctnn::dense<1, 1>> net{};
    net.parameters = {0.5, 0.0};
    ctnn::sgd opt{0.1};
    const std::array<std::array<double, 1>, 1> x{{{1000.0}}};
    const std::array<std::array<double, 1>, 1> d{{{1.0}}};
    return ctnn::fit<200, 1>(net, ctnn::mse{}, opt, x, d);
}
} // namespace training_test

TEST_CASE("fit: a diverging run ends with loss_diverged, also at compile time", "[static][fit]") {
    constexpr auto history = training_test::diverging_fit();
    STATIC_REQUIRE(history.status == ctnn::training_status::loss_diverged);
    STATIC_REQUIRE(history.epochs > 5);
    STATIC_REQUIRE(history.epochs < 200);
}

TEST_CASE("fit: schedule, callback, and the optimiser's rate restored", "[static][fit]") {
    constexpr auto r = scheduled();
    STATIC_REQUIRE(r.callbacks == 4);
    STATIC_REQUIRE(r.history.learning_rate == std::array<double, 4>{0.02, 0.01, 0.005, 0.0025});
    STATIC_REQUIRE(r.rate_after == 0.02);
    STATIC_REQUIRE(r.last_reported_loss == r.history.loss[3]);
    STATIC_REQUIRE(r.history.loss[3] < r.history.loss[0]);
}

TEST_CASE("metrics: accuracy, binary accuracy, confusion matrix", "[static][metrics]") {
    // A network that copies its two inputs: class = the larger input.
    constexpr auto copy = ctnn::load_parameters<ctnn::network<double, dense<2, 2>>>(std::array{1.0, 0.0, 0.0, 1.0, 0.0, 0.0});
    constexpr std::array<std::array<double, 2>, 4> x{{{1, 0}, {0, 1}, {2, 3}, {5, 4}}};
    constexpr std::array<std::array<double, 2>, 4> d{{{1, 0}, {0, 1}, {1, 0}, {1, 0}}};
    STATIC_REQUIRE(ctnn::accuracy(copy, x, d) == 0.75);
    constexpr auto m = ctnn::confusion_matrix(copy, x, d);
    STATIC_REQUIRE(m[0][0] == 2);
    STATIC_REQUIRE(m[0][1] == 1);
    STATIC_REQUIRE(m[1][1] == 1);
    STATIC_REQUIRE(m[1][0] == 0);
    constexpr auto identity = ctnn::load_parameters<ctnn::network<double, dense<1, 1>>>(std::array{1.0, 0.0});
    constexpr std::array<std::array<double, 1>, 4> z{{{-2.0}, {0.5}, {3.0}, {0.2}}};
    constexpr std::array<std::array<double, 1>, 4> b{{{0.0}, {1.0}, {0.0}, {0.0}}};
    STATIC_REQUIRE(ctnn::binary_accuracy(identity, z, b, 0.0) == 0.5);
    STATIC_REQUIRE(ctnn::binary_accuracy(identity, z, b, 0.3) == 0.75);
}

TEST_CASE("data: shuffling is a permutation, the same on every run; one-hot; split; standardise", "[static][data]") {
    constexpr auto order = [] {
        ctnn::splitmix64 gen{42};
        return ctnn::shuffled_indices<50>(gen);
    }();
    constexpr auto is_permutation = [](const std::array<std::size_t, 50>& o) {
        std::array<bool, 50> seen{};
        for (const std::size_t i : o) {
            if (i >= 50 || seen[i]) return false;
            seen[i] = true;
        }
        return true;
    };
    STATIC_REQUIRE(is_permutation(order));
    STATIC_REQUIRE(order != ctnn::iota_indices<50>());
    STATIC_REQUIRE(ctnn::one_hot<3>(std::size_t{1}) == std::array<double, 3>{0, 1, 0});
    constexpr auto split = [] {
        ctnn::splitmix64 gen{1};
        return ctnn::shuffle_split<3>(xs, ds, gen);
    }();
    STATIC_REQUIRE(split.train_inputs.size() == 3);
    STATIC_REQUIRE(split.test_inputs.size() == 2);
    constexpr auto s = ctnn::standardiser<double, 3>::fit(xs);
    constexpr auto z = s(xs);
    constexpr auto zs = ctnn::standardiser<double, 3>::fit(z);
    STATIC_REQUIRE([&zs] {
        for (std::size_t i = 0; i < 3; ++i)
            if (ctnn::math::abs(zs.mean[i]) > 1e-15 || ctnn::math::abs(zs.stddev[i] - 1.0) > 1e-15) return false;
        return true;
    }());
}

TEST_CASE("loading weights: flat, per layer, and in PyTorch's layout", "[static][load]") {
    using small = ctnn::network<double, dense<2, 3>, ctnn::relu, dense<3, 1>>;
    // W0 = [[1, 2, 3], [4, 5, 6]], b0 = (0.5, −10, 0); W1 = (1, 1, 1)ᵀ, b1 = 0.25.
    constexpr std::array<float, 13> flat{1, 2, 3, 4, 5, 6, 0.5f, -10, 0, 1, 1, 1, 0.25f};
    constexpr auto a = ctnn::load_parameters<small>(flat);
    // x = (1, 1): hidden = relu(5.5, −3, 9) = (5.5, 0, 9); y = 14.5 + 0.25.
    STATIC_REQUIRE(a.forward({1.0, 1.0})[0] == 14.75);
    constexpr auto b = [] {
        small net{};
        ctnn::load_dense<0>(net, std::array<std::array<double, 3>, 2>{{{1, 2, 3}, {4, 5, 6}}},
                            std::array<double, 3>{0.5, -10, 0});
        ctnn::load_dense<2>(net, std::array<std::array<double, 1>, 3>{{{1}, {1}, {1}}}, std::array<double, 1>{0.25});
        return net;
    }();
    STATIC_REQUIRE(b.parameters == a.parameters);
    constexpr auto c = [] {
        small net{};
        // nn.Linear(2, 3).weight is [3][2].
        ctnn::load_dense_transposed<0>(net, std::array<std::array<double, 2>, 3>{{{1, 4}, {2, 5}, {3, 6}}},
                                       std::array<double, 3>{0.5, -10, 0});
        ctnn::load_dense_transposed<2>(net, std::array<std::array<double, 3>, 1>{{{1, 1, 1}}},
                                       std::array<double, 1>{0.25});
        return net;
    }();
    STATIC_REQUIRE(c.parameters == a.parameters);
}

TEST_CASE("initialisers: zeros, constant, and zero biases for fan-based ones", "[static][init]") {
    using small = ctnn::network<double, dense<2, 3>, ctnn::relu, dense<3, 1>>;
    STATIC_REQUIRE(ctnn::make_network<small>(1, ctnn::init::zeros{}).parameters == std::array<double, 13>{});
    constexpr auto c = ctnn::make_network<small>(1, ctnn::init::constant{.weight_value = 0.5, .bias_value = -1});
    STATIC_REQUIRE(c.parameters[0] == 0.5);
    STATIC_REQUIRE(c.parameters[6] == -1.0);
    STATIC_REQUIRE(c.parameters[12] == -1.0);
    constexpr auto he = ctnn::make_network<small>(1, ctnn::init::he_uniform{});
    STATIC_REQUIRE(he.parameters[6] == 0.0);
    STATIC_REQUIRE(he.parameters[0] != 0.0);
    // He uniform bounds: √(6/2) for layer 0, √(6/3) = √2 for layer 2.
    STATIC_REQUIRE([&he] {
        for (std::size_t k = 0; k < 6; ++k)
            if (ctnn::math::abs(he.parameters[k]) >= ctnn::math::sqrt(3.0)) return false;
        for (std::size_t k = 9; k < 12; ++k)
            if (ctnn::math::abs(he.parameters[k]) >= ctnn::math::sqrt(2.0)) return false;
        return true;
    }());
}
