// ctnn/optimizer.hpp - parameter updates from a gradient.
#pragma once

#include <array>
#include <cstddef>

namespace ctnn {

// Plain stochastic gradient descent: w ← w − learning_rate · g.
struct sgd {
    double learning_rate = 0.01;

    template <class T, std::size_t P>
    constexpr void update(std::array<T, P>& parameters, const std::array<T, P>& gradient) const noexcept {
        const T lr = static_cast<T>(learning_rate);
        T* w = parameters.data();
        const T* g = gradient.data();
        for (std::size_t k = 0; k < P; ++k) w[k] -= lr * g[k];
    }
};

} // namespace ctnn
