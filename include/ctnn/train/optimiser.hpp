// ctnn/train/optimiser.hpp - parameter updates from a gradient.
//
// An optimiser has a member `learning_rate` (a double, which a schedule may
// change between steps) and
//   update(std::array<T, P>& parameters, const std::array<T, P>& gradient)
// Stateless ones (sgd) are plain structs; stateful ones (momentum_sgd, rmsprop,
// adagrad, adam) are aggregates whose state is std::arrays sized for one
// network's parameters, kept beside the network:
//
//   using net_t = ctnn::network<double, ctnn::dense<4, 16>, ctnn::relu, ctnn::dense<16, 3>>;
//   ctnn::adam_for<net_t> opt{.learning_rate = 0.01};
//   opt.update(net.parameters, gradient);
//
// Weight decay is the L2 kind (added to the gradient: g + λ·w), as PyTorch's
// `weight_decay` for these optimisers. The formulas follow torch.optim's
// documented algorithms (dampening 0, Adam without amsgrad), so a sequence of
// updates matches PyTorch's step by step.
#pragma once

#include <ctnn/core/math.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn {

namespace detail {

template <class T, std::size_t P, class Optimiser>
struct check_optimiser_state {
    static_assert(std::is_same_v<T, typename Optimiser::scalar>,
                  "ctnn: this optimiser's state has another scalar type than the parameters it updates "
                  "(use ctnn::adam_for<Network> and the like to size it for a network)");
    static_assert(P == Optimiser::parameter_count,
                  "ctnn: this optimiser's state is sized for another number of parameters than it is given "
                  "(use ctnn::adam_for<Network> and the like to size it for a network)");
    static constexpr bool value = true;
};

} // namespace detail

// Plain stochastic gradient descent: w ← w − learning_rate · (g + weight_decay·w).
struct sgd {
    double learning_rate = 0.01;
    double weight_decay = 0.0;

    template <class T, std::size_t P>
    constexpr void update(std::array<T, P>& parameters, const std::array<T, P>& gradient) const noexcept {
        const T lr = static_cast<T>(learning_rate);
        T* w = parameters.data();
        const T* g = gradient.data();
        if (weight_decay == 0.0) {
            for (std::size_t k = 0; k < P; ++k) w[k] -= lr * g[k];
        } else {
            const T wd = static_cast<T>(weight_decay);
            for (std::size_t k = 0; k < P; ++k) w[k] -= lr * (g[k] + wd * w[k]);
        }
    }
};

// SGD with momentum μ (torch.optim.SGD, dampening 0):
//   g ← g + λ·w;   v ← μ·v + g;   w ← w − lr·(nesterov ? g + μ·v : v)
// v starts at 0, so the first step is w − lr·g (− lr·(1 + μ)·g for Nesterov).
template <class T, std::size_t P>
struct momentum_sgd {
    using scalar = T;
    static constexpr std::size_t parameter_count = P;

    double learning_rate = 0.01;
    double momentum = 0.9;
    bool nesterov = false;
    double weight_decay = 0.0;
    std::array<T, P> velocity{};

    constexpr void update(std::array<T, P>& parameters, const std::array<T, P>& gradient) noexcept {
        const T lr = static_cast<T>(learning_rate);
        const T mu = static_cast<T>(momentum);
        const T wd = static_cast<T>(weight_decay);
        T* w = parameters.data();
        T* v = velocity.data();
        const T* gp = gradient.data();
        for (std::size_t k = 0; k < P; ++k) {
            const T g = gp[k] + wd * w[k];
            v[k] = mu * v[k] + g;
            w[k] -= lr * (nesterov ? g + mu * v[k] : v[k]);
        }
    }

    template <class U, std::size_t Q>
    constexpr void update(std::array<U, Q>&, const std::array<U, Q>&) noexcept
        requires(!std::is_same_v<U, T> || Q != P)
    {
        static_assert(detail::check_optimiser_state<U, Q, momentum_sgd>::value);
    }
};

// AdaGrad (torch.optim.Adagrad, no learning-rate decay):
//   g ← g + λ·w;   s ← s + g²;   w ← w − lr·g / (√s + ε)
template <class T, std::size_t P>
struct adagrad {
    using scalar = T;
    static constexpr std::size_t parameter_count = P;

    double learning_rate = 0.01;
    double epsilon = 1e-10;
    double weight_decay = 0.0;
    std::array<T, P> sum_of_squares{};

    constexpr void update(std::array<T, P>& parameters, const std::array<T, P>& gradient) noexcept {
        const T lr = static_cast<T>(learning_rate);
        const T eps = static_cast<T>(epsilon);
        const T wd = static_cast<T>(weight_decay);
        T* w = parameters.data();
        T* s = sum_of_squares.data();
        const T* gp = gradient.data();
        for (std::size_t k = 0; k < P; ++k) {
            const T g = gp[k] + wd * w[k];
            s[k] += g * g;
            w[k] -= lr * g / (math::sqrt(s[k]) + eps);
        }
    }

