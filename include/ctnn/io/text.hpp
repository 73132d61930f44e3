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
    unsupported_version,  // the first line is not "ctnn-network 1"
    wrong_scalar,         // the "scalar" line differs from the network's scalar type
    wrong_input_size,     // the "input" line differs from the network's input size
    wrong_layer_count,    // the "layers" line differs from the network's layer count
    wrong_layer,          // a layer line differs from the network's layer (kind or sizes)
    wrong_row_length,     // a line of values holds more or fewer values than the layer's rows
    bad_number,           // a value that is not a hexadecimal float (0x1.8p+1), inf or nan, or not exact in the scalar
    missing_end,          // the text ends before "end", or "end" comes where values are missing
    expected_end,         // more values or layers than the network has, where "end" should be
    trailing_text,        // something other than comments after "end"
    not_ascii,            // a byte outside ASCII (the format is ASCII text)
};

constexpr const char* describe(read_status s) noexcept {
    switch (s) {
    case read_status::ok: return "ok";
    case read_status::not_ctnn_text: return "not ctnn's text format: it must start with \"ctnn-network 1\"";
    case read_status::unsupported_version:
        return "the first line must be \"ctnn-network 1\": a version of ctnn's text format this reader does not know";
    case read_status::wrong_scalar: return "the text's scalar line differs from the network's scalar type";
    case read_status::wrong_input_size: return "the text's input line differs from the network's input size";
    case read_status::wrong_layer_count: return "the text's layers line differs from the network's layer count";
    case read_status::wrong_layer: return "a layer line of the text differs from the network's layer at that position";
    case read_status::wrong_row_length:
        return "this line of values holds more or fewer values than a row of the layer (a dense layer: its output "
               "count); each row is one line";
    case read_status::bad_number:
        return "a value is not a hexadecimal floating-point number such as 0x1.8p+1 (as write_text and "
               "Python's float.hex() write), inf or nan, or the scalar type cannot hold it exactly (it would be "
               "rounded, overflow to infinity or underflow to zero)";
    case read_status::missing_end: return "the text ends early: values or \"end\" are missing";
    case read_status::expected_end: return "more values or layers than the network has: \"end\" expected";
    case read_status::trailing_text: return "text other than comments follows \"end\"";
    case read_status::not_ascii: return "a byte that is not ASCII: the format is ASCII text";
    }
    return "unknown status";
}

struct read_result {
    read_status status = read_status::ok;
    std::size_t line = 0; // where reading stopped (1-based)
    constexpr explicit operator bool() const noexcept { return status == read_status::ok; }
};

namespace detail::io {

// Tokens of one line: separated by spaces and tabs only (docs/interop.md); any
// other character, a form feed or a no-break space, is part of a token.
struct line_tokens {
    std::string_view rest;

    static constexpr bool separator(char c) noexcept { return c == ' ' || c == '\t'; }

    constexpr std::string_view next() noexcept {
        std::size_t k = 0;
        while (k < rest.size() && separator(rest[k])) ++k;
        std::size_t end = k;
        while (end < rest.size() && !separator(rest[end])) ++end;
        const std::string_view token = rest.substr(k, end - k);
        rest = rest.substr(end);
        return token;
    }
    constexpr std::size_t count() const noexcept {
        line_tokens copy = *this;
        std::size_t n = 0;
        while (!copy.next().empty()) ++n;
        return n;
    }
};

// The text's lines that hold tokens, one at a time. A line ends at "\n", "\r\n"
// or a lone "\r"; '#' starts a comment to the end of the line.
struct line_reader {
    std::string_view text;
    std::size_t position = 0;
    std::size_t line = 0;      // the line last returned (at the end: the text's last line)
    bool non_ascii = false;    // next() stopped at a byte outside ASCII (on `line`)

