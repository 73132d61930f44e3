// bench/bench.cpp - ctnn's forward pass, backprop training step and
// numerical-differentiation training step, beside the same networks written
// by hand with Eigen, for networks from 41 to ~85,000 parameters in float and
// double. Run through scripts/bench_report.py (target bench_report), which
// turns the medians into docs/benchmarks.md.
//
// Benchmark names: <implementation>_<what>/<widths>/<scalar>, e.g.
//   ctnn_forward/784-50-10/float, ctnn_step/..., ctnn_numerical/...,
//   eigen_forward/..., eigen_step/..., ctnn_batch32/..., eigen_batch32/... (one
//   step on a batch of 32: time per batch), ctnn_opt_<adam|momentum|...>/...
//   (a batch-1 step with that optimiser); the peak kernels are in peak.cpp.
// Counters: params, FLOPS (per second, see bench_support.hpp for the count),
// and iterations_fixed = 1 where the iteration count was fixed by hand.
#include "bench_support.hpp"
#include "eigen_peer.hpp"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace {

using ctnn::dense;
using ctnn::relu;

// The networks: ReLU between dense layers, identity at the output.
struct note_2_10_1 {
    static constexpr const char* name = "2-10-1";
    template <class T> using ctnn_type = ctnn::network<T, dense<2, 10>, relu, dense<10, 1>>;
    template <class T> using eigen_type = bench::eigen_mlp<T, 2, 10, 1>;
};
struct small_8_32_4 {
    static constexpr const char* name = "8-32-4";
    template <class T> using ctnn_type = ctnn::network<T, dense<8, 32>, relu, dense<32, 4>>;
    template <class T> using eigen_type = bench::eigen_mlp<T, 8, 32, 4>;
};
struct medium_32_96_8 {
    static constexpr const char* name = "32-96-8";
    template <class T> using ctnn_type = ctnn::network<T, dense<32, 96>, relu, dense<96, 8>>;
    template <class T> using eigen_type = bench::eigen_mlp<T, 32, 96, 8>;
};
struct deep_16_64_64_64_8 {
    static constexpr const char* name = "16-64-64-64-8";
    template <class T>
    using ctnn_type =
        ctnn::network<T, dense<16, 64>, relu, dense<64, 64>, relu, dense<64, 64>, relu, dense<64, 8>>;
    template <class T> using eigen_type = bench::eigen_mlp<T, 16, 64, 64, 64, 8>;
};
struct mnist_784_50_10 {
    static constexpr const char* name = "784-50-10";
    template <class T> using ctnn_type = ctnn::network<T, dense<784, 50>, relu, dense<50, 10>>;
    template <class T> using eigen_type = bench::eigen_mlp<T, 784, 50, 10>;
};
struct wide_64_256_256_10 {
    static constexpr const char* name = "64-256-256-10";
    template <class T>
    using ctnn_type = ctnn::network<T, dense<64, 256>, relu, dense<256, 256>, relu, dense<256, 10>>;
    template <class T> using eigen_type = bench::eigen_mlp<T, 64, 256, 256, 10>;
};

// Numerical steps are measured up to this many parameters; above it they are
// not run (2P forward passes of P multiply-adds each: ~14 G multiply-adds per
// step at P = 85,000) and bench_report extrapolates numerical = 2P · forward.
constexpr std::size_t numerical_max_parameters = 50'000;

// Above ~10^7 multiply-adds per numerical step, the iteration count is fixed
// so that one repetition does ~10^9 of them (at least one step).
template <class Net>
constexpr std::int64_t numerical_iterations() {
    const double cost = 2.0 * double(Net::parameter_count) * double(bench::multiply_adds<Net>());
    if (cost < 1e7) return 0; // let Google Benchmark choose
    const double n = 1e9 / cost;
    return n < 1.0 ? 1 : static_cast<std::int64_t>(n);
}

template <class T> constexpr const char* scalar_name = std::is_same_v<T, float> ? "float" : "double";

std::uint64_t seed() { return bench::opaque<std::uint64_t>(20240613); }

template <class Net>
std::unique_ptr<Net> make_net() {
    auto net = std::make_unique<Net>();
    ctnn::splitmix64 gen{seed()};
    ctnn::initialise(*net, bench::scaled_uniform{}, gen);
    return net;
}

template <class Net>
std::unique_ptr<bench::samples<Net>> make_data() {
    return std::make_unique<bench::samples<Net>>(bench::make_samples<Net>(seed() + 1));
}

