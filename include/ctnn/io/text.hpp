// ctnn/io/text.hpp - ctnn's text format (docs/interop.md): a network's
// parameters out and back in, exactly, for any layer.
//
//   write_text(net, put)                the network in ctnn's text format, which
//                                       tools/ctnn_export.py loads into PyTorch
//   read_text(text, net)                that format back into a network of the same type
//
// Every layer is spelled by ctnn/io/spelling.hpp and its parameters are
// written in lines of layer_traits<L>::row_length values (a dense layer: a
// line per row of W, then the biases), so a user's layer round-trips too.
#pragma once

#include <ctnn/core/layer_traits.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/io/chars.hpp>
#include <ctnn/io/spelling.hpp>

#include <boost/hana/for_each.hpp>

#include <cstddef>
#include <string_view>
#include <type_traits>

namespace ctnn {

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
    static_assert(detail::io::check_is_network<Net>::value && detail::check_char_sink<std::remove_cvref_t<Put>>::value);
    namespace s = detail::io;
    using T = typename Net::scalar;
    s::put_string(put, "ctnn-network 1\nscalar ");
    s::put_string(put, s::scalar_name<T>());
    s::put_string(put, "\ninput ");
    s::put_unsigned(put, Net::input_size);
    s::put_string(put, "\nlayers ");
    s::put_unsigned(put, Net::layer_count);
    put('\n');
    s::for_each_specification<Net>([&]<class Spec, std::size_t I>() {
        using L = typename Net::template layer_type<I>;
        s::put_string(put, s::text_spelling<Spec>.view());
        put('\n');
        constexpr std::size_t row = layer_traits<L>::row_length;
        const T* p = net.parameters.data() + Net::parameter_offsets[I];
        for (std::size_t k = 0; k < L::parameter_count; ++k) {
            if (k % row != 0) put(' ');
            s::put_hex(put, static_cast<double>(p[k]));
            if (k % row == row - 1) put('\n');
        }
    });
    s::put_string(put, "end\n");
}

// The number of chars write_text produces: size a char_buffer.
template <class Net>
constexpr std::size_t text_size(const Net& net) {
    char_counter counter;
    write_text(net, counter);
    return counter.count;
}

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

namespace detail::io {

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


// Reads (Write = false: only checks) the text into net.
template <bool Write, class Net>
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
    for_each_specification<Net>([&]<class Spec, std::size_t I>() {
        using L = typename Net::template layer_type<I>;
        if (status != read_status::ok) return;
        tokenizer expected{text_spelling<Spec>.view()};
        for (std::string_view want = expected.next(); !want.empty(); want = expected.next()) {
            if (in.next() != want) {
                status = read_status::wrong_layer;
                return;
            }
        }
        T* p = net.parameters.data() + Net::parameter_offsets[I];
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
            if constexpr (Write) p[k] = static_cast<T>(v.value);
        }
    });
    if (status != read_status::ok) return fail(status);
    const std::string_view end = in.next();
    if (end != "end") return fail(end.empty() ? read_status::missing_end : read_status::expected_end);
    if (!in.next().empty()) return fail(read_status::trailing_text);
    return {read_status::ok, in.line};
}

} // namespace detail::io

// Reads ctnn's text format into `net`, whose type must match the text (scalar,
// input size, every layer); returns ok, or what did not match and on which
// line. Transactional: the text is checked whole first, so on failure net is
// exactly as it was (and no second copy of the parameters is needed: a
// microcontroller may have room for only one).
template <class Net>
constexpr read_result read_text(std::string_view text, Net& net) noexcept {
    static_assert(detail::io::check_is_network<Net>::value);
    const read_result checked = detail::io::read_text<false>(text, net);
    if (!checked) return checked;
    return detail::io::read_text<true>(text, net);
}

} // namespace ctnn