    // The next line with a token (its comment cut off); empty at the end of the
    // text or at a non-ASCII byte.
    constexpr line_tokens next() noexcept {
        while (position < text.size() && !non_ascii) {
            ++line;
            const std::size_t start = position;
            std::size_t end = start, comment = std::string_view::npos;
            for (; end < text.size() && text[end] != '\n' && text[end] != '\r'; ++end) {
                if (static_cast<unsigned char>(text[end]) > 0x7F) non_ascii = true;
                if (text[end] == '#' && comment == std::string_view::npos) comment = end;
            }
            position = end;
            if (position < text.size()) // the line's end: "\r\n" is one
                position += text[position] == '\r' && position + 1 < text.size() && text[position + 1] == '\n' ? 2 : 1;
            if (non_ascii) break;
            const line_tokens tokens{text.substr(start, (comment == std::string_view::npos ? end : comment) - start)};
            if (tokens.count() != 0) return tokens;
        }
        return {};
    }
};

constexpr bool tokens_are(line_tokens tokens, std::string_view expected) noexcept {
    line_tokens want{expected};
    for (std::string_view w = want.next(); !w.empty(); w = want.next())
        if (tokens.next() != w) return false;
    return tokens.next().empty();
}

// Reads (Write = false: only checks) the text into net.
template <bool Write, class Net>
constexpr read_result read_text(std::string_view text, Net& net) noexcept {
    using T = typename Net::scalar;
    line_reader in{text};
    const auto fail = [&](read_status s) { return read_result{in.non_ascii ? read_status::not_ascii : s, in.line}; };
    const auto keyword_line = [&](std::string_view keyword, long long value) {
        line_tokens tokens = in.next();
        if (tokens.next() != keyword) return false;
        const parsed_integer n = parse_integer(tokens.next());
        return n.ok && n.value == value && tokens.next().empty();
    };
    {
        line_tokens first = in.next();
        if (first.next() != "ctnn-network") return fail(read_status::not_ctnn_text);
        if (first.next() != "1" || !first.next().empty()) return fail(read_status::unsupported_version);
    }
    {
        line_tokens scalar = in.next();
        if (scalar.next() != "scalar" || scalar.next() != scalar_name<T>() || !scalar.next().empty())
            return fail(read_status::wrong_scalar);
    }
    if (!keyword_line("input", static_cast<long long>(Net::input_size))) return fail(read_status::wrong_input_size);
    if (!keyword_line("layers", static_cast<long long>(Net::layer_count))) return fail(read_status::wrong_layer_count);

    read_status status = read_status::ok;
    for_each_specification<Net>([&]<class Spec, std::size_t I>() {
        using L = typename Net::template layer_type<I>;
        if (status != read_status::ok) return;
        if (!tokens_are(in.next(), text_spelling<Spec>.view())) {
            status = read_status::wrong_layer;
            return;
        }
        constexpr std::size_t row = layer_traits<L>::row_length;
        T* p = net.parameters.data() + Net::parameter_offsets[I];
        for (std::size_t k = 0; k < L::parameter_count; k += row) { // one line per row
            line_tokens values = in.next();
            if (values.count() == 0 || tokens_are(values, "end")) {
                status = read_status::missing_end;
                return;
            }
            if (values.count() != row) {
                status = read_status::wrong_row_length;
                return;
            }
            for (std::size_t j = 0; j < row; ++j) {
                const parsed_number<T> v = parse_hex<T>(values.next());
                if (!v.ok) {
                    status = read_status::bad_number;
                    return;
                }
                if constexpr (Write) p[k + j] = v.value;
            }
        }
    });
    if (status != read_status::ok) return fail(status);
    line_tokens end = in.next();
    if (end.count() == 0) return fail(read_status::missing_end);
    if (end.next() != "end") return fail(read_status::expected_end);
    if (!end.next().empty() || in.next().count() != 0) return fail(read_status::trailing_text);
    if (in.non_ascii) return fail(read_status::not_ascii);
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