template <class Peer, class Net>
typename Peer::input_type to_eigen(const typename Net::input_type& x) {
    return Eigen::Map<const typename Peer::input_type>(x.data());
}
template <class Peer, class Net>
typename Peer::output_type to_eigen(const typename Net::output_type& d) {
    return Eigen::Map<const typename Peer::output_type>(d.data());
}

double learning_rate() { return bench::opaque(0.01); }

template <class Net>
void set_counters(benchmark::State& state, double flops) {
    state.counters["params"] = double(Net::parameter_count);
    state.counters["FLOPS"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
}

template <class P>
double max_abs_difference(const P& a, const P& b) {
    double m = 0;
    for (std::size_t k = 0; k < a.size(); ++k) m = std::fmax(m, std::fabs(double(a[k]) - double(b[k])));
    return m;
}

// ---------------------------------------------------------------------------
// ctnn
// ---------------------------------------------------------------------------
template <class Net>
void ctnn_forward(benchmark::State& state) {
    const auto net = make_net<Net>();
    const auto data = make_data<Net>();
    std::size_t i = 0;
    typename Net::output_type y{};
    for (auto _ : state) {
        const auto& x = data->x[i++ % bench::sample_count];
        y = net->forward(x);
        bench::escape(y);
    }
    // The last output must be the forward pass of the last input.
    if (y != net->forward(data->x[(i + bench::sample_count - 1) % bench::sample_count]))
        state.SkipWithError("ctnn forward: the timed loop's result is not the forward pass");
    set_counters<Net>(state, bench::forward_flops<Net>());
}

// Loss finite and positive, parameters moved: the step did train.
template <class Net>
bool trained(const Net& before, const Net& after, double loss_sum) {
    return std::isfinite(loss_sum) && loss_sum > 0 && max_abs_difference(before.parameters, after.parameters) > 0;
}

template <class Net>
void ctnn_step(benchmark::State& state) {
    const auto net = make_net<Net>();
    const auto before = std::make_unique<Net>(*net);
    const auto data = make_data<Net>();
    ctnn::sgd optimiser{learning_rate()};
    std::size_t i = 0;
    double loss_sum = 0;
    for (auto _ : state) {
        const std::size_t k = i++ % bench::sample_count;
        auto loss = ctnn::train_step(*net, ctnn::mse{}, optimiser, data->x[k], data->d[k]);
        bench::escape(loss);
        loss_sum += double(loss);
    }
    if (!trained(*before, *net, loss_sum)) state.SkipWithError("ctnn step: did not train");
    set_counters<Net>(state, bench::backprop_step_flops<Net>());
}

// The same step with another optimiser (every one is fused into the backward
// pass: ctnn::fused_optimiser), for bench_report's `optimiser` lines.
// (Three of ctnn's five: momentum and Nesterov cost the same, as do AdaGrad
// and RMSProp; each optimiser adds 12 instantiations to this file's build.)
template <class Net>
auto make_optimiser(std::integral_constant<int, 0>) {
    return ctnn::momentum_sgd_for<Net>{.learning_rate = learning_rate()};
}
template <class Net>
auto make_optimiser(std::integral_constant<int, 1>) {
    return ctnn::rmsprop_for<Net>{.learning_rate = learning_rate() / 10};
}
template <class Net>
auto make_optimiser(std::integral_constant<int, 2>) {
    return ctnn::adam_for<Net>{.learning_rate = learning_rate() / 10};
}
constexpr const char* optimiser_names[] = {"momentum", "rmsprop", "adam"};
constexpr int optimiser_count = 3;

template <class Net, int Which>
void ctnn_optimiser_step(benchmark::State& state) {
    const auto net = make_net<Net>();
    const auto before = std::make_unique<Net>(*net);
    const auto data = make_data<Net>();
    using optimiser_type = decltype(make_optimiser<Net>(std::integral_constant<int, Which>{}));
    const auto optimiser = std::make_unique<optimiser_type>(make_optimiser<Net>(std::integral_constant<int, Which>{}));
    std::size_t i = 0;
    double loss_sum = 0;
    for (auto _ : state) {
        const std::size_t k = i++ % bench::sample_count;
        auto loss = ctnn::train_step(*net, ctnn::mse{}, *optimiser, data->x[k], data->d[k]);
        bench::escape(loss);
        loss_sum += double(loss);
    }
    if (!trained(*before, *net, loss_sum)) state.SkipWithError("ctnn optimiser step: did not train");
    set_counters<Net>(state, bench::backprop_step_flops<Net>());
}

template <class Net>
void ctnn_numerical(benchmark::State& state) {
    using T = typename Net::scalar;
    const auto net = make_net<Net>();
    const auto before = std::make_unique<Net>(*net);
    const auto data = make_data<Net>();
    ctnn::sgd optimiser{learning_rate()};
    const T h = bench::opaque(std::is_same_v<T, float> ? T(1e-2) : T(1e-5));
    std::size_t i = 0;
    double loss_sum = 0;
    for (auto _ : state) {
        const std::size_t k = i++ % bench::sample_count;
        auto loss = ctnn::train_step_numerical(*net, ctnn::mse{}, optimiser, data->x[k], data->d[k], h);
        bench::escape(loss);
        loss_sum += double(loss);
    }
    if (!trained(*before, *net, loss_sum)) state.SkipWithError("ctnn numerical step: did not train");
    set_counters<Net>(state, bench::numerical_step_flops<Net>());
}

// ---------------------------------------------------------------------------
// Eigen, by hand
// ---------------------------------------------------------------------------
template <class Net, class Peer>
void eigen_forward(benchmark::State& state) {
    const auto peer = std::make_unique<Peer>();
    peer->load(*make_net<Net>());
    const auto data = make_data<Net>();
    std::array<typename Peer::input_type, bench::sample_count> xs;
    for (std::size_t k = 0; k < bench::sample_count; ++k) xs[k] = to_eigen<Peer, Net>(data->x[k]);
    std::size_t i = 0;
    typename Peer::output_type y;
    for (auto _ : state) {
        const auto& x = xs[i++ % bench::sample_count];
        y = peer->forward(x);
        bench::escape(y);
    }
    if (y != peer->forward(xs[(i + bench::sample_count - 1) % bench::sample_count]))
        state.SkipWithError("eigen forward: the timed loop's result is not the forward pass");
    set_counters<Net>(state, bench::forward_flops<Net>());
}

template <class Net, class Peer>
void eigen_step(benchmark::State& state) {
    using T = typename Net::scalar;
    const auto before = make_net<Net>();
    const auto peer = std::make_unique<Peer>();
    peer->load(*before);
    const auto data = make_data<Net>();
    std::array<typename Peer::input_type, bench::sample_count> xs;
    std::array<typename Peer::output_type, bench::sample_count> ds;
    for (std::size_t k = 0; k < bench::sample_count; ++k) {
        xs[k] = to_eigen<Peer, Net>(data->x[k]);
        ds[k] = to_eigen<Peer, Net>(data->d[k]);
    }
    const T lr = static_cast<T>(learning_rate());
    std::size_t i = 0;
    double loss_sum = 0;
    for (auto _ : state) {
        const std::size_t k = i++ % bench::sample_count;
        auto loss = peer->train_step(xs[k], ds[k], lr);
        bench::escape(loss);
        loss_sum += double(loss);
    }
    const auto after = std::make_unique<Net>();
    peer->store(*after);
    if (!trained(*before, *after, loss_sum)) state.SkipWithError("eigen step: did not train");
    set_counters<Net>(state, bench::backprop_step_flops<Net>());
}

// ---------------------------------------------------------------------------
// Batches of 32 (ctnn::train_batch: the mean gradient of 32 samples, one
// update). Time is per batch; bench_report divides by 32.
// ---------------------------------------------------------------------------
constexpr std::size_t batch_size = 32;

template <class Net>
struct batch_data {
    std::array<typename Net::input_type, batch_size> x[2];
    std::array<typename Net::output_type, batch_size> d[2];
};

template <class Net>
std::unique_ptr<batch_data<Net>> make_batches() {
    const auto data = make_data<Net>();
    auto b = std::make_unique<batch_data<Net>>();
    for (std::size_t k = 0; k < 2 * batch_size; ++k) {
        b->x[k / batch_size][k % batch_size] = data->x[k];
        b->d[k / batch_size][k % batch_size] = data->d[k];
    }
    return b;
}

template <class Net>
void ctnn_batch_step(benchmark::State& state) {
    const auto net = make_net<Net>();
    const auto before = std::make_unique<Net>(*net);
    const auto batches = make_batches<Net>();
    ctnn::sgd optimiser{learning_rate()};
    std::size_t i = 0;
    double loss_sum = 0;
    for (auto _ : state) {
        const std::size_t k = i++ % 2;
        auto loss = ctnn::train_batch(*net, ctnn::mse{}, optimiser, batches->x[k], batches->d[k]);
        bench::escape(loss);
        loss_sum += double(loss);
    }
    if (!trained(*before, *net, loss_sum)) state.SkipWithError("ctnn batch step: did not train");
    set_counters<Net>(state, double(batch_size) * (bench::backprop_step_flops<Net>() -
                                                   2.0 * double(Net::parameter_count)) +
                                 2.0 * double(Net::parameter_count));
    state.counters["batch"] = double(batch_size);
}

template <class Net, class Peer>
void eigen_batch_step(benchmark::State& state) {
    using T = typename Net::scalar;
    constexpr int B = int(batch_size);
    const auto before = make_net<Net>();
    const auto peer = std::make_unique<Peer>();
    peer->load(*before);
    const auto batches = make_batches<Net>();
    auto xs = std::make_unique<std::array<Eigen::Matrix<T, Peer::inputs, B>, 2>>();
    auto ds = std::make_unique<std::array<Eigen::Matrix<T, Peer::outputs, B>, 2>>();
    for (std::size_t k = 0; k < 2; ++k)
        for (int b = 0; b < B; ++b) {
            (*xs)[k].col(b) = to_eigen<Peer, Net>(batches->x[k][std::size_t(b)]);
            (*ds)[k].col(b) = to_eigen<Peer, Net>(batches->d[k][std::size_t(b)]);
        }
    const T lr = static_cast<T>(learning_rate());
    std::size_t i = 0;
    double loss_sum = 0;
    for (auto _ : state) {
        const std::size_t k = i++ % 2;
        auto loss = peer->template train_batch<B>((*xs)[k], (*ds)[k], lr);
        bench::escape(loss);
        loss_sum += double(loss);
    }
    const auto after = std::make_unique<Net>();
    peer->store(*after);
    if (!trained(*before, *after, loss_sum)) state.SkipWithError("eigen batch step: did not train");
    set_counters<Net>(state, double(batch_size) * (bench::backprop_step_flops<Net>() -
                                                   2.0 * double(Net::parameter_count)) +
                                 2.0 * double(Net::parameter_count));
    state.counters["batch"] = double(batch_size);
}

// ---------------------------------------------------------------------------
// Before anything is timed: ctnn and the Eigen peer compute the same thing.
// ---------------------------------------------------------------------------
template <class Case, class T>
bool validate() {
    using Net = typename Case::template ctnn_type<T>;
    using Peer = typename Case::template eigen_type<T>;
    const auto net = make_net<Net>();
    const auto peer = std::make_unique<Peer>();
    peer->load(*net);
    const auto data = make_data<Net>();
    const double tolerance = std::is_same_v<T, float> ? 1e-4 : 1e-11;

    const auto y = net->forward(data->x[0]);
    const typename Peer::output_type ey = peer->forward(to_eigen<Peer, Net>(data->x[0]));
    typename Net::output_type ey_array{};
    Eigen::Map<typename Peer::output_type>(ey_array.data()) = ey;
    const double forward_error = max_abs_difference(y, ey_array);

    ctnn::sgd optimiser{learning_rate()};
    const T loss = ctnn::train_step(*net, ctnn::mse{}, optimiser, data->x[0], data->d[0]);
    const T eigen_loss = peer->train_step(to_eigen<Peer, Net>(data->x[0]), to_eigen<Peer, Net>(data->d[0]),
                                          static_cast<T>(learning_rate()));
    const auto after = std::make_unique<Net>();
    peer->store(*after);
    const double step_error = max_abs_difference(net->parameters, after->parameters);
    const double loss_error = std::fabs(double(loss) - double(eigen_loss)) / std::fmax(1e-30, std::fabs(double(loss)));

    // A batch step: ctnn::train_batch against the peer's.
    const auto batches = make_batches<Net>();
    constexpr int B = int(batch_size);
    auto bx = std::make_unique<Eigen::Matrix<T, Peer::inputs, B>>();
    auto bd = std::make_unique<Eigen::Matrix<T, Peer::outputs, B>>();
    for (int b = 0; b < B; ++b) {
        bx->col(b) = to_eigen<Peer, Net>(batches->x[0][std::size_t(b)]);
        bd->col(b) = to_eigen<Peer, Net>(batches->d[0][std::size_t(b)]);
    }
    const T batch_loss = ctnn::train_batch(*net, ctnn::mse{}, optimiser, batches->x[0], batches->d[0]);
    const T eigen_batch_loss = peer->template train_batch<B>(*bx, *bd, static_cast<T>(learning_rate()));
    peer->store(*after);
    const double batch_error = max_abs_difference(net->parameters, after->parameters);
    const double batch_loss_error =
        std::fabs(double(batch_loss) - double(eigen_batch_loss)) / std::fmax(1e-30, std::fabs(double(batch_loss)));

    const bool ok = forward_error <= tolerance && step_error <= tolerance && loss_error <= tolerance &&
                    batch_error <= tolerance && batch_loss_error <= tolerance;
    if (!ok)
        std::fprintf(stderr,
                     "validation failed for %s/%s: |forward ctnn - eigen| = %g, |step ctnn - eigen| = %g, "
                     "relative loss difference %g; batch step %g, batch loss %g (tolerance %g)\n",
                     Case::name, scalar_name<T>, forward_error, step_error, loss_error, batch_error,
                     batch_loss_error, tolerance);
    return ok;
}

template <class Case, class T>
void register_case() {
    using Net = typename Case::template ctnn_type<T>;
    using Peer = typename Case::template eigen_type<T>;
    const std::string suffix = std::string("/") + Case::name + "/" + scalar_name<T>;
    benchmark::RegisterBenchmark(("ctnn_forward" + suffix).c_str(), ctnn_forward<Net>);
    benchmark::RegisterBenchmark(("ctnn_step" + suffix).c_str(), ctnn_step<Net>);
    if constexpr (Net::parameter_count <= numerical_max_parameters) {
        auto* b = benchmark::RegisterBenchmark(("ctnn_numerical" + suffix).c_str(), ctnn_numerical<Net>);
        if constexpr (numerical_iterations<Net>() > 0) b->Iterations(numerical_iterations<Net>());
    }
    benchmark::RegisterBenchmark(("eigen_forward" + suffix).c_str(), eigen_forward<Net, Peer>);
    benchmark::RegisterBenchmark(("eigen_step" + suffix).c_str(), eigen_step<Net, Peer>);
    benchmark::RegisterBenchmark(("ctnn_batch32" + suffix).c_str(), ctnn_batch_step<Net>);
    [&]<int... W>(std::integer_sequence<int, W...>) {
        (benchmark::RegisterBenchmark((std::string("ctnn_opt_") + optimiser_names[W] + suffix).c_str(),
                                      ctnn_optimiser_step<Net, W>),
         ...);
    }(std::make_integer_sequence<int, optimiser_count>{});
    benchmark::RegisterBenchmark(("eigen_batch32" + suffix).c_str(), eigen_batch_step<Net, Peer>);
}

template <class... Cases>
struct case_list {
    // Every case is checked (and reported) even after one fails.
    static bool validate_all() {
        bool ok = true;
        ((ok = validate<Cases, float>() && ok, ok = validate<Cases, double>() && ok), ...);
        return ok;
    }
    static void register_all() {
        (register_case<Cases, float>(), ...);
        (register_case<Cases, double>(), ...);
    }
};

using all_cases = case_list<note_2_10_1, small_8_32_4, medium_32_96_8, deep_16_64_64_64_8, mnist_784_50_10,
                            wide_64_256_256_10>;

} // namespace

#ifndef CTNN_BENCH_COMPILER
#define CTNN_BENCH_COMPILER "unknown"
#endif
#ifndef CTNN_BENCH_FLAGS
#define CTNN_BENCH_FLAGS "unknown"
#endif

int main(int argc, char** argv) {
    if (!all_cases::validate_all()) return 1;
    all_cases::register_all();
    benchmark::AddCustomContext("ctnn_compiler", CTNN_BENCH_COMPILER);
    benchmark::AddCustomContext("ctnn_flags", CTNN_BENCH_FLAGS);
    benchmark::AddCustomContext("eigen_version", std::to_string(EIGEN_WORLD_VERSION) + "." +
                                                     std::to_string(EIGEN_MAJOR_VERSION) + "." +
                                                     std::to_string(EIGEN_MINOR_VERSION));
    benchmark::AddCustomContext("eigen_simd", Eigen::SimdInstructionSetsInUse());
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
