// Checks of the layer contract (ctnn/concepts.hpp) that any layer's tests can
// run on a network holding it, in constant evaluation or at runtime:
//   delivers_each_gradient_once   backward hands every parameter's gradient to
//                                 the sink exactly once
//   reads_no_parameter_after_its_gradient
//                                 a sink that overwrites each parameter as its
//                                 gradient arrives changes neither dx nor any
//                                 gradient (what the fused step relies on)
//   fused_step_equals_backprop_then_update
//                                 train_step's fused SGD step gives the same
//                                 bits as backprop followed by sgd::update
// and deterministic inputs (uniform in [-1, 1) from a seed).
#pragma once

#include <ctnn/ctnn.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace layer_checks {

template <class T, std::size_t N>
constexpr std::array<T, N> uniform_values(std::uint64_t seed, T low = T(-1), T high = T(1)) {
    std::array<T, N> a{};
    ctnn::splitmix64 gen{seed};
    for (auto& v : a) v = gen.uniform<T>(low, high);
    return a;
}

// Counts deliveries per parameter.
template <std::size_t P>
struct counting_sink {
    std::array<int, P> count{};
    template <class T>
    constexpr void operator()(std::size_t k, T) noexcept {
        ++count[k];
    }
    template <class T>
    constexpr void row(std::size_t k, T, const T*, std::size_t n) noexcept {
        for (std::size_t j = 0; j < n; ++j) ++count[k + j];
    }
    template <class T>
    constexpr void row(std::size_t k, const T*, std::size_t n) noexcept {
        for (std::size_t j = 0; j < n; ++j) ++count[k + j];
    }
};

template <class Net>
constexpr bool delivers_each_gradient_once(const Net& net, const typename Net::input_type& x) {
    const auto trace = net.forward_trace(x);
    typename Net::output_type dy{};
    for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = typename Net::scalar(1) + typename Net::scalar(i % 3);
    counting_sink<Net::parameter_count> sink{};
    net.template backward_into<true>(trace, dy, sink);
    for (int c : sink.count)
        if (c != 1) return false;
    return true;
}

// Stores each delivered gradient and then overwrites the parameter (in the
// network's own array) with `poison`.
template <class T, std::size_t P>
struct poisoning_sink {
    T* parameters;
    std::array<T, P> gradient{};
    T poison;
    constexpr void operator()(std::size_t k, T g) noexcept {
        gradient[k] += g;
        parameters[k] = poison;
    }
    constexpr void row(std::size_t k, T a, const T* v, std::size_t n) noexcept {
        for (std::size_t j = 0; j < n; ++j) (*this)(k + j, a * v[j]);
    }
    constexpr void row(std::size_t k, const T* v, std::size_t n) noexcept {
        for (std::size_t j = 0; j < n; ++j) (*this)(k + j, v[j]);
    }
};

template <class Net>
constexpr bool reads_no_parameter_after_its_gradient(const Net& net, const typename Net::input_type& x) {
    using T = typename Net::scalar;
    const auto trace = net.forward_trace(x);
    typename Net::output_type dy{};
    for (std::size_t i = 0; i < dy.size(); ++i) dy[i] = T(0.5) - T(i % 4) * T(0.25);
    typename Net::gradient_type reference{};
    const auto dx_reference = net.backward(trace, dy, reference);
    Net poisoned = net;
    poisoning_sink<T, Net::parameter_count> sink{poisoned.parameters.data(), {}, T(1e6)};
    // backward_into reads `poisoned`'s parameters while the sink overwrites them.
    const auto dx = poisoned.template backward_into<true>(trace, dy, sink);
    return dx == dx_reference && sink.gradient == reference;
}

template <class Net, class Loss, class D>
constexpr bool fused_step_equals_backprop_then_update(const Net& net, const Loss& loss,
                                                      const typename Net::input_type& x, const D& d) {
    Net fused = net, separate = net;
    ctnn::sgd a{0.05}, b{0.05};
    const auto loss_fused = ctnn::train_step(fused, loss, a, x, d);
    const auto r = ctnn::backprop(separate, loss, x, d);
    b.update(separate.parameters, r.gradient);
    // Bits, not ==: −0.0 == +0.0 would hide a signed-zero difference.
    for (std::size_t k = 0; k < Net::parameter_count; ++k)
        if (std::bit_cast<std::uint64_t>(static_cast<double>(fused.parameters[k])) !=
            std::bit_cast<std::uint64_t>(static_cast<double>(separate.parameters[k])))
            return false;
    return std::bit_cast<std::uint64_t>(static_cast<double>(loss_fused)) ==
           std::bit_cast<std::uint64_t>(static_cast<double>(r.loss));
}

} // namespace layer_checks
