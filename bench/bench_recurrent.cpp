// bench/bench_recurrent.cpp - GRU and LSTM streaming inference, one sample at a
// time (1 feature in, a linear readout to 1 value out, as an audio effect
// runs), hidden sizes 8, 16, 32 and 64, float: ctnn::stream beside the same
// step written by hand with Eigen, in the same binary (linked into ctnn_bench
// and ctnn_bench_portable; bench.cpp's main runs them).
//
// Names: <implementation>_<gru|lstm>_stream/<hidden>/float, time per sample.
//   ctnn        ctnn::stream::step: ctnn::math's sigmoid and tanh (computed in
//               double, the same bits in constant evaluation and on every target)
//   eigen       Eigen fixed-size matrices, gates with Eigen's vectorised array
//               functions (.logistic(), .tanh(): fast float approximations, as
//               RTNeural's Eigen backend uses)
//   eigen_std   the same matrix code, gates with std::exp / std::tanh per element
// Counter FLOPS counts the matrix-vector products only (2·Gates·Hidden·(1 +
// Hidden) + 2·Hidden per sample for the readout); % of the FMA peak is this
// over peak_fused/<width>/float, also in the binary.
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

constexpr std::size_t signal_length = 1024;
template <std::size_t H>
using gru_net = ctnn::network<float, ctnn::input<1, 1>, ctnn::gru<H>, ctnn::each_step<ctnn::dense<H, 1>>>;
template <std::size_t H>
using lstm_net = ctnn::network<float, ctnn::input<1, 1>, ctnn::lstm<H>, ctnn::each_step<ctnn::dense<H, 1>>>;

template <class Net>
std::unique_ptr<Net> make_net() {
    const float a = 1.0f / std::sqrt(float(Net::template layer_type<0>::hidden)); // PyTorch's init
    return std::make_unique<Net>(
        ctnn::make_network<Net>(bench::opaque(std::uint64_t{17}), ctnn::init::uniform{-a, a}));
}

std::array<float, signal_length> make_signal() {
    std::array<float, signal_length> x{};
    ctnn::splitmix64 gen{bench::opaque(std::uint64_t{3})};
    float low = 0;
    for (auto& v : x) v = low = 0.9f * low + 0.4f * gen.uniform<float>(-1.0f, 1.0f);
    return x;
}

enum class gates_with { eigen_array, std_scalar };

// The hand-written peer: parameters loaded from the ctnn network (PyTorch's
// row-major [Gates·H][·] read as Eigen row-major maps into column-major
// matrices), h (and c) as fixed-size vectors.
template <int G, int H, gates_with Math>
struct eigen_recurrent {
    using vec = Eigen::Matrix<float, G * H, 1>;
    using state = Eigen::Matrix<float, H, 1>;
    vec w_ih, b_ih, b_hh; // one input feature: W_ih is a column
    Eigen::Matrix<float, G * H, H> w_hh;
    state w_out;
    float b_out;
    state h = state::Zero(), c = state::Zero();

    template <class Net>
    explicit eigen_recurrent(const Net& net) {
        const float* p = net.parameters.data();
        w_ih = Eigen::Map<const vec>(p);
        w_hh = Eigen::Map<const Eigen::Matrix<float, G * H, H, Eigen::RowMajor>>(p + G * H);
        b_ih = Eigen::Map<const vec>(p + G * H * (1 + H));
        b_hh = Eigen::Map<const vec>(p + G * H * (2 + H));
        w_out = Eigen::Map<const state>(p + G * H * (3 + H));
        b_out = p[G * H * (3 + H) + H];
    }

    template <class V>
    static auto sigmoid(const V& v) {
        if constexpr (Math == gates_with::eigen_array) return v.array().logistic().matrix().eval();
        else return v.unaryExpr([](float x) { return 1.0f / (1.0f + std::exp(-x)); }).eval();
    }
    template <class V>
    static auto tanh(const V& v) {
        if constexpr (Math == gates_with::eigen_array) return v.array().tanh().matrix().eval();
        else return v.unaryExpr([](float x) { return std::tanh(x); }).eval();
    }

