// batch_norm at compile time: initial values, training with batch statistics
// (values worked by hand), running statistics (PyTorch's update, kept from
// the optimiser even with weight decay), inference with them, gradients with
// batch statistics (batch_gradient_check) and at inference (gradient_check,
// state skipped), per-channel statistics over a shape, folding into the dense
// or convolution layer before it, and fit: it trains and leaves running
// statistics that inference then uses.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace batch_norm_test {

using flat_net = ctnn::network<double, ctnn::dense<3, 4>, ctnn::batch_norm<>, ctnn::tanh, ctnn::dense<4, 2>>;
using conv_net = ctnn::network<double, ctnn::input<1, 4, 4>, ctnn::conv2d<1, 2, 3>, ctnn::batch_norm<>, ctnn::tanh,
                               ctnn::flatten, ctnn::dense<8, 1>>;
using bn_t = flat_net::layer_type<1>;
using conv_bn_t = conv_net::layer_type<1>;

constexpr flat_net net = ctnn::make_network<flat_net>(5, ctnn::init::uniform{-1.0, 1.0});
constexpr conv_net cnet = ctnn::make_network<conv_net>(6, ctnn::init::uniform{-1.0, 1.0});

struct dataset {
    std::array<std::array<double, 3>, 10> x;
    std::array<std::array<double, 2>, 10> d;
};
constexpr dataset data = [] {
    dataset r{};
    ctnn::splitmix64 g{3};
    for (std::size_t n = 0; n < 10; ++n) {
        r.x[n] = {g.uniform(-1.0, 1.0), 2.0 + g.uniform(-1.0, 1.0), g.uniform(-3.0, 3.0)};
        r.d[n] = {0.5 * r.x[n][0] - 0.1 * r.x[n][1], 0.2 * r.x[n][2]};
    }
    return r;
}();
constexpr std::array<std::array<double, 3>, 4> xs{{data.x[0], data.x[1], data.x[2], data.x[3]}};
constexpr std::array<std::array<double, 2>, 4> ds{{data.d[0], data.d[1], data.d[2], data.d[3]}};

constexpr std::array<std::array<double, 16>, 3> images = [] {
    std::array<std::array<double, 16>, 3> r{};
    ctnn::splitmix64 g{8};
    for (auto& im : r)
        for (auto& v : im) v = g.uniform(-1.0, 1.0);
    return r;
}();
constexpr std::array<std::array<double, 1>, 3> image_targets{{{0.5}, {-0.25}, {0.1}}};


// Two samples of one feature, 1 and 3: mean 2, biased variance 1, unbiased 2.
using one_feature = ctnn::network<double, ctnn::input<1>, ctnn::batch_norm<>>;
constexpr auto one_feature_step() {
    one_feature n = ctnn::make_network<one_feature>(0);
    ctnn::sgd opt{0.0};
    const std::array<std::array<double, 1>, 2> x{{{1.0}, {3.0}}};
    const std::array<std::array<double, 1>, 2> t{{{0.0}, {0.0}}};
    const auto r = ctnn::batch_backprop(n, ctnn::mse{}, x, t);
    ctnn::train_batch(n, ctnn::mse{}, opt, x, t);
    struct out {
        one_feature net;
        double loss;
    };
    return out{n, r.loss};
}

struct fitted {
    flat_net net;
    ctnn::fit_history<double, 40> history;
};
constexpr fitted fit_flat() {
    fitted f{net, {}};
    ctnn::adam_for<flat_net> opt{.learning_rate = 0.02};
    f.history = ctnn::fit<40, 5>(f.net, ctnn::mse{}, opt, data.x, data.d, {.seed = 2});
    return f;
}

// Inference by the formula, with the running statistics in the parameters.
constexpr std::array<double, 4> normalised_by_hand(const flat_net& n, const std::array<double, 3>& x) {
    std::array<double, 4> h{};
    using D = flat_net::layer_type<0>;
    const double* p = n.parameters.data();
    for (std::size_t o = 0; o < 4; ++o) {
        double s = p[D::weight_count + o];
        for (std::size_t i = 0; i < 3; ++i) s += x[i] * p[i * 4 + o];
        const double* b = p + flat_net::parameter_offsets[1];
        h[o] = b[o] * (s - b[8 + o]) / ctnn::math::sqrt(b[12 + o] + 1e-5) + b[4 + o];
    }
    return h;
}

constexpr fitted flat_fitted = fit_flat();

} // namespace batch_norm_test

using namespace batch_norm_test;

