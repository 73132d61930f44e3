// ctnn/quant/header.hpp - an int8 network as a C++ header: integer weights
// compiled into firmware, verified by the compiler.
//
//   write_quantised_header(q, put, "ns")       a header declaring ns::model_type and a
//   write_quantised_header(q, put, "ns", xs)   constexpr ns::model holding q exactly; with
//                                              int8 reference inputs xs it also holds q's
//                                              outputs for them and static_asserts that the
//                                              compiled model reproduces them
//
// As ctnn::write_header (ctnn/io/header.hpp) for float networks. The scales
// are written as hexadecimal floating point (exact), the codes as integers.
#pragma once

#include <ctnn/concepts.hpp>
#include <ctnn/io/chars.hpp>
#include <ctnn/io/header.hpp>
#include <ctnn/quant/quantise.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace ctnn {

namespace detail::quant {

template <class Put, class T, std::size_t N>
constexpr void put_integer_array(Put& put, std::string_view indent, const std::array<T, N>& values) {
    put('{');
    for (std::size_t k = 0; k < N; ++k) {
        if (k % 16 == 0) {
            put('\n');
            io::put_string(put, indent);
        } else {
            put(' ');
        }
        io::put_signed(put, static_cast<long long>(values[k]));
        put(',');
    }
    put('\n');
    io::put_string(put, indent.substr(0, indent.size() >= 4 ? indent.size() - 4 : 0));
    put('}');
}

template <class Put>
constexpr void put_quantisation(Put& put, const quantisation& q) {
    put('{');
    io::put_hex(put, q.scale);
    io::put_string(put, ", ");
    io::put_signed(put, q.zero_point);
    put('}');
}

template <class Q, class Put, std::size_t K>
constexpr write_status write_quantised_header(const Q& q, Put& put, std::string_view namespace_name,
                                              const std::array<typename Q::input_type, K>* references) {
    if (!io::is_namespace_name(namespace_name)) return write_status::invalid_namespace;
    io::put_string(put, "// Written by ctnn::write_quantised_header (ctnn ");
    io::put_version(put);
    io::put_string(put, "). Do not edit.\n// An int8 network (ctnn/quant/quantise.hpp): per layer int8 weights [out][in], "
                        "int32 biases (input\n// zero point folded in), requantisation multipliers and shifts, "
                        "scales and zero points.\n");
    if (K > 0)
        io::put_string(put, "// Self-verifying: static_asserts that the compiled model reproduces the outputs it gave "
                            "when written.\n");
    io::put_string(put, "#pragma once\n\n#include <ctnn/quant/quantise.hpp>\n\n#include <array>\n#include "
                        "<cstddef>\n#include <cstdint>\n\nnamespace ");
    io::put_string(put, namespace_name);
    io::put_string(put, " {\n\nusing model_type = ctnn::quantised_network<");
    [&]<std::size_t... B>(std::index_sequence<B...>) {
        (
            [&] {
                using L = typename Q::template layer_type<B>;
                if (B != 0) io::put_string(put, ", ");
                io::put_string(put, "ctnn::quantised_dense<");
                io::put_unsigned(put, L::inputs);
                io::put_string(put, ", ");
                io::put_unsigned(put, L::outputs);
                io::put_string(put, L::fused_relu ? ", true>" : ", false>");
            }(),
            ...);
    }(std::make_index_sequence<Q::layer_count>{});
    io::put_string(put, ">;\n\ninline constexpr model_type model = [] {\n    model_type m{};\n");
    [&]<std::size_t... B>(std::index_sequence<B...>) {
        (
            [&] {
                const auto& l = q.template layer<B>();
                io::put_string(put, "    {\n        auto& l = m.layer<");
                io::put_unsigned(put, B);
                io::put_string(put, ">();\n        l.weights = ");
                put_integer_array(put, "            ", l.weights);
                io::put_string(put, ";\n        l.bias = ");
                put_integer_array(put, "            ", l.bias);
                io::put_string(put, ";\n        l.multiplier = ");
                put_integer_array(put, "            ", l.multiplier);
                io::put_string(put, ";\n        l.shift = ");
                put_integer_array(put, "            ", l.shift);
                io::put_string(put, ";\n        l.input = ");
                put_quantisation(put, l.input);
                io::put_string(put, ";\n        l.output = ");
                put_quantisation(put, l.output);
                io::put_string(put, ";\n        l.activation_min = ");
                io::put_signed(put, l.activation_min);
                io::put_string(put, ";\n        l.activation_max = ");
                io::put_signed(put, l.activation_max);
                io::put_string(put, ";\n    }\n");
            }(),
            ...);
    }(std::make_index_sequence<Q::layer_count>{});
    io::put_string(put, "    return m;\n}();\n");
    if constexpr (K > 0) {
        io::put_string(put, "\ninline constexpr std::size_t reference_count = ");
        io::put_unsigned(put, K);
        io::put_string(put, ";\ninline constexpr std::array<model_type::input_type, reference_count> reference_inputs{{\n");
        for (const auto& x : *references) {
            io::put_string(put, "    ");
            put_integer_array(put, "        ", x);
            io::put_string(put, ",\n");
        }
        io::put_string(put, "}};\n// The network's outputs for them when it was written.\n"
                            "inline constexpr std::array<model_type::output_type, reference_count> reference_outputs{{\n");
        for (const auto& x : *references) {
            io::put_string(put, "    ");
            put_integer_array(put, "        ", q.forward(x));
            io::put_string(put, ",\n");
        }
        io::put_string(put, "}};\n\n");
        for (std::size_t k = 0; k < K; ++k) {
            io::put_string(put, "static_assert(model.forward(reference_inputs[");
            io::put_unsigned(put, k);
            io::put_string(put, "]) == reference_outputs[");
            io::put_unsigned(put, k);
            io::put_string(put, "], \"");
            io::put_string(put, namespace_name);
            io::put_string(put, ": the compiled model does not reproduce the written int8 network on reference input ");
            io::put_unsigned(put, k);
            io::put_string(put, "\");\n");
        }
    }
    io::put_string(put, "\n} // namespace ");
    io::put_string(put, namespace_name);
    put('\n');
    return write_status::ok;
}

} // namespace detail::quant

// Writes a C++ header declaring `namespace_name::model_type` (the int8
// network's type) and `inline constexpr model_type namespace_name::model`
// holding q exactly. Writes nothing and returns the reason if the namespace
// name is not a plain identifier.
template <class Q, class Put>
constexpr write_status write_quantised_header(const Q& q, Put&& put, std::string_view namespace_name = "model") {
    static_assert(detail::quant::check_is_quantised_network<Q>::value &&
                  detail::check_char_sink<std::remove_cvref_t<Put>>::value);
    return detail::quant::write_quantised_header<Q, std::remove_reference_t<Put>, 0>(q, put, namespace_name, nullptr);
}

// As above, and the header also holds q's outputs for the int8
// `reference_inputs` and static_asserts that the compiled model reproduces
// them exactly.
template <class Q, class Put, std::size_t K>
constexpr write_status write_quantised_header(const Q& q, Put&& put, std::string_view namespace_name,
                                              const std::array<typename Q::input_type, K>& reference_inputs) {
    static_assert(detail::quant::check_is_quantised_network<Q>::value &&
                  detail::check_char_sink<std::remove_cvref_t<Put>>::value);
    return detail::quant::write_quantised_header<Q, std::remove_reference_t<Put>, K>(q, put, namespace_name,
                                                                                     &reference_inputs);
}

} // namespace ctnn
