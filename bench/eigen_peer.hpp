// bench/eigen_peer.hpp - the same networks written by hand with Eigen
// fixed-size matrices: ctnn's peer in the benchmarks.
//
// Written the way an Eigen user writes a small multilayer perceptron: each
// layer is W (Out×In, column-major) and b; forward z = W·a + b with ReLU
// between layers and identity at the output; an SGD step on one sample
// applies each layer's rank-one update W -= lr·δ·aᵀ straight after using W
// for the next δ (no gradient buffer). Column-major Out×In is byte for byte
// ctnn's row-major [In][Out], so a ctnn network's parameters load with a Map.
#pragma once

// Fixed-size matrices of the larger networks exceed Eigen's default 128 KiB
// stack-allocation guard; these live on the heap (see bench.cpp).
#ifndef EIGEN_STACK_ALLOCATION_LIMIT
#define EIGEN_STACK_ALLOCATION_LIMIT 0
#endif
#include <Eigen/Core>

#include <array>
#include <cstddef>
#include <tuple>
#include <utility>

namespace bench {

template <class T, int In, int Out>
struct eigen_dense {
    Eigen::Matrix<T, Out, In> w;
    Eigen::Matrix<T, Out, 1> b;
};

template <class T, int... Widths>
class eigen_mlp {
    static constexpr std::array<int, sizeof...(Widths)> widths{Widths...};

public:
    static constexpr std::size_t depth = sizeof...(Widths) - 1;
    static constexpr int inputs = widths[0];
    static constexpr int outputs = widths[depth];
    using input_type = Eigen::Matrix<T, inputs, 1>;
    using output_type = Eigen::Matrix<T, outputs, 1>;

private:
    template <std::size_t... K>
    static auto layer_tuple(std::index_sequence<K...>) -> std::tuple<eigen_dense<T, widths[K], widths[K + 1]>...>;
    template <std::size_t... K>
    static auto activation_tuple(std::index_sequence<K...>) -> std::tuple<Eigen::Matrix<T, widths[K], 1>...>;
    using activations_type = decltype(activation_tuple(std::make_index_sequence<depth + 1>{}));

public:
    decltype(layer_tuple(std::make_index_sequence<depth>{})) layers;

    // Copies a ctnn network's parameters (same layer list, same widths).
    template <class Net>
    void load(const Net& net) {
        load_from<0>(net.parameters.data());
    }

    // Copies the parameters back into ctnn's layout (for checks).
    template <class Net>
    void store(Net& net) const {
        store_to<0>(net.parameters.data());
    }

    output_type forward(const input_type& x) const { return forward_from<0>(x); }

    // One SGD step on one sample under ½·mean squared error; returns the loss
    // before the update.
    T train_step(const input_type& x, const output_type& d, T learning_rate) {
        activations_type a;
        std::get<0>(a) = x;
        trace_from<0>(a);
        const output_type& y = std::get<depth>(a);
        const output_type error = y - d;
        const T loss = error.squaredNorm() / T(2 * outputs);
        const output_type delta = outputs == 1 ? error : (error / T(outputs)).eval();
        update_from<depth - 1>(a, delta, learning_rate);
        return loss;
    }

    // Batch of B samples as the columns of X and D: one SGD step on the mean
    // loss (the mean gradient, as ctnn::train_batch takes). Returns the mean
    // loss before the update.
    template <int B>
    T train_batch(const Eigen::Matrix<T, inputs, B>& x, const Eigen::Matrix<T, outputs, B>& d, T learning_rate) {
        batch_activations<B> a;
        std::get<0>(a) = x;
        batch_trace_from<0, B>(a);
        const Eigen::Matrix<T, outputs, B> error = std::get<depth>(a) - d;
        const T loss = error.squaredNorm() / T(2 * outputs * B);
        const Eigen::Matrix<T, outputs, B> delta = outputs == 1 ? error : (error / T(outputs)).eval();
        batch_update_from<depth - 1, B>(a, delta, learning_rate / T(B));
        return loss;
    }

    template <int B>
    Eigen::Matrix<T, outputs, B> forward_batch(const Eigen::Matrix<T, inputs, B>& x) const {
        batch_activations<B> a;
        std::get<0>(a) = x;
        batch_trace_from<0, B>(a);
        return std::get<depth>(a);
    }

private:
    template <int B, std::size_t... K>
    static auto batch_tuple(std::index_sequence<K...>) -> std::tuple<Eigen::Matrix<T, widths[K], B>...>;
    template <int B>
    using batch_activations = decltype(batch_tuple<B>(std::make_index_sequence<depth + 1>{}));

