// ctnn/io/header.hpp - a network as a C++ header: weights compiled into
// firmware, no parsing at start-up, verified by the compiler.
//
//   write_header(net, put, "ns")        a C++ header declaring ns::model_type and
//   write_header(net, put, "ns", xs)    a constexpr ns::model holding net's weights;
//                                       with reference inputs xs it also holds net's
//                                       outputs for them and static_asserts that the
//                                       compiled model reproduces them bit for bit
//
// Layers are spelled through ctnn::spell_layer, so a user's layer is written as
// its own type: include its header before the generated one.
#pragma once

#include <ctnn/core/layer_traits.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/io/chars.hpp>
#include <ctnn/io/spelling.hpp>
#include <ctnn/version.hpp>

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>

namespace ctnn {

enum class write_status {
    ok,
    invalid_namespace,      // the namespace name is not an identifier (or is reserved)
    non_finite_reference,   // a reference output is NaN or infinite: the header could never verify
};

constexpr const char* describe(write_status s) noexcept {
    switch (s) {
    case write_status::ok: return "ok";
    case write_status::invalid_namespace:
        return "the namespace name must be C++ identifiers ([A-Za-z_][A-Za-z0-9_]*, none reserved: no __ or "
               "leading _X, no keyword) joined by ::";
    case write_status::non_finite_reference:
        return "the network's output for a reference input is NaN or infinite: a header asserting it could never "
               "compile";
    }
    return "unknown status";
}

namespace detail::io {

template <class Put, class T>
constexpr void put_literal(Put& put, T x) {
    if (!math::isfinite(x)) {
        if (math::isnan(x)) {
            put_string(put, "std::numeric_limits<");
            put_string(put, scalar_name<T>());
            put_string(put, ">::quiet_NaN()");
        } else {
            if (x < T(0)) put('-');
            put_string(put, "std::numeric_limits<");
            put_string(put, scalar_name<T>());
            put_string(put, ">::infinity()");
        }
        return;
    }
    put_hex(put, static_cast<double>(x));
    if constexpr (std::is_same_v<T, float>) put('f');
}

// One row of values, six to a line, each followed by a comma.
template <class Put, class T, std::size_t N>
constexpr void put_literal_row(Put& put, const T* values) {
    for (std::size_t j = 0; j < N; ++j) {
        put_string(put, j % 6 == 0 ? "    " : " ");
        put_literal(put, values[j]);
        put(',');
        if (j % 6 == 5 || j + 1 == N) put('\n');
    }
}

template <class Put, class T, std::size_t N>
constexpr void put_braced_row(Put& put, const std::array<T, N>& values) {
    put_string(put, "    {{");
    for (std::size_t j = 0; j < N; ++j) {
        if (j != 0) put_string(put, ", ");
        put_literal(put, values[j]);
    }
    put_string(put, "}},\n");
}

template <class Net>
constexpr bool has_non_finite(const Net& net) {
    for (const auto& p : net.parameters)
        if (!math::isfinite(p)) return true;
    return false;
}

template <class Put>
constexpr void put_version(Put& put) {
    put_unsigned(put, CTNN_VERSION_MAJOR);
    put('.');
    put_unsigned(put, CTNN_VERSION_MINOR);
    put('.');
    put_unsigned(put, CTNN_VERSION_PATCH);
}


// An identifier a generated header may use as a namespace name.
constexpr bool is_plain_identifier(std::string_view s) noexcept;

// A namespace name: identifiers joined by "::" (my::model).
constexpr bool is_namespace_name(std::string_view s) noexcept {
    for (std::size_t end = s.find("::"); end != std::string_view::npos; end = s.find("::")) {
        if (!is_plain_identifier(s.substr(0, end))) return false;
        s.remove_prefix(end + 2);
    }
    return is_plain_identifier(s);
}

constexpr bool is_plain_identifier(std::string_view s) noexcept {
    constexpr std::string_view keywords[] = {
        "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
        "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
        "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default",
        "delete", "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float",
        "for", "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not",
        "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
        "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static", "static_assert",
        "static_cast", "struct", "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef",
        "typeid", "typename", "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while",
        "xor", "xor_eq", "std", "ctnn"};
    if (s.empty()) return false;
    const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (!letter(s[0])) return false;
    for (char c : s)
        if (!letter(c) && !(c >= '0' && c <= '9')) return false;
    if (s.size() >= 2 && s[0] == '_' && (s[1] == '_' || (s[1] >= 'A' && s[1] <= 'Z'))) return false;
    for (std::size_t i = 0; i + 1 < s.size(); ++i)
        if (s[i] == '_' && s[i + 1] == '_') return false;
    for (std::string_view k : keywords)
        if (s == k) return false;
    return true;
}

template <class Net, class Put, std::size_t K>
constexpr write_status write_header(const Net& net, Put& put, std::string_view namespace_name,
                                    const std::array<typename Net::input_type, K>* references) {
    using T = typename Net::scalar;
    if (!is_namespace_name(namespace_name)) return write_status::invalid_namespace;
    if constexpr (K > 0) {
        for (const auto& x : *references)
            for (const T y : net.forward(x))
                if (!math::isfinite(y)) return write_status::non_finite_reference;
    }
    put_string(put, "// Written by ctnn::write_header (ctnn ");
    put_version(put);
    put_string(put, "). Do not edit.\n// ");
    put_unsigned(put, Net::parameter_count);
    put_string(put, " parameters, layer by layer (dense: W[in][out] row-major, then biases).\n");
    if (K > 0) {
        put_string(put, "// Self-verifying: static_asserts that the compiled model reproduces, bit for bit, the "
                        "outputs\n// the network gave when it was written (needs -ffp-contract=off on both "
                        "sides, as ctnn does).\n");
    }
    put_string(put, "#pragma once\n\n#include <ctnn/core/network.hpp>\n\n#include <array>\n#include <cstddef>\n");
    if (has_non_finite(net)) put_string(put, "#include <limits>\n");
    put_string(put, "\nnamespace ");
    put_string(put, namespace_name);
    put_string(put, " {\n\nusing model_type = ctnn::network<");
    put_string(put, scalar_name<T>());
    bool first = true;
    for_each_specification<Net>([&]<class Spec, std::size_t I>() {
        if (first && !detail::sets_width<Spec>) {
            put_string(put, ", ctnn::input<");
            for (std::size_t k = 0; k < Net::input_shape::rank; ++k) {
                if (k != 0) put_string(put, ", ");
                put_unsigned(put, Net::input_shape::dimensions[k]);
            }
            put('>');
        }
        first = false;
        put_string(put, ", ");
        put_string(put, cpp_spelling<Spec>.view());
    });
    put_string(put, ">;\n\ninline constexpr model_type model{{{\n");
    for_each_specification<Net>([&]<class Spec, std::size_t I>() {
        using L = typename Net::template layer_type<I>;
        if constexpr (L::parameter_count > 0) {
            put_string(put, "    // layer ");
            put_unsigned(put, I);
            put_string(put, ": ");
            put_string(put, cpp_spelling<Spec>.view());
            put('\n');
            constexpr std::size_t row = layer_traits<L>::row_length;
            const T* p = net.parameters.data() + Net::parameter_offsets[I];
            for (std::size_t k = 0; k < L::parameter_count; k += row) put_literal_row<Put, T, row>(put, p + k);
        }
    });
    put_string(put, "}}};\n");
    if constexpr (K > 0) {
        put_string(put, "\ninline constexpr std::size_t reference_count = ");
        put_unsigned(put, K);
        put_string(put, ";\ninline constexpr std::array<model_type::input_type, reference_count> reference_inputs{{\n");
        for (const auto& x : *references) put_braced_row(put, x);
        put_string(put, "}};\n// The network's outputs for them when it was written.\n"
                        "inline constexpr std::array<model_type::output_type, reference_count> reference_outputs{{\n");
        for (const auto& x : *references) put_braced_row(put, net.forward(x));
        put_string(put, "}};\n\nnamespace verification {\n"
                        "constexpr bool reproduces(std::size_t k) noexcept {\n"
                        "    return model.forward(reference_inputs[k]) == reference_outputs[k];\n"
                        "}\n} // namespace verification\n\n");
        for (std::size_t k = 0; k < K; ++k) {
            put_string(put, "static_assert(verification::reproduces(");
            put_unsigned(put, k);
            put_string(put, "), \"");
            put_string(put, namespace_name);
            put_string(put, ": the compiled model does not reproduce the written network on reference input ");
            put_unsigned(put, k);
            put_string(put, "\");\n");
        }
    }
    put_string(put, "\n} // namespace ");
    put_string(put, namespace_name);
    put('\n');
    return write_status::ok;
}

} // namespace detail::io

// Writes a C++ header that declares `namespace_name::model_type` (the network's
// type) and `inline constexpr model_type namespace_name::model` holding net's
// parameters exactly. Writes nothing and returns the reason if the namespace
// name is not a plain identifier.
template <class Net, class Put>
constexpr write_status write_header(const Net& net, Put&& put, std::string_view namespace_name = "model") {
    static_assert(detail::io::check_is_network<Net>::value && detail::check_char_sink<std::remove_cvref_t<Put>>::value);
    return detail::io::write_header<Net, std::remove_reference_t<Put>, 0>(net, put, namespace_name, nullptr);
}

// As above, and the header also holds net's outputs for `reference_inputs` and
// static_asserts that the compiled model reproduces them exactly: a header that
// compiles is the network that was written. Writes nothing if an output is
// NaN or infinite (such a header could never compile).
template <class Net, class Put, std::size_t K>
constexpr write_status write_header(const Net& net, Put&& put, std::string_view namespace_name,
                                    const std::array<typename Net::input_type, K>& reference_inputs) {
    static_assert(detail::io::check_is_network<Net>::value && detail::check_char_sink<std::remove_cvref_t<Put>>::value);
    return detail::io::write_header<Net, std::remove_reference_t<Put>, K>(net, put, namespace_name,
                                                                          &reference_inputs);
}

// The number of chars write_header produces: size a char_buffer.
template <class Net>
constexpr std::size_t header_size(const Net& net, std::string_view namespace_name = "model") {
    char_counter counter;
    write_header(net, counter, namespace_name);
    return counter.count;
}

} // namespace ctnn