    float step(float x) {
        const vec gi = w_ih * x + b_ih;
        const vec gh = w_hh * h + b_hh;
        if constexpr (G == 3) { // GRU: r, z, n
            const state r = sigmoid(gi.template head<H>() + gh.template head<H>());
            const state z = sigmoid(gi.template segment<H>(H) + gh.template segment<H>(H));
            const state n = tanh(gi.template tail<H>() + r.cwiseProduct(gh.template tail<H>()));
            h = (state::Ones() - z).cwiseProduct(n) + z.cwiseProduct(h);
        } else { // LSTM: i, f, g, o
            const vec a = gi + gh;
            const state i = sigmoid(a.template head<H>());
            const state f = sigmoid(a.template segment<H>(H));
            const state g = tanh(a.template segment<H>(2 * H));
            const state o = sigmoid(a.template tail<H>());
            c = f.cwiseProduct(c) + i.cwiseProduct(g);
            h = o.cwiseProduct(tanh(c));
        }
        return w_out.dot(h) + b_out;
    }
};

double flops_per_sample(int gates, int hidden) { return 2.0 * gates * hidden * (1 + hidden) + 2.0 * hidden; }

template <class Net, int G>
void ctnn_stream(benchmark::State& state) {
    const auto net = make_net<Net>();
    const auto x = make_signal();
    auto s = std::make_unique<ctnn::stream<Net>>(*net);
    std::size_t i = 0;
    float y = 0;
    for (auto _ : state) {
        y = s->step(x[i++ % signal_length]);
        bench::escape(y);
    }
    state.counters["FLOPS"] =
        benchmark::Counter(flops_per_sample(G, int(Net::template layer_type<0>::hidden)),
                           benchmark::Counter::kIsIterationInvariantRate);
}

template <class Net, int G, gates_with Math>
void eigen_stream(benchmark::State& state) {
    constexpr int H = int(Net::template layer_type<0>::hidden);
    const auto net = make_net<Net>();
    const auto x = make_signal();
    auto peer = std::make_unique<eigen_recurrent<G, H, Math>>(*net);
    std::size_t i = 0;
    float y = 0;
    for (auto _ : state) {
        y = peer->step(x[i++ % signal_length]);
        bench::escape(y);
    }
    state.counters["FLOPS"] = benchmark::Counter(flops_per_sample(G, H), benchmark::Counter::kIsIterationInvariantRate);
}

// Before timing: the peers compute the same thing (within float rounding and
// Eigen's approximations) over the whole signal.
template <class Net, int G, gates_with Math>
bool agrees() {
    constexpr int H = int(Net::template layer_type<0>::hidden);
    const auto net = make_net<Net>();
    const auto x = make_signal();
    ctnn::stream s(*net);
    eigen_recurrent<G, H, Math> peer(*net);
    double worst = 0;
    for (float v : x) worst = std::fmax(worst, std::fabs(double(s.step(v)) - double(peer.step(v))));
    if (worst > 1e-4) {
        std::fprintf(stderr, "bench_recurrent: the Eigen peer (gates %d, hidden %d) differs from ctnn by %g\n", G, H,
                     worst);
        return false;
    }
    return true;
}

template <std::size_t H>
void register_size() {
    const std::string suffix = "_stream/" + std::to_string(H) + "/float";
    using g = gru_net<H>;
    using l = lstm_net<H>;
    if (!agrees<g, 3, gates_with::eigen_array>() || !agrees<g, 3, gates_with::std_scalar>() ||
        !agrees<l, 4, gates_with::eigen_array>() || !agrees<l, 4, gates_with::std_scalar>())
        std::exit(1);
    benchmark::RegisterBenchmark(("ctnn_gru" + suffix).c_str(), ctnn_stream<g, 3>);
    benchmark::RegisterBenchmark(("eigen_gru" + suffix).c_str(), eigen_stream<g, 3, gates_with::eigen_array>);
    benchmark::RegisterBenchmark(("eigen_std_gru" + suffix).c_str(), eigen_stream<g, 3, gates_with::std_scalar>);
    benchmark::RegisterBenchmark(("ctnn_lstm" + suffix).c_str(), ctnn_stream<l, 4>);
    benchmark::RegisterBenchmark(("eigen_lstm" + suffix).c_str(), eigen_stream<l, 4, gates_with::eigen_array>);
    benchmark::RegisterBenchmark(("eigen_std_lstm" + suffix).c_str(), eigen_stream<l, 4, gates_with::std_scalar>);
}

[[maybe_unused]] const bool registered = [] {
    register_size<8>();
    register_size<16>();
    register_size<32>();
    register_size<64>();
    return true;
}();

} // namespace