    template <std::size_t K, int B>
    void batch_trace_from(batch_activations<B>& a) const {
        if constexpr (K < depth) {
            const auto& layer = std::get<K>(layers);
            auto& z = std::get<K + 1>(a);
            z = layer.b.template replicate<1, B>();
            z.noalias() += layer.w * std::get<K>(a);
            if constexpr (K + 1 < depth) z = z.cwiseMax(T(0));
            batch_trace_from<K + 1, B>(a);
        }
    }

    template <std::size_t K, int B, class Matrix>
    void batch_update_from(const batch_activations<B>& a, const Matrix& delta, T scaled_rate) {
        auto& layer = std::get<K>(layers);
        const auto& in = std::get<K>(a);
        if constexpr (K > 0) {
            Eigen::Matrix<T, widths[K], B> back;
            back.noalias() = layer.w.transpose() * delta;
            back = (in.array() > T(0)).select(back, T(0));
            layer.w.noalias() -= (scaled_rate * delta) * in.transpose();
            layer.b -= scaled_rate * delta.rowwise().sum();
            batch_update_from<K - 1, B>(a, back, scaled_rate);
        } else {
            layer.w.noalias() -= (scaled_rate * delta) * in.transpose();
            layer.b -= scaled_rate * delta.rowwise().sum();
        }
    }

    template <std::size_t K>
    void load_from(const T* p) {
        if constexpr (K < depth) {
            auto& layer = std::get<K>(layers);
            constexpr int in = widths[K], out = widths[K + 1];
            layer.w = Eigen::Map<const Eigen::Matrix<T, out, in>>(p);
            layer.b = Eigen::Map<const Eigen::Matrix<T, out, 1>>(p + in * out);
            load_from<K + 1>(p + in * out + out);
        }
    }

    template <std::size_t K>
    void store_to(T* p) const {
        if constexpr (K < depth) {
            const auto& layer = std::get<K>(layers);
            constexpr int in = widths[K], out = widths[K + 1];
            Eigen::Map<Eigen::Matrix<T, out, in>> weights(p);
            Eigen::Map<Eigen::Matrix<T, out, 1>> biases(p + in * out);
            weights = layer.w;
            biases = layer.b;
            store_to<K + 1>(p + in * out + out);
        }
    }

    template <std::size_t K, class Vector>
    Eigen::Matrix<T, outputs, 1> forward_from(const Vector& a) const {
        const auto& layer = std::get<K>(layers);
        Eigen::Matrix<T, widths[K + 1], 1> z = layer.b;
        z.noalias() += layer.w * a;
        if constexpr (K + 1 == depth) {
            return z;
        } else {
            return forward_from<K + 1>(z.cwiseMax(T(0)).eval());
        }
    }

    template <std::size_t K>
    void trace_from(activations_type& a) const {
        if constexpr (K < depth) {
            const auto& layer = std::get<K>(layers);
            auto& z = std::get<K + 1>(a);
            z = layer.b;
            z.noalias() += layer.w * std::get<K>(a);
            if constexpr (K + 1 < depth) z = z.cwiseMax(T(0));
            trace_from<K + 1>(a);
        }
    }

    // δ is dE/dz of layer K's output; ReLU's derivative is read off its output
    // (a > 0 exactly where z > 0).
    template <std::size_t K, class Vector>
    void update_from(const activations_type& a, const Vector& delta, T learning_rate) {
        auto& layer = std::get<K>(layers);
        const auto& in = std::get<K>(a);
        if constexpr (K > 0) {
            Eigen::Matrix<T, widths[K], 1> back;
            back.noalias() = layer.w.transpose() * delta;
            back = (in.array() > T(0)).select(back, T(0));
            layer.w.noalias() -= (learning_rate * delta) * in.transpose();
            layer.b -= learning_rate * delta;
            update_from<K - 1>(a, back, learning_rate);
        } else {
            layer.w.noalias() -= (learning_rate * delta) * in.transpose();
            layer.b -= learning_rate * delta;
        }
    }
};

} // namespace bench
