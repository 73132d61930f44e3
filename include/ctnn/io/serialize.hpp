// ctnn/io/serialize.hpp - a network's weights out of the program, and back in.
//
//   write_header(net, put, "ns")        a C++ header declaring ns::model_type and
//   write_header(net, put, "ns", xs)    a constexpr ns::model holding net's weights;
//                                       with reference inputs xs it also holds net's
//                                       outputs for them and static_asserts that the
//                                       compiled model reproduces them bit for bit
//   write_text(net, put)                ctnn's text format (docs/interop.md), which
//                                       tools/ctnn_export.py loads into PyTorch
//   read_text(text, net)                that format back into a network of the same type
//
// Writers emit one char at a time through `put`, any callable taking a char: a
// UART, a file (`[&](char c) { std::fputc(c, f); }`), or a fixed-size
// ctnn::char_buffer<N>. No heap, no exceptions, no iostreams, and everything is
// constexpr, so a network trained in a constant expression can be written out in
// one too. Numbers are hexadecimal floating point (0x1.8p+1 = 3): exact, so a
// network read back or exported again holds the very same bits.
#pragma once

#include <ctnn/core/layers.hpp>
#include <ctnn/core/math.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/version.hpp>

#include <boost/hana/for_each.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <type_traits>

namespace ctnn {

// A sink for the writers: keeps the first N chars, counts the rest.
template <std::size_t N>
struct char_buffer {
    std::array<char, N> data{};
    std::size_t size = 0;
    bool overflowed = false; // true: the text was longer than N and is cut off

    constexpr void operator()(char c) noexcept {
        if (size < N) data[size++] = c;
        else overflowed = true;
    }
    constexpr std::string_view view() const noexcept { return {data.data(), size}; }
};

// A sink that only counts: the buffer size a text needs.
struct char_counter {
    std::size_t count = 0;
    constexpr void operator()(char) noexcept { ++count; }
};

namespace detail::serialize {

template <class Put>
constexpr void put_string(Put& put, std::string_view s) {
    for (char c : s) put(c);
}

template <class Put>
constexpr void put_unsigned(Put& put, unsigned long long v) {
    char digits[20]{};
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + static_cast<int>(v % 10));
        v /= 10;
    } while (v != 0);
    while (n > 0) put(digits[--n]);
}

template <class Put>
constexpr void put_signed(Put& put, long long v) {
    if (v < 0) {
        put('-');
        put_unsigned(put, static_cast<unsigned long long>(-(v + 1)) + 1u);
    } else {
        put_unsigned(put, static_cast<unsigned long long>(v));
    }
}

// The exact value of x in hexadecimal floating point, as C99's %a and Python's
// float.hex() (trailing zero digits dropped): -0x1.8p+1, 0x1p-3, 0x0p+0. A float
// is written through its (exact) double. Non-finite: inf, -inf, nan.
template <class Put>
constexpr void put_hex(Put& put, double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    if (bits >> 63) put('-');
    auto exponent_field = static_cast<int>((bits >> 52) & 0x7FF);
    std::uint64_t fraction = bits & 0x000FFFFFFFFFFFFFull;
    if (exponent_field == 0x7FF) {
        put_string(put, fraction != 0 ? "nan" : "inf");
        return;
    }
    if (exponent_field == 0 && fraction == 0) {
        put_string(put, "0x0p+0");
        return;
    }
    int exponent = exponent_field - 1023;
    if (exponent_field == 0) { // subnormal: normalise, the exponent goes below -1022
        exponent = -1022;
        while ((fraction & (1ull << 52)) == 0) {
            fraction <<= 1;
            --exponent;
        }
        fraction &= 0x000FFFFFFFFFFFFFull;
    }
    put_string(put, "0x1");
    if (fraction != 0) {
        put('.');
        int last = 12; // index of the last non-zero hex digit
        while (((fraction >> (48 - 4 * last)) & 0xF) == 0) --last;
        for (int k = 0; k <= last; ++k) {
            const auto digit = static_cast<int>((fraction >> (48 - 4 * k)) & 0xF);
            put(static_cast<char>(digit < 10 ? '0' + digit : 'a' + digit - 10));
        }
    }
    put('p');
    put(exponent < 0 ? '-' : '+');
    put_unsigned(put, static_cast<unsigned long long>(exponent < 0 ? -exponent : exponent));
}

