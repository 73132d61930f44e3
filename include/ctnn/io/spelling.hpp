// ctnn/io/spelling.hpp - how a network's layers are spelled in generated C++
// and in the text format, for any layer (ctnn::spell_layer).
//
//   C++:   ctnn::dense<2, 10>   ctnn::leaky_relu<1, 100>   ctnn::activation<my::softplus>
//   text:  dense 2 10           leaky_relu 1 100           activation my::softplus
// The text form is the C++ form without the leading "ctnn::", with template
// brackets and commas turned into single spaces.
#pragma once

#include <ctnn/core/layer_traits.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/io/chars.hpp>

#include <cstddef>
#include <string_view>
#include <utility>

namespace ctnn {

namespace detail::io {

template <class Spec>
inline constexpr auto cpp_spelling = [] {
    char_buffer<512> spelled;
    spell_layer<Spec>(spelled);
    return spelled;
}();

template <class Spec>
struct check_spelling_fits {
    static_assert(!cpp_spelling<Spec>.overflowed,
                  "ctnn: this layer's spelling is longer than 512 characters; give its specification a shorter "
                  "`static constexpr const char* spelling`");
    static constexpr bool value = true;
};

template <class Spec>
inline constexpr auto text_spelling = [] {
    static_assert(check_spelling_fits<Spec>::value);
    constexpr std::string_view prefix = "ctnn::";
    std::string_view s = cpp_spelling<Spec>.view();
    if (s.substr(0, prefix.size()) == prefix) s.remove_prefix(prefix.size());
    char_buffer<512> text;
    bool space = false;
    for (char c : s) {
        if (c == '<' || c == '>' || c == ',' || c == ' ') {
            space = true;
        } else {
            if (space && text.size != 0) text(' ');
            space = false;
            text(c);
        }
    }
    return text;
}();

// The network's specifications, one call of f.template operator()<Spec, I>()
// per layer.
template <class Net, class F>
constexpr void for_each_specification(F&& f) {
    [&]<class... Specs, std::size_t... I>(type_list<Specs...>*, std::index_sequence<I...>) {
        (f.template operator()<Specs, I>(), ...);
    }(static_cast<typename Net::specifications*>(nullptr), std::make_index_sequence<Net::layer_count>{});
}

template <class Net>
struct check_is_network {
    static_assert(is_network_v<Net>, "ctnn::write_header / write_text / read_text: the network argument must be "
                                     "a ctnn::network");
    static constexpr bool value = true;
};

} // namespace detail::io

} // namespace ctnn