TEST_CASE("batch_norm: parameters, state and initial values", "[static][batch_norm]") {
    STATIC_REQUIRE(bn_t::parameter_count == 16);
    STATIC_REQUIRE(bn_t::state_count == 8);
    STATIC_REQUIRE((flat_net::batch_coupled && !flat_net::uses_context && flat_net::state_count == 8));
    STATIC_REQUIRE(flat_net::is_state(flat_net::parameter_offsets[1] + 8));
    STATIC_REQUIRE(!flat_net::is_state(flat_net::parameter_offsets[1] + 7));
    constexpr auto init = [] {
        std::array<double, 16> p{};
        for (std::size_t k = 0; k < 16; ++k) p[k] = net.parameters[flat_net::parameter_offsets[1] + k];
        return p;
    }();
    STATIC_REQUIRE(init == std::array<double, 16>{1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1});
    // Per-channel over a shape: C = 2 channels of 2 × 2 positions.
    STATIC_REQUIRE((conv_bn_t::channels == 2 && conv_bn_t::positions == 4 && conv_bn_t::parameter_count == 8));
    STATIC_REQUIRE(std::is_same_v<ctnn::output_shape_t<conv_bn_t>, ctnn::shape<2, 2, 2>>);
}

TEST_CASE("batch_norm: batch statistics in training, PyTorch's running statistics update", "[static][batch_norm]") {
    constexpr auto r = one_feature_step();
    // y = ±1/√(1 + ε): the loss is ½y² = ½/(1 + ε) for each sample.
    STATIC_REQUIRE(ctnn::math::abs(r.loss - 0.5 / (1.0 + 1e-5)) < 1e-15);
    // running_mean = 0.9·0 + 0.1·2, running_var = 0.9·1 + 0.1·2 (unbiased).
    STATIC_REQUIRE(ctnn::math::abs(r.net.parameters[2] - 0.2) < 1e-16);
    STATIC_REQUIRE(ctnn::math::abs(r.net.parameters[3] - 1.1) < 1e-15);
    // Inference then uses them: (1 − 0.2)/√(1.1 + ε)·γ + β.
    STATIC_REQUIRE(ctnn::math::abs(r.net.forward(std::array<double, 1>{1.0})[0] - r.net.parameters[0] * 0.8 / ctnn::math::sqrt(1.1 + 1e-5) -
                       r.net.parameters[1]) < 1e-15);
}

TEST_CASE("batch_norm: the optimiser never moves the running statistics", "[static][batch_norm]") {
    constexpr auto both = [] {
        flat_net a = net, b = net;
        ctnn::sgd plain{0.1};
        ctnn::momentum_sgd<double, flat_net::parameter_count> decayed{.learning_rate = 0.1, .weight_decay = 0.5};
        ctnn::train_batch(a, ctnn::mse{}, plain, xs, ds);
        ctnn::train_batch(b, ctnn::mse{}, decayed, xs, ds);
        std::array<double, 16> sa{}, sb{};
        for (std::size_t k = 0; k < 8; ++k) {
            sa[k] = a.parameters[flat_net::parameter_offsets[1] + 8 + k];
            sb[k] = b.parameters[flat_net::parameter_offsets[1] + 8 + k];
        }
        return std::array<std::array<double, 16>, 2>{sa, sb};
    }();
    STATIC_REQUIRE(both[0] == both[1]);
    STATIC_REQUIRE(both[0][0] != 0.0); // the running mean moved (by the batch, not the optimiser)
}

TEST_CASE("batch_norm: gradients with batch statistics against central differences", "[static][batch_norm]") {
    constexpr auto r = ctnn::batch_gradient_check(net, ctnn::mse{}, xs, ds);
    STATIC_REQUIRE(r.passed);
    STATIC_REQUIRE(r.parameters_checked == flat_net::parameter_count - 8);
    // (The dense biases before batch_norm have gradient 0: the batch mean
    // takes any shift out. Relative errors of those are meaningless.)
    STATIC_REQUIRE(r.max_absolute_error < 1e-9);
    constexpr auto rc = ctnn::batch_gradient_check(cnet, ctnn::mse{}, images, image_targets);
    STATIC_REQUIRE(rc.passed);
    STATIC_REQUIRE(rc.parameters_checked == conv_net::parameter_count - 4);
}

TEST_CASE("batch_norm: inference gradients (running statistics) against central differences", "[static][batch_norm]") {
    constexpr flat_net trained = [] {
        flat_net n = net;
        ctnn::sgd opt{0.1};
        ctnn::train_batch(n, ctnn::mse{}, opt, xs, ds); // running statistics away from 0 and 1
        return n;
    }();
    constexpr auto r = ctnn::gradient_check(trained, ctnn::mse{}, xs, ds);
    STATIC_REQUIRE(r.passed);
    STATIC_REQUIRE(r.parameters_checked == flat_net::parameter_count - 8);
    constexpr auto ri = ctnn::input_gradient_check(trained, ctnn::mse{}, xs[0], ds[0]);
    STATIC_REQUIRE(ri.passed);
}

