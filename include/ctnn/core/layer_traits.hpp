// ctnn/core/layer_traits.hpp - what generic code asks of a layer beyond the
// contract (ctnn/concepts.hpp), each with a default, so a user layer needs
// only the members its function really has.
//
//   layer_traits<L>::same_piece(xa, xb)   no kink between inputs xa and xb
//   layer_traits<L>::weight_count         the first weight_count parameters
//   layer_traits<L>::fan_in, fan_out      are weights, the rest biases
//   layer_traits<L>::row_length           values per line in the text format
//   spell_layer<Spec>(put)                the specification as C++ source
#pragma once

#include <ctnn/concepts.hpp>

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
};

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
