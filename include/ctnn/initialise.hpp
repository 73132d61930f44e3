// ctnn/initialise.hpp - filling a network's parameters.
#pragma once

#include <ctnn/network.hpp>
#include <ctnn/random.hpp>

#include <boost/hana/for_each.hpp>

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

} // namespace init

// Draws every parameter, layer by layer; within a dense layer the weights in
// storage order (row-major [inputs][outputs]), then the biases. An initialiser
// provides weight<T>(gen, fan_in, fan_out) and bias<T>(gen, fan_in, fan_out).
template <class Net, class Initialiser>
constexpr void initialise(Net& net, const Initialiser& initialiser, splitmix64& gen) noexcept {
    static_assert(is_network_v<Net>, "ctnn::initialise: the first argument must be a ctnn::network");
    using T = typename Net::scalar;
    boost::hana::for_each(Net::layers, [&](auto layer) {
        using L = decltype(layer);
        if constexpr (L::parameter_count > 0) {
            for (std::size_t k = 0; k < L::weight_count; ++k)
                net.parameters[L::parameter_offset + k] = initialiser.template weight<T>(gen, L::inputs, L::outputs);
            for (std::size_t k = L::weight_count; k < L::parameter_count; ++k)
                net.parameters[L::parameter_offset + k] = initialiser.template bias<T>(gen, L::inputs, L::outputs);
        }
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
