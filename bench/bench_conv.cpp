// bench/bench_conv.cpp - conv2d (3×3 kernel, padding 1, stride 1, 16 output
// channels, float), forward and one SGD training step on one sample, on a
// digits-sized 1×8×8 and a 3×32×32 input: ctnn beside a hand-written Eigen
// peer (im2col, then one matrix product; the training step's weight gradient
// is a second product dY·colᵀ), in the same binary (linked into ctnn_bench
// and ctnn_bench_portable; bench.cpp's main runs them).
//
// Names: <ctnn|eigen>_conv2d_<forward|step>/<C>x<H>x<W>/float, time per sample.
// Both compute the same thing: the step is ½·mean squared error against a
// target, gradient, and W -= lr·dW, b -= lr·db (no input gradient: the layer
// is the first). Counter FLOPS counts 2·Cout·Cin·K²·H·W per product (the
// multiply-adds of the taps, padding included, as the peer's product does
// them): one product forward, two for a step; % of the FMA peak is this over
// peak_fused/<width>/float, also in the binary.
#include "bench_support.hpp"

#ifndef EIGEN_STACK_ALLOCATION_LIMIT
#define EIGEN_STACK_ALLOCATION_LIMIT 0
#endif
#include <Eigen/Core>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

constexpr std::size_t out_channels = 16, kernel = 3, padding = 1;

template <std::size_t C, std::size_t H, std::size_t W>
using conv_net = ctnn::network<float, ctnn::input<C, H, W>, ctnn::conv2d<C, out_channels, kernel, 1, padding>>;