TEST_CASE("batch_norm: folded into the dense or convolution layer before it", "[static][batch_norm]") {
    constexpr auto folded = ctnn::fold_batch_norm(flat_fitted.net);
    STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(folded)>,
                                  ctnn::network<double, ctnn::dense<3, 4>, ctnn::tanh, ctnn::dense<4, 2>>>);
    constexpr bool close = [] {
        const auto fo = ctnn::fold_batch_norm(flat_fitted.net);
        const auto& n = flat_fitted.net;
        for (const auto& x : data.x) {
            const auto a = n.forward(x), b = fo.forward(x);
            for (std::size_t i = 0; i < 2; ++i)
                if (ctnn::math::abs(a[i] - b[i]) > 1e-14) return false;
        }
        return true;
    }();
    STATIC_REQUIRE(close);
    constexpr bool conv_close = [] {
        conv_net n = cnet;
        ctnn::sgd opt{0.1};
        ctnn::train_batch(n, ctnn::mse{}, opt, images, image_targets);
        const auto fo = ctnn::fold_batch_norm(n);
        static_assert(std::is_same_v<std::remove_cvref_t<decltype(fo)>,
                                     ctnn::network<double, ctnn::input<1, 4, 4>, ctnn::conv2d<1, 2, 3>, ctnn::tanh,
                                                   ctnn::flatten, ctnn::dense<8, 1>>>);
        for (const auto& x : images)
            if (ctnn::math::abs(n.forward(x)[0] - fo.forward(x)[0]) > 1e-14) return false;
        return true;
    }();
    STATIC_REQUIRE(conv_close);
}

TEST_CASE("batch_norm: fit trains, and inference afterwards uses the running statistics", "[static][batch_norm]") {
    constexpr const fitted& f = flat_fitted;
    STATIC_REQUIRE(f.history.status == ctnn::training_status::ok);
    STATIC_REQUIRE(f.history.loss[39] < f.history.loss[0] * 0.5);
    STATIC_REQUIRE(ctnn::mean_loss(f.net, ctnn::mse{}, data.x, data.d) < ctnn::mean_loss(net, ctnn::mse{}, data.x, data.d));
    // The running statistics moved towards the data's (feature 1 of x is near 2).
    STATIC_REQUIRE(f.net.parameters[flat_net::parameter_offsets[1] + 8] != 0.0);
    constexpr bool by_hand = [] {
        const auto& n = flat_fitted.net;
        for (const auto& x : data.x) {
            const auto h = normalised_by_hand(n, x);
            const auto trace = n.forward_trace(x);
            const auto& got = boost::hana::at_c<2>(trace);
            for (std::size_t i = 0; i < 4; ++i)
                if (ctnn::math::abs(got[i] - h[i]) > 1e-14) return false;
        }
        return true;
    }();
    STATIC_REQUIRE(by_hand);
}

namespace batch_norm_test {

using io_net = ctnn::network<double, ctnn::dense<3, 4>, ctnn::batch_norm<>, ctnn::tanh, ctnn::dropout<1, 4>,
                             ctnn::dense<4, 2>>;

constexpr io_net io_trained() {
    io_net n = ctnn::make_network<io_net>(7, ctnn::init::uniform{-1.0, 1.0});
    ctnn::sgd opt{0.1};
    ctnn::train_batch(n, ctnn::mse{}, opt, xs, ds);
    return n;
}

constexpr bool text_round_trip() {
    const io_net n = io_trained();
    ctnn::char_buffer<4096> text;
    ctnn::write_text(n, text);
    if (text.overflowed) return false;
    io_net back{};
    const auto r = ctnn::read_text(text.view(), back);
    return r.status == ctnn::read_status::ok && back.parameters == n.parameters &&
           text.view().find("\nbatch_norm 1 10 1 100000\n") != std::string_view::npos &&
           text.view().find("\ndropout 1 4\n") != std::string_view::npos;
}

} // namespace batch_norm_test

TEST_CASE("batch_norm and dropout: the text format round-trips them, running statistics included", "[static][batch_norm]") {
    STATIC_REQUIRE(io_trained().parameters[io_net::parameter_offsets[1] + 8] != 0.0); // a running mean moved
    STATIC_REQUIRE(text_round_trip());
}