// Whether a layer is a dense layer, and the integer arguments of an
// activation's function type (leaky_relu<1, 100>, elu<1, 1>).
template <class L>
struct is_dense : std::false_type {};
template <class T, std::size_t In, std::size_t Out, std::size_t Offset, std::size_t Index>
struct is_dense<dense_layer<T, In, Out, Offset, Index>> : std::true_type {};

template <class F>
struct function_arguments {
    static constexpr bool present = false;
};
template <template <long long, long long> class F, long long N, long long D>
struct function_arguments<F<N, D>> {
    static constexpr bool present = true;
    static constexpr long long numerator = N, denominator = D;
};

template <class L>
struct layer_arguments {
    static constexpr bool present = false;
    static constexpr long long numerator = 0, denominator = 0;
};
template <class T, class F, std::size_t Width, std::size_t Offset, std::size_t Index>
struct layer_arguments<activation_layer<T, F, Width, Offset, Index>> : function_arguments<F> {};

template <class L>
struct check_layer_serialisable {
    static_assert(is_dense<L>::value || (L::parameter_count == 0 && L::inputs == L::outputs),
                  "ctnn::serialize: this network has a layer with parameters other than dense; it has no "
                  "text or header form yet");
    static constexpr bool value = true;
};

template <class Net>
constexpr bool first_layer_is_dense() {
    return is_dense<typename Net::template layer_type<0>>::value;
}

enum class style { header, text };

// "ctnn::dense<2, 10>" / "dense 2 10"; "ctnn::leaky_relu<1, 100>" / "leaky_relu 1 100".
template <class L, class Put>
constexpr void put_layer(Put& put, style s) {
    static_assert(check_layer_serialisable<L>::value);
    if (s == style::header) put_string(put, "ctnn::");
    put_string(put, L::name);
    const auto put_pair = [&](auto a, auto b) {
        put_string(put, s == style::header ? "<" : " ");
        if constexpr (std::is_signed_v<decltype(a)>) put_signed(put, a);
        else put_unsigned(put, a);
        put_string(put, s == style::header ? ", " : " ");
        if constexpr (std::is_signed_v<decltype(b)>) put_signed(put, b);
        else put_unsigned(put, b);
        if (s == style::header) put('>');
    };
    if constexpr (is_dense<L>::value) put_pair(static_cast<unsigned long long>(L::inputs),
                                               static_cast<unsigned long long>(L::outputs));
    else if constexpr (layer_arguments<L>::present) put_pair(layer_arguments<L>::numerator,
                                                             layer_arguments<L>::denominator);
}

template <class T>
constexpr const char* scalar_name() {
    return std::is_same_v<T, float> ? "float" : "double";
}

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

template <class Net>
struct check_is_network {
    static_assert(is_network_v<Net>, "ctnn::write_header / write_text / read_text: the network argument must be "
                                     "a ctnn::network");
    static constexpr bool value = true;
};

