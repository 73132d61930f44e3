// ctnn/core/initialise.hpp - filling a network's parameters.
#pragma once

#include <ctnn/core/math.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/core/random.hpp>

#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn {

namespace init {

// Every parameter (weights and biases) from N(mean, stddev²): the study
// note's np.random.randn is normal{} (mean 0, stddev 1).
struct normal {
    double mean = 0.0;
    double stddev = 1.0;
    template <class T>
    constexpr T weight(splitmix64& gen, std::size_t, std::size_t) const noexcept {
        return gen.normal<T>(static_cast<T>(mean), static_cast<T>(stddev));
    }
    template <class T>
    constexpr T bias(splitmix64& gen, std::size_t fan_in, std::size_t fan_out) const noexcept {
        return weight<T>(gen, fan_in, fan_out);
    }
};

// Every parameter uniform in [low, high).
struct uniform {
    double low = -1.0;
    double high = 1.0;
    template <class T>
    constexpr T weight(splitmix64& gen, std::size_t, std::size_t) const noexcept {
        return gen.uniform<T>(static_cast<T>(low), static_cast<T>(high));
    }
    template <class T>
    constexpr T bias(splitmix64& gen, std::size_t fan_in, std::size_t fan_out) const noexcept {
        return weight<T>(gen, fan_in, fan_out);
    }
};

// The fan-based initialisers below draw weights from a distribution scaled by
// the layer's fan_in (inputs) and fan_out (outputs) and set biases to 0 (the
// Keras convention; PyTorch's Linear draws its biases instead).

struct zero_bias {
    template <class T>
    constexpr T bias(splitmix64&, std::size_t, std::size_t) const noexcept { return T(0); }
};

// He / Kaiming (He et al. 2015), for ReLU-like layers: std = √(2 / fan_in).
struct he_normal : zero_bias {
    template <class T>
    constexpr T weight(splitmix64& gen, std::size_t fan_in, std::size_t) const noexcept {
        return gen.normal<T>(T(0), math::sqrt(T(2) / static_cast<T>(fan_in)));
    }
};

// He uniform: U(−a, a), a = √(6 / fan_in) (the same variance as he_normal).
struct he_uniform : zero_bias {
    template <class T>
    constexpr T weight(splitmix64& gen, std::size_t fan_in, std::size_t) const noexcept {
        const T a = math::sqrt(T(6) / static_cast<T>(fan_in));
        return gen.uniform<T>(-a, a);
    }
};

// Xavier / Glorot (Glorot & Bengio 2010), for tanh and sigmoid layers:
// std = √(2 / (fan_in + fan_out)).
struct xavier_normal : zero_bias {
    template <class T>
    constexpr T weight(splitmix64& gen, std::size_t fan_in, std::size_t fan_out) const noexcept {
        return gen.normal<T>(T(0), math::sqrt(T(2) / static_cast<T>(fan_in + fan_out)));
    }
};

// Xavier uniform: U(−a, a), a = √(6 / (fan_in + fan_out)).
struct xavier_uniform : zero_bias {
    template <class T>
    constexpr T weight(splitmix64& gen, std::size_t fan_in, std::size_t fan_out) const noexcept {
        const T a = math::sqrt(T(6) / static_cast<T>(fan_in + fan_out));
        return gen.uniform<T>(-a, a);
    }
};

// Every weight `weight`, every bias `bias` (draws nothing).
struct constant {
    double weight_value = 0.0;
    double bias_value = 0.0;
    template <class T>
    constexpr T weight(splitmix64&, std::size_t, std::size_t) const noexcept { return static_cast<T>(weight_value); }
    template <class T>
    constexpr T bias(splitmix64&, std::size_t, std::size_t) const noexcept { return static_cast<T>(bias_value); }
};

// Every parameter 0.
struct zeros : constant {};

} // namespace init

// Draws every parameter, layer by layer; within a layer its weights in
// storage order (a dense layer's row-major [inputs][outputs]), then its
// biases, with the layer's fan_in and fan_out (ctnn::layer_traits). A layer
// with initial_parameters (batch_norm) gets those and draws nothing.
template <class Net, class Initialiser>
constexpr void initialise(Net& net, const Initialiser& initialiser, splitmix64& gen) noexcept {
    static_assert(is_network_v<Net>, "ctnn::initialise: the first argument must be a ctnn::network");
    using T = typename Net::scalar;
    static_assert(detail::check_initialiser<Initialiser, T>::value);
    boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<Net::layer_count>),
                          [&](auto i) {
                              constexpr std::size_t l = decltype(i)::value;
                              using L = typename Net::template layer_type<l>;
                              using traits = layer_traits<L>;
                              T* p = net.parameters.data() + Net::parameter_offsets[l];
                              if constexpr (traits::has_initial_parameters) { // batch_norm: no draws
                                  for (std::size_t k = 0; k < L::parameter_count; ++k) p[k] = L::initial_parameters[k];
                                  return;
                              }
                              for (std::size_t k = 0; k < L::parameter_count; ++k)
                                  p[k] = k < traits::weight_count
                                             ? initialiser.template weight<T>(gen, traits::fan_in, traits::fan_out)
                                             : initialiser.template bias<T>(gen, traits::fan_in, traits::fan_out);
                          });
}

// A network initialised from a seed.
template <class Net, class Initialiser = init::normal>
constexpr Net make_network(std::uint64_t seed, const Initialiser& initialiser = {}) noexcept {
    Net net{};
    splitmix64 gen{seed};
    initialise(net, initialiser, gen);
    return net;
}

} // namespace ctnn
