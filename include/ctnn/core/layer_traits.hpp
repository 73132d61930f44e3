// ctnn/core/layer_traits.hpp - what generic code asks of a layer beyond the
// contract (ctnn/concepts.hpp), each with a default, so a user layer needs
// only the members its function really has.
//
//   layer_traits<L>::same_piece(xa, xb)   no kink between inputs xa and xb
//   layer_traits<L>::weight_count         the first weight_count parameters
//   layer_traits<L>::fan_in, fan_out      are weights, the rest biases
//   layer_traits<L>::row_length           values per line in the text format
//   spell_layer<Spec>(put)                the specification as C++ source
//
// Three optional extensions (docs/layers.md), each absent from every layer
// that has no use for it, whose networks then take exactly the code of before:
//   layer_traits<L>::uses_context         forward_training / backward_training
//                                         take a ctnn::training_context (dropout)
//   layer_traits<L>::state_count          the last state_count parameters are
//                                         state: no gradient, never trained
//   layer_traits<L>::batch_coupled        forward_batch_training /
//                                         backward_batch_training over a batch
//                                         (batch_norm's batch statistics)
//   layer_traits<L>::has_initial_parameters  initial_parameters: fixed initial
//                                         values, drawn by no initialiser
#pragma once

#include <ctnn/concepts.hpp>
#include <ctnn/core/context.hpp>

#include <array>
#include <cstddef>
#include <string_view>

namespace ctnn {

namespace detail {

template <class T>
constexpr std::string_view pretty_function() noexcept {
    return __PRETTY_FUNCTION__;
}

} // namespace detail

// The name of type T as the compiler spells it ("my::softplus",
// "ctnn::dense<2, 10>"); GCC and Clang 14-19 agree on it.
template <class T>
constexpr std::string_view type_name() noexcept {
    constexpr std::string_view p = detail::pretty_function<T>();
#if defined(__clang__)
    constexpr std::size_t start = p.find("[T = ") + 5;
    return p.substr(start, p.rfind(']') - start);
#else
    constexpr std::size_t start = p.find("[with T = ") + 10;
    return p.substr(start, p.find_first_of(";]", start) - start);
#endif
}

template <class L>
struct layer_traits {
    using T = typename L::scalar;

    static constexpr bool has_kinks = requires(const std::array<T, L::inputs>& x) {
        { L::same_piece(x, x) } -> std::convertible_to<bool>;
    };

    static constexpr bool same_piece(const std::array<T, L::inputs>& a, const std::array<T, L::inputs>& b) noexcept {
        if constexpr (has_kinks) return L::same_piece(a, b);
        else return true;
    }

    static constexpr std::size_t weight_count = [] {
        if constexpr (requires { std::size_t{L::weight_count}; }) return std::size_t{L::weight_count};
        else return std::size_t{L::parameter_count};
    }();
    static constexpr std::size_t fan_in = [] {
        if constexpr (requires { std::size_t{L::fan_in}; }) return std::size_t{L::fan_in};
        else return std::size_t{L::inputs};
    }();
    static constexpr std::size_t fan_out = [] {
        if constexpr (requires { std::size_t{L::fan_out}; }) return std::size_t{L::fan_out};
        else return std::size_t{L::outputs};
    }();
    // Lines of `outputs` values when the parameters divide into them (a dense
    // layer: a line per row of W, then the biases), else one line; a layer may
    // say otherwise (row_length).
    static constexpr std::size_t row_length = [] {
        if constexpr (requires { std::size_t{L::row_length}; }) return std::size_t{L::row_length};
        else if constexpr (L::parameter_count == 0) return std::size_t{1};
        else if (L::parameter_count % L::outputs == 0) return std::size_t{L::outputs};
        else return std::size_t{L::parameter_count};
    }();

    // A training-only layer: forward_training(p, x, y, context) and
    // backward_training<NeedInputGradient>(p, sink, x, y, dy, dx, context),
    // called instead of forward and backward with the network's (or the
    // sample's) ctnn::training_context.
    static constexpr bool uses_context =
        requires(const T* p, const std::array<T, L::inputs>& x, std::array<T, L::outputs>& y,
                 const training_context& c) { L::forward_training(p, x, y, c); };

    // State: the last state_count parameters (batch_norm's running statistics)
    // are not trained. backward delivers no gradient for them, the training
    // loops keep the optimiser from moving them, and gradient checks skip them.
    static constexpr std::size_t state_count = [] {
        if constexpr (requires { std::size_t{L::state_count}; }) return std::size_t{L::state_count};
        else return std::size_t{0};
    }();

    // Batch-coupled: the training output of a sample depends on the whole
    // batch. forward_batch_training(p, state, xs, ys, count) and
    // backward_batch_training<NeedInputGradient>(p, sink, xs, dys, dxs, count)
    // over `count` samples given by pointers; forward writes the state the
    // batch leaves (state_count values) to `state`.
    static constexpr bool batch_coupled = requires { requires L::batch_coupled; };

    static constexpr bool has_initial_parameters =
        requires { std::array<T, L::parameter_count>{L::initial_parameters}; };
};

namespace detail {

// "name<a, b, ...>" into a char sink: a layer template's spelling with all its
// numbers, the same on every compiler (type_name leaves default arguments out
// on Clang).
template <class Put, std::size_t N>
constexpr void spell_with_numbers(Put& put, const char* name, const std::size_t (&numbers)[N]) {
    for (const char* c = name; *c; ++c) put(*c);
    put('<');
    for (std::size_t k = 0; k < N; ++k) {
        if (k != 0) {
            put(',');
            put(' ');
        }
        char digits[20]{};
        std::size_t n = 0, v = numbers[k];
        do {
            digits[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        while (n > 0) put(digits[--n]);
    }
    put('>');
}

} // namespace detail

// Writes how a layer specification is spelled in C++ source: its member
// `spelling` (a string) or spell(put) if it has one, else its type's name.
template <class Spec, class Put>
constexpr void spell_layer(Put& put) {
    if constexpr (requires { Spec::spell(put); }) {
        Spec::spell(put);
    } else {
        std::string_view s;
        if constexpr (requires { std::string_view{Spec::spelling}; }) s = Spec::spelling;
        else s = type_name<Spec>();
        for (char c : s) put(c);
    }
}

} // namespace ctnn