template <class Net, class Put, std::size_t K>
constexpr void write_header(const Net& net, Put& put, std::string_view namespace_name,
                            const std::array<typename Net::input_type, K>* references) {
    using T = typename Net::scalar;
    put_string(put, "// Written by ctnn::write_header (ctnn ");
    put_version(put);
    put_string(put, "). Do not edit.\n// ");
    put_unsigned(put, Net::parameter_count);
    put_string(put, " parameters; dense weights W[in][out] row-major, then biases, layer by layer.\n");
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
    if (!first_layer_is_dense<Net>()) {
        put_string(put, ", ctnn::input<");
        put_unsigned(put, Net::input_size);
        put('>');
    }
    boost::hana::for_each(Net::layers, [&](auto layer) {
        put_string(put, ", ");
        put_layer<decltype(layer)>(put, style::header);
    });
    put_string(put, ">;\n\ninline constexpr model_type model{{{\n");
    boost::hana::for_each(Net::layers, [&](auto layer) {
        using L = decltype(layer);
        if constexpr (is_dense<L>::value) {
            put_string(put, "    // layer ");
            put_unsigned(put, L::index);
            put_string(put, ": ");
            put_layer<L>(put, style::header);
            put_string(put, ": W[in][out], then bias\n");
            const T* p = net.parameters.data() + L::parameter_offset;
            for (std::size_t i = 0; i < L::inputs; ++i)
                put_literal_row<Put, T, L::outputs>(put, p + i * L::outputs);
            put_literal_row<Put, T, L::outputs>(put, p + L::inputs * L::outputs);
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
}

} // namespace detail::serialize

// Writes a C++ header that declares `namespace_name::model_type` (the network's
// type) and `inline constexpr model_type namespace_name::model` holding net's
// parameters exactly. Include it in firmware: no parsing at start-up, the
// weights live in read-only memory.
template <class Net, class Put>
constexpr void write_header(const Net& net, Put&& put, std::string_view namespace_name = "model") {
    static_assert(detail::serialize::check_is_network<Net>::value);
    detail::serialize::write_header<Net, std::remove_reference_t<Put>, 0>(net, put, namespace_name, nullptr);
}

// As above, and the header also holds net's outputs for `reference_inputs` and
// static_asserts that the compiled model reproduces them exactly: a header that
// compiles is the network that was written.
template <class Net, class Put, std::size_t K>
constexpr void write_header(const Net& net, Put&& put, std::string_view namespace_name,
                            const std::array<typename Net::input_type, K>& reference_inputs) {
    static_assert(detail::serialize::check_is_network<Net>::value);
    detail::serialize::write_header<Net, std::remove_reference_t<Put>, K>(net, put, namespace_name,
                                                                          &reference_inputs);
}

// Writes net in ctnn's text format, version 1 (docs/interop.md):
//   ctnn-network 1
//   scalar float
//   input 2
//   layers 3
//   dense 2 10
//   <2 lines of 10 values: W[i][0..9] for input i>
//   <1 line of 10 values: the biases>
//   relu
//   dense 10 1
//   ...
//   end
template <class Net, class Put>
constexpr void write_text(const Net& net, Put&& put) {
    static_assert(detail::serialize::check_is_network<Net>::value);
    namespace s = detail::serialize;
    using T = typename Net::scalar;
    s::put_string(put, "ctnn-network 1\nscalar ");
    s::put_string(put, s::scalar_name<T>());
    s::put_string(put, "\ninput ");
    s::put_unsigned(put, Net::input_size);
    s::put_string(put, "\nlayers ");
    s::put_unsigned(put, Net::layer_count);
    put('\n');
    boost::hana::for_each(Net::layers, [&](auto layer) {
        using L = decltype(layer);
        s::put_layer<L>(put, s::style::text);
        put('\n');
        if constexpr (s::is_dense<L>::value) {
            const T* p = net.parameters.data() + L::parameter_offset;
            for (std::size_t i = 0; i <= L::inputs; ++i) { // the rows of W, then the biases
                for (std::size_t j = 0; j < L::outputs; ++j) {
                    if (j != 0) put(' ');
                    s::put_hex(put, static_cast<double>(p[i * L::outputs + j]));
                }
                put('\n');
            }
        }
    });
    s::put_string(put, "end\n");
}

// The number of chars write_text / write_header produce: size a char_buffer.
template <class Net>
constexpr std::size_t text_size(const Net& net) {
    char_counter counter;
    write_text(net, counter);
    return counter.count;
}

template <class Net>
constexpr std::size_t header_size(const Net& net, std::string_view namespace_name = "model") {
    char_counter counter;
    write_header(net, counter, namespace_name);
    return counter.count;
}

// ---------------------------------------------------------------------------
// Reading the text format
// ---------------------------------------------------------------------------

enum class read_status {
    ok,
    not_ctnn_text,        // does not start with "ctnn-network"
    unsupported_version,  // a version other than 1
    wrong_scalar,         // "scalar" differs from the network's scalar type
    wrong_input_size,     // "input" differs from the network's input size
    wrong_layer_count,    // "layers" differs from the network's layer count
    wrong_layer,          // a layer line differs from the network's layer (kind or sizes)
    bad_number,           // a value that is not a hexadecimal float (0x1.8p+1), inf or nan
    missing_end,          // the text ends before "end"
    expected_end,         // more values or layers than the network has, where "end" should be
    trailing_text,        // something other than comments after "end"
};

constexpr const char* describe(read_status s) noexcept {
    switch (s) {
    case read_status::ok: return "ok";
    case read_status::not_ctnn_text: return "not ctnn's text format: it must start with \"ctnn-network 1\"";
    case read_status::unsupported_version: return "a version of ctnn's text format this reader does not know";
    case read_status::wrong_scalar: return "the text's scalar type differs from the network's";
    case read_status::wrong_input_size: return "the text's input size differs from the network's";
    case read_status::wrong_layer_count: return "the text's number of layers differs from the network's";
    case read_status::wrong_layer: return "a layer of the text differs from the network's layer at that position";
    case read_status::bad_number:
        return "a value is not a hexadecimal floating-point number such as 0x1.8p+1 (as write_text and "
               "Python's float.hex() write), inf or nan";
    case read_status::missing_end: return "the text ends early: values or \"end\" are missing";
    case read_status::expected_end: return "more values or layers than the network has: \"end\" expected";
    case read_status::trailing_text: return "text other than comments follows \"end\"";
    }
    return "unknown status";
}

struct read_result {
    read_status status = read_status::ok;
    std::size_t line = 0; // where reading stopped (1-based)
    constexpr explicit operator bool() const noexcept { return status == read_status::ok; }
};

namespace detail::serialize {

// Whitespace-separated tokens; '#' starts a comment to the end of the line.
struct tokenizer {
    std::string_view text;
    std::size_t position = 0;
    std::size_t line = 1;

    constexpr std::string_view next() noexcept {
        while (position < text.size()) {
            const char c = text[position];
            if (c == '#') {
                while (position < text.size() && text[position] != '\n') ++position;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (c == '\n') ++line;
                ++position;
            } else {
                break;
            }
        }
        const std::size_t start = position;
        while (position < text.size()) {
            const char c = text[position];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '#') break;
            ++position;
        }
        return text.substr(start, position - start);
    }
};

struct parsed_integer {
    bool ok;
    long long value;
};

constexpr parsed_integer parse_integer(std::string_view s) noexcept {
    std::size_t k = 0;
    const bool negative = !s.empty() && s[0] == '-';
    if (negative) k = 1;
    if (k == s.size() || s.size() - k > 18) return {false, 0};
    long long v = 0;
    for (; k < s.size(); ++k) {
        if (s[k] < '0' || s[k] > '9') return {false, 0};
        v = v * 10 + (s[k] - '0');
    }
    return {true, negative ? -v : v};
}

constexpr int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

struct parsed_number {
    bool ok;
    double value;
};

// [-+]0x<hex>[.<hex>]p[-+]<decimal>, inf, nan. Exact for every value that has at
// most 16 significant hex digits and is representable (all that write_text and
// float.hex() produce).
constexpr parsed_number parse_hex(std::string_view s) noexcept {
    std::size_t k = 0;
    bool negative = false;
    if (k < s.size() && (s[k] == '-' || s[k] == '+')) negative = s[k++] == '-';
    const std::string_view rest = s.substr(k);
    if (rest == "inf" || rest == "infinity")
        return {true, negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity()};
    if (rest == "nan") return {true, std::numeric_limits<double>::quiet_NaN()};
    if (rest.size() < 2 || rest[0] != '0' || (rest[1] != 'x' && rest[1] != 'X')) return {false, 0.0};
    k += 2;
    std::uint64_t mantissa = 0;
    int significant = 0, fraction_digits = 0, digits = 0;
    bool in_fraction = false;
    for (; k < s.size() && s[k] != 'p' && s[k] != 'P'; ++k) {
        if (s[k] == '.' && !in_fraction) {
            in_fraction = true;
            continue;
        }
        const int d = hex_digit(s[k]);
        if (d < 0) return {false, 0.0};
        ++digits;
        if (mantissa == 0 && d == 0) {
            if (in_fraction) ++fraction_digits;
            continue;
        }
        if (++significant > 16) return {false, 0.0};
        mantissa = mantissa * 16 + static_cast<std::uint64_t>(d);
        if (in_fraction) ++fraction_digits;
    }
    if (digits == 0 || k + 1 >= s.size()) return {false, 0.0}; // needs digits and "p<exponent>"
    const parsed_integer e = parse_integer(s[k + 1] == '+' ? s.substr(k + 2) : s.substr(k + 1));
    if (!e.ok) return {false, 0.0};
    const long long exponent = e.value - 4LL * fraction_digits;
    const int clamped = exponent > 4000 ? 4000 : (exponent < -4000 ? -4000 : static_cast<int>(exponent));
    const double magnitude = math::ldexp(static_cast<double>(mantissa), clamped);
    return {true, negative ? -magnitude : magnitude};
}

template <class Net>
constexpr read_result read_text(std::string_view text, Net& net) noexcept {
    using T = typename Net::scalar;
    tokenizer in{text};
    const auto fail = [&](read_status s) { return read_result{s, in.line}; };
    const auto expect = [&](std::string_view keyword, long long value) {
        if (in.next() != keyword) return false;
        const parsed_integer n = parse_integer(in.next());
        return n.ok && n.value == value;
    };
    if (in.next() != "ctnn-network") return fail(read_status::not_ctnn_text);
    if (in.next() != "1") return fail(read_status::unsupported_version);
    if (in.next() != "scalar" || in.next() != scalar_name<T>()) return fail(read_status::wrong_scalar);
    if (!expect("input", static_cast<long long>(Net::input_size))) return fail(read_status::wrong_input_size);
    if (!expect("layers", static_cast<long long>(Net::layer_count))) return fail(read_status::wrong_layer_count);

    read_status status = read_status::ok;
    boost::hana::for_each(Net::layers, [&](auto layer) {
        using L = decltype(layer);
        if (status != read_status::ok) return;
        // Compare the layer's line with the text write_text would give.
        char_buffer<96> spelled;
        put_layer<L>(spelled, style::text);
        tokenizer expected{spelled.view()};
        for (std::string_view want = expected.next(); !want.empty(); want = expected.next()) {
            if (in.next() != want) {
                status = read_status::wrong_layer;
                return;
            }
        }
        if constexpr (is_dense<L>::value) {
            T* p = net.parameters.data() + L::parameter_offset;
            for (std::size_t k = 0; k < L::parameter_count; ++k) {
                const std::string_view token = in.next();
                if (token.empty()) {
                    status = read_status::missing_end;
                    return;
                }
                const parsed_number v = parse_hex(token);
                if (!v.ok) {
                    status = read_status::bad_number;
                    return;
                }
                p[k] = static_cast<T>(v.value);
            }
        }
    });
    if (status != read_status::ok) return fail(status);
    const std::string_view end = in.next();
    if (end != "end") return fail(end.empty() ? read_status::missing_end : read_status::expected_end);
    if (!in.next().empty()) return fail(read_status::trailing_text);
    return {read_status::ok, in.line};
}

} // namespace detail::serialize

// Reads ctnn's text format into `net`, whose type must match the text (scalar,
// input size, every layer); returns ok, or what did not match and on which line.
// On failure net's parameters may be partly overwritten (no second copy is made:
// a microcontroller may have room for only one).
template <class Net>
constexpr read_result read_text(std::string_view text, Net& net) noexcept {
    static_assert(detail::serialize::check_is_network<Net>::value);
    return detail::serialize::read_text(text, net);
}

} // namespace ctnn
