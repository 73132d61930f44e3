// bench/peak.cpp - this CPU's multiply-add throughput for the build's flags.
//
// Twelve independent chains a = a·m + c per vector register, in GCC/Clang
// vector types of every width the build's instruction set has (16 bytes for
// SSE2, 32 with AVX, 64 with AVX-512). Compiled twice:
//   PEAK_KIND=fused     with -ffp-contract=fast: a·m + c becomes one FMA where
//                       the flags allow it (the machine's limit, which Eigen
//                       reaches with its FMA intrinsics);
//   PEAK_KIND=separate  with -ffp-contract=off, like ctnn: a multiply and an
//                       add (the limit for code that must round like constant
//                       evaluation does).
// A multiply-add counts as 2 FLOPs either way.
#include "bench_support.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <string>

#ifndef PEAK_KIND
#error "compile with -DPEAK_KIND=fused or -DPEAK_KIND=separate"
#endif
#define PEAK_STRINGIFY2(x) #x
#define PEAK_STRINGIFY(x) PEAK_STRINGIFY2(x)

namespace {

constexpr int rounds = 256;

// GCC does not take vector_size on a dependent type: one alias per pair.
template <class T, int Bytes> struct vector_of;
#define PEAK_VECTOR(T, BYTES)                                                                                 \
    template <> struct vector_of<T, BYTES> {                                                                 \
        typedef T type __attribute__((vector_size(BYTES)));                                                  \
    }
PEAK_VECTOR(float, 16);
PEAK_VECTOR(float, 32);
PEAK_VECTOR(float, 64);
PEAK_VECTOR(double, 16);
PEAK_VECTOR(double, 32);
PEAK_VECTOR(double, 64);
#undef PEAK_VECTOR

template <class T, int Bytes>
void peak(benchmark::State& state) {
    using V = typename vector_of<T, Bytes>::type;
    constexpr int lanes = Bytes / int(sizeof(T));
    const V m = V{} + bench::opaque(T(0.9999));
    const V c = V{} + bench::opaque(T(0.0001));
    const V start = V{} + bench::opaque(T(1));
    V a0 = start, a1 = start, a2 = start, a3 = start, a4 = start, a5 = start;
    V a6 = start, a7 = start, a8 = start, a9 = start, a10 = start, a11 = start;
    for (auto _ : state) {
        for (int r = 0; r < rounds; ++r) {
            a0 = a0 * m + c;
            a1 = a1 * m + c;
            a2 = a2 * m + c;
            a3 = a3 * m + c;
            a4 = a4 * m + c;
            a5 = a5 * m + c;
            a6 = a6 * m + c;
            a7 = a7 * m + c;
            a8 = a8 * m + c;
            a9 = a9 * m + c;
            a10 = a10 * m + c;
            a11 = a11 * m + c;
        }
    }
    V sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    bench::escape(sum);
    // a = a·m + c from 1 converges to c / (1 − m) = 1: anything else means the
    // loop was not what was measured.
    for (int k = 0; k < lanes; ++k)
        if (!(sum[k] > T(11.9) && sum[k] < T(12.1))) state.SkipWithError("peak kernel produced a wrong value");
    state.counters["FLOPS"] =
        benchmark::Counter(2.0 * 12.0 * lanes * rounds, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["vector_bits"] = Bytes * 8;
}

template <class T, int Bytes>
void register_peak(const char* scalar) {
    const std::string name =
        std::string("peak_") + PEAK_STRINGIFY(PEAK_KIND) + "/" + std::to_string(Bytes * 8) + "bit/" + scalar;
    benchmark::RegisterBenchmark(name.c_str(), peak<T, Bytes>);
}

template <class T>
void register_widths(const char* scalar) {
    register_peak<T, 16>(scalar);
#if defined(__AVX__)
    register_peak<T, 32>(scalar);
#endif
#if defined(__AVX512F__)
    register_peak<T, 64>(scalar);
#endif
}

const bool registered = [] {
    register_widths<float>("float");
    register_widths<double>("double");
    return true;
}();

} // namespace
