// bench/bench_support.hpp - keeping the optimiser honest, and the networks measured.
//
// Every benchmark here feeds inputs the compiler cannot see and consumes every
// result, so nothing is folded away at compile time or hoisted out of the
// timed loop:
//   * constants (seeds, learning rate, step h) pass through a `volatile`;
//   * objects are "escaped" with an empty asm that takes their address and
//     clobbers memory, so the compiler must assume they are read and written.
// Google Benchmark 1.7.1's DoNotOptimize is not used on scalars: with g++ 12 it
// was seen to lose values of 8 bytes or less (see docs/benchmarks.md).
#pragma once

#include <ctnn/ctnn.hpp>

#include <boost/hana/for_each.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace bench {

// The compiler must assume `object` is read and modified here.
template <class T>
inline void escape(T& object) noexcept {
    asm volatile("" : : "r"(&object) : "memory");
}

// A value the compiler cannot know at compile time.
template <class T>
inline T opaque(T value) noexcept {
    volatile T v = value;
    return v;
}

// Multiply-adds of a network's dense layers (sum of inputs·outputs), total and
// for the first layer (whose input gradient a training step does not compute).
template <class Net>
constexpr std::size_t multiply_adds() {
    std::size_t m = 0;
    boost::hana::for_each(Net::layers, [&](auto layer) {
        using L = decltype(layer);
        if constexpr (L::parameter_count > 0) m += L::inputs * L::outputs;
    });
    return m;
}

template <class Net>
constexpr std::size_t first_layer_multiply_adds() {
    using L = typename Net::template layer_type<0>;
    return L::parameter_count > 0 ? L::inputs * L::outputs : 0;
}

// Floating-point operations counted per sample (one multiply-add = 2 FLOPs;
// biases, activations and the loss are not counted):
//   forward                 2·M
//   backprop training step  2·M forward + 2·M weight gradient
//                           + 2·(M − M_first) input gradients + 2·P update
//   numerical step          2P forward passes (2·M each) + 2·P update
template <class Net>
constexpr double forward_flops() {
    return 2.0 * double(multiply_adds<Net>());
}
template <class Net>
constexpr double backprop_step_flops() {
    const double m = double(multiply_adds<Net>());
    return 2.0 * m + 2.0 * m + 2.0 * (m - double(first_layer_multiply_adds<Net>())) +
           2.0 * double(Net::parameter_count);
}
template <class Net>
constexpr double numerical_step_flops() {
    return 2.0 * double(Net::parameter_count) * forward_flops<Net>() + 2.0 * double(Net::parameter_count);
}

// Weights uniform in ±1/sqrt(fan_in), biases small: activations stay of order
// one at every depth, so no run wanders into infinities or subnormals.
struct scaled_uniform {
    template <class T>
    T weight(ctnn::splitmix64& gen, std::size_t fan_in, std::size_t) const noexcept {
        const T a = T(1) / std::sqrt(static_cast<T>(fan_in));
        return gen.uniform<T>(-a, a);
    }
    template <class T>
    T bias(ctnn::splitmix64& gen, std::size_t, std::size_t) const noexcept {
        return gen.uniform<T>(T(-0.1), T(0.1));
    }
};

// A small fixed data set: the timed loops cycle through it so that training
// on one sample never drives the loss (and the gradients) to zero.
inline constexpr std::size_t sample_count = 64;

template <class Net>
struct samples {
    std::array<typename Net::input_type, sample_count> x;
    std::array<typename Net::output_type, sample_count> d;
};

template <class Net>
samples<Net> make_samples(std::uint64_t seed) {
    using T = typename Net::scalar;
    samples<Net> s{};
    ctnn::splitmix64 gen{seed};
    for (auto& x : s.x)
        for (auto& v : x) v = gen.uniform<T>(T(0), T(1));
    for (auto& d : s.d)
        for (auto& v : d) v = gen.uniform<T>(T(-1), T(1));
    return s;
}

} // namespace bench
