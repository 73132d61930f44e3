// batch_norm and dropout at run time: fit gives the bits of constant
// evaluation; larger networks (channels over 2-D and 1-D shapes) pass the
// gradient checks with batch statistics and with a fixed dropout context on
// inputs the compiler cannot see; folding agrees with inference; the text
// format and write_header carry both layers and the running statistics.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>
#include <layer_checks.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace {

volatile std::uint64_t runtime_seed = 77;

using flat_net = ctnn::network<double, ctnn::dense<3, 5>, ctnn::batch_norm<>, ctnn::tanh, ctnn::dropout<1, 5>,
                               ctnn::dense<5, 2>>;
using image_net = ctnn::network<double, ctnn::input<2, 6, 6>, ctnn::conv2d<2, 4, 3, 1, 1>, ctnn::batch_norm<>,
                                ctnn::tanh, ctnn::avg_pool2d<2>, ctnn::flatten, ctnn::dropout<1, 4>, ctnn::dense<36, 3>>;
using sequence_net = ctnn::network<double, ctnn::input<3, 10>, ctnn::conv1d<3, 5, 3>, ctnn::batch_norm<2, 10>,
                                   ctnn::tanh, ctnn::dense<40, 2>>;

struct dataset {
    std::array<std::array<double, 3>, 9> x;
    std::array<std::array<double, 2>, 9> d;
};
constexpr dataset make_data(std::uint64_t seed) {
    dataset r{};
    ctnn::splitmix64 g{seed};
    for (std::size_t n = 0; n < 9; ++n) {
        r.x[n] = {g.uniform(-1.0, 1.0), 3.0 + g.uniform(-1.0, 1.0), g.uniform(-2.0, 2.0)};
        r.d[n] = {0.5 * r.x[n][0] - 0.1 * r.x[n][1], 0.2 * r.x[n][2]};
    }
    return r;
}

constexpr flat_net fitted_flat(const flat_net& start, const dataset& data) {
    flat_net n = start;
    ctnn::adam_for<flat_net> opt{.learning_rate = 0.02};
    ctnn::fit<12, 3>(n, ctnn::mse{}, opt, data.x, data.d, {.seed = 4});
    return n;
}

constexpr flat_net compile_time_fitted =
    fitted_flat(ctnn::make_network<flat_net>(77, ctnn::init::uniform{-1.0, 1.0}), make_data(77));

template <class Net, std::size_t B>
std::array<std::array<double, Net::input_size>, B> inputs(std::uint64_t seed) {
    std::array<std::array<double, Net::input_size>, B> xs{};
    for (std::size_t b = 0; b < B; ++b) xs[b] = layer_checks::uniform_values<double, Net::input_size>(seed + b);
    return xs;
}
template <class Net, std::size_t B>
std::array<std::array<double, Net::output_size>, B> targets(std::uint64_t seed) {
    std::array<std::array<double, Net::output_size>, B> ds{};
    for (std::size_t b = 0; b < B; ++b) ds[b] = layer_checks::uniform_values<double, Net::output_size>(seed * 31 + b);
    return ds;
}

} // namespace

TEST_CASE("batch_norm and dropout: fit at run time gives the bits of constant evaluation", "[runtime][batch_norm]") {
    const std::uint64_t seed = runtime_seed;
    const flat_net n = fitted_flat(ctnn::make_network<flat_net>(seed, ctnn::init::uniform{-1.0, 1.0}), make_data(seed));
    REQUIRE(n.parameters == compile_time_fitted.parameters);
}

TEST_CASE("batch_norm: gradients with batch statistics over 2-D and 1-D channels", "[runtime][batch_norm]") {
    for (std::uint64_t k = 0; k < 3; ++k) {
        auto net = ctnn::make_network<image_net>(runtime_seed + k, ctnn::init::he_uniform{});
        net.context = {.training = true, .seed = k}; // and a fixed dropout mask
        const auto r = ctnn::batch_gradient_check(net, ctnn::mse{}, inputs<image_net, 3>(k), targets<image_net, 3>(k));
        INFO(ctnn::describe(r.failure));
        REQUIRE(r.passed);
        REQUIRE(r.parameters_checked == image_net::parameter_count - 8);
        const auto net1 = ctnn::make_network<sequence_net>(runtime_seed + k, ctnn::init::he_uniform{});
        const auto r1 = ctnn::batch_gradient_check(net1, ctnn::mse{}, inputs<sequence_net, 4>(k + 9),
                                                   targets<sequence_net, 4>(k + 9));
        REQUIRE(r1.passed);
    }
}

TEST_CASE("batch_norm and dropout: per-sample gradient checks at inference and with a fixed mask", "[runtime][dropout]") {
    for (std::uint64_t k = 0; k < 3; ++k) {
        flat_net net = compile_time_fitted;
        net.context = {.training = true, .seed = runtime_seed + k};
        const auto x = layer_checks::uniform_values<double, 3>(k);
        const auto d = layer_checks::uniform_values<double, 2>(k + 100);
        REQUIRE(ctnn::gradient_check(net, ctnn::mse{}, x, d).passed);
        REQUIRE(ctnn::input_gradient_check(net, ctnn::mse{}, x, d).passed);
        net.context.training = false;
        REQUIRE(ctnn::gradient_check(net, ctnn::mse{}, x, d).passed);
    }
}

TEST_CASE("batch_norm: folded networks agree with inference", "[runtime][batch_norm]") {
    auto net = ctnn::make_network<sequence_net>(runtime_seed, ctnn::init::he_uniform{});
    ctnn::sgd opt{0.05};
    for (std::uint64_t k = 0; k < 5; ++k)
        ctnn::train_batch(net, ctnn::mse{}, opt, inputs<sequence_net, 4>(k), targets<sequence_net, 4>(k));
    const auto folded = ctnn::fold_batch_norm(net);
    for (const auto& x : inputs<sequence_net, 5>(50)) {
        const auto a = net.forward(x), b = folded.forward(x);
        for (std::size_t i = 0; i < a.size(); ++i) REQUIRE(std::abs(a[i] - b[i]) <= 1e-13 * (1 + std::abs(a[i])));
    }
}

TEST_CASE("batch_norm and dropout: text format and header round trips, running statistics included", "[runtime][io]") {
    const flat_net& net = compile_time_fitted;
    std::string text;
    ctnn::write_text(net, [&](char c) { text.push_back(c); });
    CHECK(text.find("\nbatch_norm 1 10 1 100000\n") != std::string::npos);
    CHECK(text.find("\ndropout 1 5\n") != std::string::npos);
    flat_net back{};
    const auto r = ctnn::read_text(text, back);
    INFO(text);
    REQUIRE(r.status == ctnn::read_status::ok);
    REQUIRE(back.parameters == net.parameters);
    std::string header;
    REQUIRE(ctnn::write_header(net, [&](char c) { header.push_back(c); }) == ctnn::write_status::ok);
    CHECK(header.find("ctnn::batch_norm<1, 10, 1, 100000>") != std::string::npos);
    CHECK(header.find("ctnn::dropout<1, 5>") != std::string::npos);
}
