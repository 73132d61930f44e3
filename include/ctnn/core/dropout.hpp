// ctnn/core/dropout.hpp - dropout<Num, Den>: in training, each value is kept
// with probability 1 − p (p = Num / Den) and scaled by 1 / (1 − p), or set to
// 0; at inference it is the identity (PyTorch's nn.Dropout(p)). No
// parameters; any shape, which it keeps.
//
// A training-only layer (docs/layers.md): forward_training and
// backward_training read a ctnn::training_context. The mask is a function of
// (context.seed, context.layer, index), drawn again in backward, so the same
// context gives the same mask in forward and backward and nothing is stored.
// fit and train_batch seed each sample from the run's generator; a context
// that is not training (a network's own, by default) makes the layer the
// identity. For a fixed context the layer is linear, without kinks, so a
// gradient check with net.context = {.training = true, .seed = s} checks it.
#pragma once

#include <ctnn/core/context.hpp>
#include <ctnn/core/layer_traits.hpp>
#include <ctnn/core/shape.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace ctnn {

namespace detail {

template <std::size_t Num, std::size_t Den>
struct check_dropout_probability {
    static_assert(Den > 0 && Num < Den,
                  "ctnn::dropout<Num, Den>: the drop probability Num / Den must be in [0, 1) (Den > Num)");
    static constexpr bool value = true;
};

} // namespace detail

template <class T, std::size_t N, std::size_t Num, std::size_t Den, class Shape>
struct dropout_layer {
    using scalar = T;
    using output_shape = Shape;
    static constexpr std::size_t inputs = N;
    static constexpr std::size_t outputs = N;
    static constexpr std::size_t parameter_count = 0;
    static constexpr std::size_t drop_numerator = Num, drop_denominator = Den;
    // 1 / (1 − p), rounded once.
    static constexpr T scale = static_cast<T>(Den) / static_cast<T>(Den - Num);

    // Whether value i is kept, for context c: P(kept) = 1 − Num / Den.
    static constexpr std::uint64_t mask_base(const training_context& c) noexcept {
        return detail::mix64(c.seed ^ detail::mix64(0xA0761D6478BD642FULL + c.layer));
    }
    static constexpr bool kept(std::uint64_t base, std::size_t i) noexcept {
        return detail::mix64(base + i) % Den >= Num;
    }

    // The training mask of context c (1 kept, 0 dropped), for tests and for
    // comparing with other implementations.
    static constexpr std::array<T, N> mask(const training_context& c) noexcept {
        std::array<T, N> m{};
        const std::uint64_t base = mask_base(c);
        for (std::size_t i = 0; i < N; ++i) m[i] = kept(base, i) ? T(1) : T(0);
        return m;
    }

    // Inference: the identity.
    static constexpr void forward(const T*, const std::array<T, N>& x, std::array<T, N>& y) noexcept { y = x; }

    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T*, Sink&, const std::array<T, N>&, const std::array<T, N>&,
                                   const std::array<T, N>& dy, std::array<T, N>& dx) noexcept {
        if constexpr (NeedInputGradient) dx = dy;
    }

    static constexpr void forward_training(const T*, const std::array<T, N>& x, std::array<T, N>& y,
                                           const training_context& c) noexcept {
        if (!c.training || Num == 0) {
            y = x;
            return;
        }
        const std::uint64_t base = mask_base(c);
        for (std::size_t i = 0; i < N; ++i) y[i] = kept(base, i) ? x[i] * scale : T(0);
    }

    template <bool NeedInputGradient, class Sink>
    static constexpr void backward_training(const T*, Sink&, const std::array<T, N>&, const std::array<T, N>&,
                                            const std::array<T, N>& dy, std::array<T, N>& dx,
                                            const training_context& c) noexcept {
        if constexpr (NeedInputGradient) {
            if (!c.training || Num == 0) {
                dx = dy;
                return;
            }
            const std::uint64_t base = mask_base(c);
            for (std::size_t i = 0; i < N; ++i) dx[i] = kept(base, i) ? dy[i] * scale : T(0);
        }
    }
};

// dropout<Num, Den>: drop probability p = Num / Den (dropout<1, 2> is
// PyTorch's Dropout(0.5), dropout<1, 10> its Dropout(0.1)).
template <std::size_t Num, std::size_t Den>
struct dropout {
    static_assert(detail::check_dropout_probability<Num, Den>::value);
    template <class T, class Shape>
    using bind_shape = dropout_layer<T, Shape::size, Num, Den, Shape>;
    template <class T, std::size_t Inputs>
    using bind = dropout_layer<T, Inputs, Num, Den, shape<Inputs>>;

    // "ctnn::dropout<Num, Den>" on every compiler (text format: "dropout Num Den").
    template <class Put>
    static constexpr void spell(Put& put) {
        detail::spell_with_numbers(put, "ctnn::dropout", {Num, Den});
    }
};

} // namespace ctnn