using row_major = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The peer: weights as ctnn stores them ([out][in][K][K] = a row-major
// out × in·K² matrix), im2col into a row-major in·K² × H·W matrix, Y = W·col + b.
template <std::size_t C, std::size_t H, std::size_t W>
struct eigen_conv {
    static constexpr std::size_t rows = C * kernel * kernel, positions = H * W;
    row_major weights{out_channels, rows};
    Eigen::VectorXf bias{out_channels};
    row_major col{rows, positions};
    row_major y{out_channels, positions};
    row_major dy{out_channels, positions};

    template <class Net>
    void load(const Net& net) {
        weights = Eigen::Map<const row_major>(net.parameters.data(), out_channels, rows);
        bias = Eigen::Map<const Eigen::VectorXf>(net.parameters.data() + out_channels * rows, out_channels);
    }

    void im2col(const float* x) {
        for (std::size_t c = 0; c < C; ++c)
            for (std::size_t u = 0; u < kernel; ++u)
                for (std::size_t v = 0; v < kernel; ++v) {
                    float* out = col.data() + ((c * kernel + u) * kernel + v) * positions;
                    for (std::size_t i = 0; i < H; ++i) {
                        const long r = long(i + u) - long(padding);
                        for (std::size_t j = 0; j < W; ++j) {
                            const long s = long(j + v) - long(padding);
                            out[i * W + j] = r >= 0 && r < long(H) && s >= 0 && s < long(W)
                                                 ? x[(c * H + std::size_t(r)) * W + std::size_t(s)]
                                                 : 0.0f;
                        }
                    }
                }
    }

    void forward(const float* x) {
        im2col(x);
        y.noalias() = weights * col;
        y.colwise() += bias;
    }

    float step(const float* x, const float* d, float learning_rate) {
        forward(x);
        const Eigen::Map<const row_major> target(d, out_channels, positions);
        dy = (y - target) / float(out_channels * positions);
        const float loss = (y - target).squaredNorm() / float(2 * out_channels * positions);
        weights.noalias() -= learning_rate * (dy * col.transpose());
        bias -= learning_rate * dy.rowwise().sum();
        return loss;
    }
};

template <std::size_t C, std::size_t H, std::size_t W>
struct conv_case {
    using net_t = conv_net<C, H, W>;
    static constexpr double product_flops = 2.0 * double(out_channels * C * kernel * kernel * H * W);
    static std::string suffix() {
        return "/" + std::to_string(C) + "x" + std::to_string(H) + "x" + std::to_string(W) + "/float";
    }
    static std::unique_ptr<net_t> network() {
        return std::make_unique<net_t>(ctnn::make_network<net_t>(bench::opaque(std::uint64_t{3}), ctnn::init::he_uniform{}));
    }
    static typename net_t::input_type input(std::uint64_t seed) {
        ctnn::splitmix64 gen{seed};
        typename net_t::input_type x{};
        for (auto& v : x) v = gen.uniform(-1.0f, 1.0f);
        return x;
    }
    static std::unique_ptr<typename net_t::output_type> target() {
        auto d = std::make_unique<typename net_t::output_type>();
        ctnn::splitmix64 gen{bench::opaque(std::uint64_t{5})};
        for (auto& v : *d) v = gen.uniform(-1.0f, 1.0f);
        return d;
    }
};

template <class Case>
void ctnn_forward(benchmark::State& state) {
    const auto net = Case::network();
    const auto x = std::make_unique<typename Case::net_t::input_type>(Case::input(bench::opaque(std::uint64_t{7})));
    auto y = std::make_unique<typename Case::net_t::output_type>();
    for (auto _ : state) {
        *y = net->forward(*x);
        bench::escape(*y);
    }
    state.counters["FLOPS"] = benchmark::Counter(Case::product_flops, benchmark::Counter::kIsIterationInvariantRate);
}

template <class Case>
void ctnn_step(benchmark::State& state) {
    const auto net = Case::network();
    const auto x = std::make_unique<typename Case::net_t::input_type>(Case::input(bench::opaque(std::uint64_t{7})));
    const auto d = Case::target();
    ctnn::sgd optimiser{bench::opaque(0.001)};
    for (auto _ : state) {
        auto loss = ctnn::train_step(*net, ctnn::mse{}, optimiser, *x, *d);
        bench::escape(loss);
    }
    state.counters["FLOPS"] = benchmark::Counter(2 * Case::product_flops, benchmark::Counter::kIsIterationInvariantRate);
}

template <class Case, std::size_t C, std::size_t H, std::size_t W>
void eigen_forward(benchmark::State& state) {
    const auto net = Case::network();
    auto peer = std::make_unique<eigen_conv<C, H, W>>();
    peer->load(*net);
    const auto x = std::make_unique<typename Case::net_t::input_type>(Case::input(bench::opaque(std::uint64_t{7})));
    for (auto _ : state) {
        peer->forward(x->data());
        bench::escape(peer->y);
    }
    state.counters["FLOPS"] = benchmark::Counter(Case::product_flops, benchmark::Counter::kIsIterationInvariantRate);
}

template <class Case, std::size_t C, std::size_t H, std::size_t W>
void eigen_step(benchmark::State& state) {
    const auto net = Case::network();
    auto peer = std::make_unique<eigen_conv<C, H, W>>();
    peer->load(*net);
    const auto x = std::make_unique<typename Case::net_t::input_type>(Case::input(bench::opaque(std::uint64_t{7})));
    const auto d = Case::target();
    const float rate = bench::opaque(0.001f);
    for (auto _ : state) {
        auto loss = peer->step(x->data(), d->data(), rate);
        bench::escape(loss);
    }
    state.counters["FLOPS"] = benchmark::Counter(2 * Case::product_flops, benchmark::Counter::kIsIterationInvariantRate);
}

// ctnn and the peer compute the same forward pass and the same step (up to
// summation order) before anything is timed.
template <class Case, std::size_t C, std::size_t H, std::size_t W>
bool agrees() {
    auto net = Case::network();
    auto peer = std::make_unique<eigen_conv<C, H, W>>();
    peer->load(*net);
    const auto x = Case::input(11);
    const auto d = Case::target();
    const auto y = net->forward(x);
    peer->forward(x.data());
    float worst = 0;
    for (std::size_t k = 0; k < y.size(); ++k) worst = std::fmax(worst, std::fabs(y[k] - peer->y.data()[k]));
    ctnn::sgd optimiser{0.001};
    ctnn::train_step(*net, ctnn::mse{}, optimiser, x, *d);
    peer->step(x.data(), d->data(), 0.001f);
    for (std::size_t k = 0; k < out_channels * C * kernel * kernel; ++k)
        worst = std::fmax(worst, std::fabs(net->parameters[k] - peer->weights.data()[k]));
    if (!(worst < 1e-4f)) {
        std::fprintf(stderr, "bench_conv: ctnn and the Eigen peer disagree by %g on %s\n", double(worst),
                     Case::suffix().c_str());
        return false;
    }
    return true;
}

template <std::size_t C, std::size_t H, std::size_t W>
void register_size() {
    using c = conv_case<C, H, W>;
    if (!agrees<c, C, H, W>()) std::exit(1);
    benchmark::RegisterBenchmark(("ctnn_conv2d_forward" + c::suffix()).c_str(), ctnn_forward<c>);
    benchmark::RegisterBenchmark(("eigen_conv2d_forward" + c::suffix()).c_str(), eigen_forward<c, C, H, W>);
    benchmark::RegisterBenchmark(("ctnn_conv2d_step" + c::suffix()).c_str(), ctnn_step<c>);
    benchmark::RegisterBenchmark(("eigen_conv2d_step" + c::suffix()).c_str(), eigen_step<c, C, H, W>);
}

[[maybe_unused]] const bool registered = [] {
    register_size<1, 8, 8>();
    register_size<3, 32, 32>();
    return true;
}();

} // namespace