    template <class U, std::size_t Q>
    constexpr void update(std::array<U, Q>&, const std::array<U, Q>&) noexcept
        requires(!std::is_same_v<U, T> || Q != P)
    {
        static_assert(detail::check_optimiser_state<U, Q, adagrad>::value);
    }
};

// RMSProp (torch.optim.RMSprop, not centred, no momentum):
//   g ← g + λ·w;   s ← α·s + (1 − α)·g²;   w ← w − lr·g / (√s + ε)
template <class T, std::size_t P>
struct rmsprop {
    using scalar = T;
    static constexpr std::size_t parameter_count = P;

    double learning_rate = 0.01;
    double alpha = 0.99;
    double epsilon = 1e-8;
    double weight_decay = 0.0;
    std::array<T, P> mean_square{};

    constexpr void update(std::array<T, P>& parameters, const std::array<T, P>& gradient) noexcept {
        const T lr = static_cast<T>(learning_rate);
        const T a = static_cast<T>(alpha);
        const T eps = static_cast<T>(epsilon);
        const T wd = static_cast<T>(weight_decay);
        T* w = parameters.data();
        T* s = mean_square.data();
        const T* gp = gradient.data();
        for (std::size_t k = 0; k < P; ++k) {
            const T g = gp[k] + wd * w[k];
            s[k] = a * s[k] + (T(1) - a) * g * g;
            w[k] -= lr * g / (math::sqrt(s[k]) + eps);
        }
    }

    template <class U, std::size_t Q>
    constexpr void update(std::array<U, Q>&, const std::array<U, Q>&) noexcept
        requires(!std::is_same_v<U, T> || Q != P)
    {
        static_assert(detail::check_optimiser_state<U, Q, rmsprop>::value);
    }
};

// Adam with bias correction (Kingma & Ba 2015; torch.optim.Adam):
//   t ← t + 1;   g ← g + λ·w
//   m ← β₁·m + (1 − β₁)·g;        v ← β₂·v + (1 − β₂)·g²
//   m̂ = m / (1 − β₁ᵗ);            v̂ = v / (1 − β₂ᵗ)
//   w ← w − lr·m̂ / (√v̂ + ε)
// β₁ᵗ and β₂ᵗ are kept as running products (no pow in constant evaluation).
template <class T, std::size_t P>
struct adam {
    using scalar = T;
    static constexpr std::size_t parameter_count = P;

    double learning_rate = 0.001;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double weight_decay = 0.0;
    std::array<T, P> first_moment{};
    std::array<T, P> second_moment{};
    std::size_t steps = 0;
    T beta1_power = T(1); // β₁ᵗ
    T beta2_power = T(1); // β₂ᵗ

    constexpr void update(std::array<T, P>& parameters, const std::array<T, P>& gradient) noexcept {
        const T b1 = static_cast<T>(beta1);
        const T b2 = static_cast<T>(beta2);
        const T lr = static_cast<T>(learning_rate);
        const T eps = static_cast<T>(epsilon);
        const T wd = static_cast<T>(weight_decay);
        ++steps;
        beta1_power *= b1;
        beta2_power *= b2;
        const T correction1 = T(1) - beta1_power;
        const T correction2 = T(1) - beta2_power;
        T* w = parameters.data();
        T* m = first_moment.data();
        T* v = second_moment.data();
        const T* gp = gradient.data();
        for (std::size_t k = 0; k < P; ++k) {
            const T g = gp[k] + wd * w[k];
            m[k] = b1 * m[k] + (T(1) - b1) * g;
            v[k] = b2 * v[k] + (T(1) - b2) * g * g;
            const T m_hat = m[k] / correction1;
            const T v_hat = v[k] / correction2;
            w[k] -= lr * m_hat / (math::sqrt(v_hat) + eps);
        }
    }

    template <class U, std::size_t Q>
    constexpr void update(std::array<U, Q>&, const std::array<U, Q>&) noexcept
        requires(!std::is_same_v<U, T> || Q != P)
    {
        static_assert(detail::check_optimiser_state<U, Q, adam>::value);
    }
};

// The optimisers' state sized for a network: ctnn::adam_for<net_t> opt{.learning_rate = 0.01};
template <class Net>
using momentum_sgd_for = momentum_sgd<typename Net::scalar, Net::parameter_count>;
template <class Net>
using adagrad_for = adagrad<typename Net::scalar, Net::parameter_count>;
template <class Net>
using rmsprop_for = rmsprop<typename Net::scalar, Net::parameter_count>;
template <class Net>
using adam_for = adam<typename Net::scalar, Net::parameter_count>;

} // namespace ctnn
