// bench/narrow_flags.cpp - issue 19 item 4: the same narrow networks built
// with different flags (clang++-19 -O2 / -O3, with and without
// -march=native). Built by hand, one binary per flag set (see bench/analysis.md):
//   clang++-19 -std=c++20 -ffp-contract=off -DNDEBUG <flags> -Iinclude \
//       bench/narrow_flags.cpp -lbenchmark -o narrow_<tag>
// and the binaries run alternately, so that the load of the shared machine
// falls on each the same way.
#include "bench_support.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <string>

namespace {
using ctnn::dense;
using ctnn::relu;

template <class T> using n2_10_1 = ctnn::network<T, dense<2, 10>, relu, dense<10, 1>>;
template <class T> using n8_32_4 = ctnn::network<T, dense<8, 32>, relu, dense<32, 4>>;
template <class T> using n30_16_1 = ctnn::network<T, dense<30, 16>, relu, dense<16, 1>>;

std::uint64_t seed() { return bench::opaque<std::uint64_t>(20240613); }

template <class Net>
void forward(benchmark::State& state) {
    auto net = std::make_unique<Net>();
    ctnn::splitmix64 gen{seed()};
    ctnn::initialise(*net, bench::scaled_uniform{}, gen);
    const auto data = std::make_unique<bench::samples<Net>>(bench::make_samples<Net>(seed() + 1));
    std::size_t i = 0;
    typename Net::output_type y{};
    for (auto _ : state) {
        y = net->forward(data->x[i++ % bench::sample_count]);
        bench::escape(y);
    }
}

template <class Net>
void step(benchmark::State& state) {
    auto net = std::make_unique<Net>();
    ctnn::splitmix64 gen{seed()};
    ctnn::initialise(*net, bench::scaled_uniform{}, gen);
    const auto data = std::make_unique<bench::samples<Net>>(bench::make_samples<Net>(seed() + 1));
    ctnn::sgd optimiser{bench::opaque(0.01)};
    std::size_t i = 0;
    for (auto _ : state) {
        const std::size_t k = i++ % bench::sample_count;
        auto loss = ctnn::train_step(*net, ctnn::mse{}, optimiser, data->x[k], data->d[k]);
        bench::escape(loss);
    }
}

template <template <class> class N>
void reg(const char* name) {
    benchmark::RegisterBenchmark((std::string("forward/") + name + "/float").c_str(), forward<N<float>>);
    benchmark::RegisterBenchmark((std::string("step/") + name + "/float").c_str(), step<N<float>>);
    benchmark::RegisterBenchmark((std::string("forward/") + name + "/double").c_str(), forward<N<double>>);
    benchmark::RegisterBenchmark((std::string("step/") + name + "/double").c_str(), step<N<double>>);
}
} // namespace

int main(int argc, char** argv) {
    reg<n2_10_1>("2-10-1");
    reg<n8_32_4>("8-32-4");
    reg<n30_16_1>("30-16-1");
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
}
