// ctnn/train/optimiser.hpp - parameter updates from a gradient.
//
// An optimiser has a member `learning_rate` (a double, which a schedule may
// change between steps) and
//   update(std::array<T, P>& parameters, const std::array<T, P>& gradient)
// Every optimiser here is element-wise (ctnn::fused_optimiser): begin_step<T>()
// advances its step count and returns the update of one parameter, which
// update() applies to each, and which ctnn::train_step applies inside the
// backward pass as each gradient is delivered (one pass over the weights, the
// same bits). Stateless ones (sgd) are plain structs; stateful ones
// (momentum_sgd, rmsprop, adagrad, adam) are aggregates whose state is
// std::arrays sized for one network's parameters, kept beside the network:
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
    static constexpr bool value = std::is_same_v<T, typename Optimiser::scalar> && P == Optimiser::parameter_count;
};

// Whether a stateful optimiser's state fits P parameters of type T (if not,
// check_optimiser_state has said so).
template <class Optimiser, class T, std::size_t P>
constexpr bool state_fits() noexcept {
    if constexpr (requires { Optimiser::parameter_count; }) return check_optimiser_state<T, P, Optimiser>::value;
    else return true;
}

// update(parameters, gradient) of an element-wise optimiser: one step, every
// parameter. A stateful optimiser's state must fit the parameters.
template <class Optimiser, class T, std::size_t P>
constexpr void update_each(Optimiser& optimiser, std::array<T, P>& parameters,
                           const std::array<T, P>& gradient) noexcept {
    if constexpr (state_fits<Optimiser, T, P>()) {
        const auto step = optimiser.template begin_step<T>();
        T* w = parameters.data();
        const T* g = gradient.data();
        for (std::size_t k = 0; k < P; ++k) step(w[k], g[k], k);
    }
}

} // namespace detail

// Plain stochastic gradient descent: w ← w − learning_rate · (g + weight_decay·w).
struct sgd {
    double learning_rate = 0.01;
    double weight_decay = 0.0;

    template <class T>
    struct step_type {
        T lr, wd;
        bool decay;
        constexpr void operator()(T& w, T g, std::size_t) const noexcept {
            if (decay) w -= lr * (g + wd * w);
            else w -= lr * g;
        }
    };
    template <class T>
    constexpr step_type<T> begin_step() const noexcept {
        return {static_cast<T>(learning_rate), static_cast<T>(weight_decay), weight_decay != 0.0};
    }
    template <class T, std::size_t P>
    constexpr void update(std::array<T, P>& parameters, const std::array<T, P>& gradient) const noexcept {
        sgd copy = *this;
        detail::update_each(copy, parameters, gradient);
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

    template <class U>
    struct step_type {
        U lr, mu, wd;
        bool nesterov;
        U* v;
        constexpr void operator()(U& w, U g0, std::size_t k) const noexcept {
            const U g = g0 + wd * w;
            v[k] = mu * v[k] + g;
            w -= lr * (nesterov ? g + mu * v[k] : v[k]);
        }
    };
    template <class U>
    constexpr step_type<U> begin_step() noexcept {
        return {static_cast<U>(learning_rate), static_cast<U>(momentum), static_cast<U>(weight_decay), nesterov,
                velocity.data()};
    }
    template <class U, std::size_t Q>
    constexpr void update(std::array<U, Q>& parameters, const std::array<U, Q>& gradient) noexcept {
        detail::update_each(*this, parameters, gradient);
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

    template <class U>
    struct step_type {
        U lr, eps, wd;
        U* s;
        constexpr void operator()(U& w, U g0, std::size_t k) const noexcept {
            const U g = g0 + wd * w;
            s[k] += g * g;
            w -= lr * g / (math::sqrt(s[k]) + eps);
        }
    };
    template <class U>
    constexpr step_type<U> begin_step() noexcept {
        return {static_cast<U>(learning_rate), static_cast<U>(epsilon), static_cast<U>(weight_decay),
                sum_of_squares.data()};
    }
    template <class U, std::size_t Q>
    constexpr void update(std::array<U, Q>& parameters, const std::array<U, Q>& gradient) noexcept {
        detail::update_each(*this, parameters, gradient);
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

    template <class U>
    struct step_type {
        U lr, a, eps, wd;
        U* s;
        constexpr void operator()(U& w, U g0, std::size_t k) const noexcept {
            const U g = g0 + wd * w;
            s[k] = a * s[k] + (U(1) - a) * g * g;
            w -= lr * g / (math::sqrt(s[k]) + eps);
        }
    };
    template <class U>
    constexpr step_type<U> begin_step() noexcept {
        return {static_cast<U>(learning_rate), static_cast<U>(alpha), static_cast<U>(epsilon),
                static_cast<U>(weight_decay), mean_square.data()};
    }
    template <class U, std::size_t Q>
    constexpr void update(std::array<U, Q>& parameters, const std::array<U, Q>& gradient) noexcept {
        detail::update_each(*this, parameters, gradient);
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

    template <class U>
    struct step_type {
        U b1, b2, lr, eps, wd, correction1, correction2;
        U* m;
        U* v;
        constexpr void operator()(U& w, U g0, std::size_t k) const noexcept {
            const U g = g0 + wd * w;
            m[k] = b1 * m[k] + (U(1) - b1) * g;
            v[k] = b2 * v[k] + (U(1) - b2) * g * g;
            const U m_hat = m[k] / correction1;
            const U v_hat = v[k] / correction2;
            w -= lr * m_hat / (math::sqrt(v_hat) + eps);
        }
    };
    template <class U>
    constexpr step_type<U> begin_step() noexcept {
        const U b1 = static_cast<U>(beta1);
        const U b2 = static_cast<U>(beta2);
        ++steps;
        beta1_power *= b1;
        beta2_power *= b2;
        return {b1, b2, static_cast<U>(learning_rate), static_cast<U>(epsilon), static_cast<U>(weight_decay),
                U(1) - beta1_power, U(1) - beta2_power, first_moment.data(), second_moment.data()};
    }
    template <class U, std::size_t Q>
    constexpr void update(std::array<U, Q>& parameters, const std::array<U, Q>& gradient) noexcept {
        detail::update_each(*this, parameters, gradient);
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
