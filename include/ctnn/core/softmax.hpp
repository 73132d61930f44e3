// ctnn/core/softmax.hpp - softmax as a layer.
//
// yᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m), m = max x. Subtracting the maximum changes
// nothing mathematically and keeps every exponent <= 0, so no logit
// overflows. Not element-wise: dxᵢ = yᵢ·(dyᵢ − Σⱼ yⱼ·dyⱼ), computed as
// yᵢ·((dyᵢ − dy_p) + q) with p the largest output and q = Σ_{j≠p} yⱼ·(dy_p − dyⱼ)
// (the same since Σⱼ yⱼ = 1): dy_p − Σⱼ yⱼ·dyⱼ would cancel as y_p → 1 (for
// two outputs it is y₁·(1 − y₁), 0 from x₁ − x₂ ≈ 37 in double), q does not.
// For training a classifier prefer a final dense layer and the fused loss
// ctnn::softmax_cross_entropy, which never forms log(yᵢ) of a tiny yᵢ.
#pragma once

#include <ctnn/core/math.hpp>

#include <array>
#include <cstddef>

namespace ctnn {

template <class T, std::size_t Width>
struct softmax_layer {
    using scalar = T;
    static constexpr std::size_t inputs = Width;
    static constexpr std::size_t outputs = Width;
    static constexpr std::size_t parameter_count = 0;

    static constexpr void forward(const T*, const std::array<T, Width>& x, std::array<T, Width>& y) noexcept {
        const T* xp = x.data();
        T* yp = y.data();
        T m = xp[0];
        for (std::size_t i = 1; i < Width; ++i)
            if (xp[i] > m) m = xp[i];
        T sum = T(0);
        for (std::size_t i = 0; i < Width; ++i) {
            yp[i] = math::exp(xp[i] - m);
            sum += yp[i];
        }
        for (std::size_t i = 0; i < Width; ++i) yp[i] /= sum;
    }

    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T*, Sink&, const std::array<T, Width>&, const std::array<T, Width>& y,
                                   const std::array<T, Width>& dy, std::array<T, Width>& dx) noexcept {
        if constexpr (NeedInputGradient) {
            const T* yp = y.data();
            const T* dyp = dy.data();
            T* dxp = dx.data();
            std::size_t p = 0;
            for (std::size_t i = 1; i < Width; ++i)
                if (yp[i] > yp[p]) p = i;
            T q = T(0);
            for (std::size_t j = 0; j < Width; ++j)
                if (j != p) q += yp[j] * (dyp[p] - dyp[j]);
            for (std::size_t i = 0; i < Width; ++i) dxp[i] = yp[i] * ((dyp[i] - dyp[p]) + q);
        }
    }
};

struct softmax {
    template <class T, std::size_t PreviousOutputs>
    using bind = softmax_layer<T, PreviousOutputs>;
    static constexpr const char* spelling = "ctnn::softmax";
};

} // namespace ctnn
