// ctnn/io/load.hpp - putting known weights into a network (a pre-trained
// network into firmware), every size checked at compile time.
//
//   constexpr std::array<double, 41> trained{...};          // from a file of yours
//   constexpr auto net = ctnn::load_parameters<net_t>(trained);
//
//   constexpr double w0[2][10] = ...;  // or per dense layer, in either layout:
//   ctnn::load_dense<0>(net, w0_as_std_array, b0);          // [inputs][outputs] (ctnn's, y = x·W + b)
//   ctnn::load_dense_transposed<0>(net, torch_weight, b0);  // [outputs][inputs] (PyTorch's nn.Linear.weight)
//
// The source scalar type may differ from the network's (weights exported as
// float into a double network, or the reverse): each value is converted with
// static_cast.
#pragma once

#include <ctnn/core/network.hpp>

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctnn {

namespace detail {

template <std::size_t NetworkParameters, std::size_t GivenValues>
struct check_parameter_count {
    static_assert(NetworkParameters == GivenValues,
                  "ctnn::load_parameters: the array must hold exactly the network's parameter_count values "
                  "(NetworkParameters): see GivenValues in this template's arguments");
    static constexpr bool value = true;
};

template <std::size_t LayerIndex, std::size_t LayerCount>
struct check_layer_index {
    static_assert(LayerIndex < LayerCount, "ctnn::load_dense<LayerIndex>: the network has no layer with this index");
    static constexpr bool value = true;
};

template <class Layer>
struct check_is_dense {
    static_assert(Layer::parameter_count > 0 &&
                      layer_traits<Layer>::weight_count == layer_traits<Layer>::fan_in * layer_traits<Layer>::fan_out &&
                      Layer::parameter_count == layer_traits<Layer>::weight_count + layer_traits<Layer>::fan_out,
                  "ctnn::load_dense<LayerIndex>: the layer at LayerIndex has no weights [fan_in][fan_out] and fan_out biases (is it an activation? "
                  "count every entry of the network's layer list after ctnn::input, from 0)");
    static constexpr bool value = true;
};

template <std::size_t LayerInputs, std::size_t LayerOutputs, std::size_t Rows, std::size_t Columns,
          std::size_t Biases>
struct check_dense_shape {
    static_assert(Rows == LayerInputs && Columns == LayerOutputs,
                  "ctnn::load_dense: the weights must be [LayerInputs][LayerOutputs] (for PyTorch's "
                  "[outputs][inputs] use ctnn::load_dense_transposed): see Rows and Columns");
    static_assert(Biases == LayerOutputs, "ctnn::load_dense: there must be one bias per output (LayerOutputs)");
    static constexpr bool value = true;
};

template <class U>
struct check_arithmetic {
    static_assert(std::is_arithmetic_v<U>, "ctnn::load: the values must be numbers");
    static constexpr bool value = true;
};

} // namespace detail

// Every parameter, in the network's own order (layer by layer; a dense layer's
// weights row-major [inputs][outputs], then its biases).
template <class Net, class U, std::size_t N>
constexpr void load_parameters(Net& net, const std::array<U, N>& values) noexcept {
    static_assert(is_network_v<Net>, "ctnn::load_parameters: the first argument must be a ctnn::network");
    static_assert(detail::check_parameter_count<Net::parameter_count, N>::value && detail::check_arithmetic<U>::value);
    using T = typename Net::scalar;
    for (std::size_t k = 0; k < N; ++k) net.parameters[k] = static_cast<T>(values[k]);
}

template <class Net, class U, std::size_t N>
constexpr Net load_parameters(const std::array<U, N>& values) noexcept {
    Net net{};
    load_parameters(net, values);
    return net;
}

namespace detail {

// Layer LayerIndex's weights, W[i][j] = weights[i][j] (or weights[j][i] when
// Transposed), and biases; each shape checked against the layer.
template <bool Transposed, std::size_t LayerIndex, class Net, class U, std::size_t Rows, std::size_t Columns, class V,
          std::size_t Biases>
constexpr void load_weights(Net& net, const std::array<std::array<U, Columns>, Rows>& weights,
                            const std::array<V, Biases>& biases) noexcept {
    static_assert(is_network_v<Net>, "ctnn::load_dense: the first argument must be a ctnn::network");
    static_assert(check_layer_index<LayerIndex, Net::layer_count>::value);
    using L = typename Net::template layer_type<LayerIndex < Net::layer_count ? LayerIndex : 0>;
    static_assert(check_is_dense<L>::value);
    constexpr std::size_t in = Transposed ? Columns : Rows;
    constexpr std::size_t out = Transposed ? Rows : Columns;
    static_assert(check_dense_shape<layer_traits<L>::fan_in, layer_traits<L>::fan_out, in, out, Biases>::value);
    using T = typename Net::scalar;
    T* w = net.parameters.data() + Net::parameter_offsets[LayerIndex];
    for (std::size_t i = 0; i < in; ++i)
        for (std::size_t j = 0; j < out; ++j)
            w[i * out + j] = static_cast<T>(Transposed ? weights[j][i] : weights[i][j]);
    for (std::size_t j = 0; j < Biases; ++j) w[in * out + j] = static_cast<T>(biases[j]);
}

} // namespace detail

// Layer LayerIndex (0-based in the layer list, ctnn::input not counted) from
// weights[inputs][outputs] and biases[outputs].
template <std::size_t LayerIndex, class Net, class U, std::size_t Rows, std::size_t Columns, class V,
          std::size_t Biases>
constexpr void load_dense(Net& net, const std::array<std::array<U, Columns>, Rows>& weights,
                          const std::array<V, Biases>& biases) noexcept {
    detail::load_weights<false, LayerIndex>(net, weights, biases);
}

// As load_dense, from PyTorch's layout: weights[outputs][inputs] (nn.Linear
// computes y = x·Wᵀ + b).
template <std::size_t LayerIndex, class Net, class U, std::size_t Rows, std::size_t Columns, class V,
          std::size_t Biases>
constexpr void load_dense_transposed(Net& net, const std::array<std::array<U, Columns>, Rows>& weights,
                                     const std::array<V, Biases>& biases) noexcept {
    detail::load_weights<true, LayerIndex>(net, weights, biases);
}

} // namespace ctnn
