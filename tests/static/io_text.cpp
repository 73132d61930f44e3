// Compile-time test for ctnn/io/text.hpp's reader and ctnn/io/chars.hpp's
// number parser (issue 12): rows are checked, numbers are exact or refused,
// lines end at \n, \r\n or \r, only spaces and tabs separate tokens, only ASCII
// is read, and a failed read leaves the network as it was. Every check is a
// STATIC_REQUIRE. The runtime side (argv-driven texts, a differential test of
// the parser against strtod/strtof) is tests/runtime/io_text.cpp; the fuzz
// targets are tests/fuzz.
#include <ctnn/core/initialise.hpp>
#include <ctnn/core/layers.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/io/text.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <string_view>

namespace {

using ctnn::read_status;

template <class T>
constexpr bool parses_to(std::string_view text, T expected) {
    const auto r = ctnn::detail::io::parse_hex<T>(text);
    using bits = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
    return r.ok && std::bit_cast<bits>(r.value) == std::bit_cast<bits>(expected);
}
template <class T>
constexpr bool refuses(std::string_view text) {
    return !ctnn::detail::io::parse_hex<T>(text).ok;
}

using small_t = ctnn::network<float, ctnn::dense<2, 2>, ctnn::relu, ctnn::dense<2, 1>>;

// Line numbers:               1                 2              3         4          5
constexpr std::string_view small_text = "ctnn-network 1\nscalar float\ninput 2\nlayers 3\ndense 2 2\n"
                                        "0x1p+0 -0x1.4p+1\n"       // 6
                                        "0x1p-1 0x1.99999ap-4\n"   // 7
                                        "0x0p+0 -0x0p+0\n"         // 8: the biases
                                        "relu\n"                   // 9
                                        "dense 2 1\n"              // 10
                                        "0x1.8p+1\n"               // 11
                                        "0x1p-2\n"                 // 12
                                        "-0x1p+0\n"                // 13
                                        "end\n";                   // 14

// small_text with `from` (its first occurrence) replaced by `to`.
constexpr ctnn::char_buffer<1024> replaced(std::string_view from, std::string_view to,
                                           std::string_view text = small_text) {
    ctnn::char_buffer<1024> b;
    const std::size_t at = text.find(from);
    for (std::size_t k = 0; k < at; ++k) b(text[k]);
    for (char c : to) b(c);
    for (std::size_t k = at + from.size(); k < text.size(); ++k) b(text[k]);
    return b;
}

// small_text with every "\n" replaced by `newline`.
constexpr ctnn::char_buffer<1024> with_newlines(std::string_view newline, std::string_view text = small_text) {
    ctnn::char_buffer<1024> b;
    for (char c : text) {
        if (c == '\n') {
            for (char n : newline) b(n);
        } else {
            b(c);
        }
    }
    return b;
}

template <class Net = small_t>
constexpr ctnn::read_result read_into(std::string_view text) {
    Net net{};
    return ctnn::read_text(text, net);
}

constexpr bool fails_with(std::string_view text, read_status status, std::size_t line) {
    const auto r = read_into(text);
    return r.status == status && r.line == line;
}

// A network full of distinct values, so that any overwritten one shows.
constexpr small_t distinct() {
    small_t n{};
    for (std::size_t k = 0; k < small_t::parameter_count; ++k) n.parameters[k] = 100.0f + static_cast<float>(k);
    return n;
}

// read_text fails on `text`, and the network is bit for bit as it was.
constexpr bool leaves_network_unchanged(std::string_view text) {
    small_t n = distinct();
    const auto r = ctnn::read_text(text, n);
    if (r) return false;
    for (std::size_t k = 0; k < small_t::parameter_count; ++k)
        if (std::bit_cast<std::uint32_t>(n.parameters[k]) != std::bit_cast<std::uint32_t>(distinct().parameters[k]))
            return false;
    return true;
}

} // namespace

TEST_CASE("io_text: the reader reads the documented text") {
    STATIC_REQUIRE(read_into(small_text).status == read_status::ok);
    STATIC_REQUIRE(read_into(small_text).line == 14);
    // Comments, blank lines, runs of spaces and tabs, no final newline.
    STATIC_REQUIRE(read_into("# written by hand\n\nctnn-network 1 # version\nscalar\tfloat\ninput  2\nlayers 3\n"
                             "dense 2 2\n 0x1p+0\t\t0x1p+0 \n0x1p+0 0x1p+0 # W\n0x0p+0 0x0p+0\n#\nrelu\ndense 2 1\n"
                             "0x1p+0\n0x1p+0\n0x0p+0\nend # done\n# after end: only comments\n\n")
                       .status == read_status::ok);
    STATIC_REQUIRE(read_into(replaced("end\n", "end").view()).status == read_status::ok);
}

TEST_CASE("io_text: each row is one line of row_length values, reported on its own line") {
    // One value too few on a row (it moved to the next line).
    STATIC_REQUIRE(fails_with(replaced("0x1p+0 -0x1.4p+1\n0x1p-1", "0x1p+0\n-0x1.4p+1 0x1p-1").view(),
                              read_status::wrong_row_length, 6));
    // One too many.
    STATIC_REQUIRE(fails_with(replaced("-0x1.4p+1\n", "-0x1.4p+1 0x1p+0\n").view(), read_status::wrong_row_length, 6));
    // The biases one short: the next line is not read as the missing value.
    STATIC_REQUIRE(fails_with(replaced("0x0p+0 -0x0p+0\n", "0x0p+0\n").view(), read_status::wrong_row_length, 8));
    // A row of a one-column layer with two values.
    STATIC_REQUIRE(fails_with(replaced("0x1p-2\n", "0x1p-2 0x1p+0\n").view(), read_status::wrong_row_length, 12));
    // Values on the layer's line.
    STATIC_REQUIRE(fails_with(replaced("dense 2 1\n0x1.8p+1\n", "dense 2 1 0x1.8p+1\n").view(),
                              read_status::wrong_layer, 10));
    // A whole row missing before "end": the values are missing, on end's line.
    STATIC_REQUIRE(fails_with(replaced("-0x1p+0\n", "").view(), read_status::missing_end, 13));
    // Every keyword on its own line, nothing else on it.
    STATIC_REQUIRE(fails_with("ctnn-network 1 scalar float input 2 layers 3\n", read_status::unsupported_version, 1));
    STATIC_REQUIRE(fails_with(replaced("scalar float", "scalar float 1").view(), read_status::wrong_scalar, 2));
    STATIC_REQUIRE(fails_with(replaced("input 2", "input 2 3").view(), read_status::wrong_input_size, 3));
    STATIC_REQUIRE(fails_with(replaced("layers 3", "layers 3 dense").view(), read_status::wrong_layer_count, 4));
    STATIC_REQUIRE(fails_with(replaced("relu", "relu relu").view(), read_status::wrong_layer, 9));
    STATIC_REQUIRE(fails_with(replaced("end", "end end").view(), read_status::trailing_text, 14));
    STATIC_REQUIRE(fails_with(replaced("end\n", "end\nrelu\n").view(), read_status::trailing_text, 15));
    STATIC_REQUIRE(fails_with(replaced("end\n", "0x1p+0\nend\n").view(), read_status::expected_end, 14));
    STATIC_REQUIRE(fails_with(replaced("end\n", "").view(), read_status::missing_end, 13));
}

TEST_CASE("io_text: lines end at \\n, \\r\\n or a lone \\r") {
    constexpr auto bad_value = replaced("0x1p-2", "0.25"); // line 12
    STATIC_REQUIRE(fails_with(bad_value.view(), read_status::bad_number, 12));
    STATIC_REQUIRE(read_into(with_newlines("\r").view()).status == read_status::ok);
    STATIC_REQUIRE(read_into(with_newlines("\r\n").view()).status == read_status::ok);
    STATIC_REQUIRE(fails_with(with_newlines("\r", bad_value.view()).view(), read_status::bad_number, 12));
    STATIC_REQUIRE(fails_with(with_newlines("\r\n", bad_value.view()).view(), read_status::bad_number, 12));
    // "\n\r" is two line ends (a \n, then a lone \r).
    STATIC_REQUIRE(fails_with(with_newlines("\n\r", bad_value.view()).view(), read_status::bad_number, 23));
    // A comment ends at a lone \r too.
    STATIC_REQUIRE(read_into(replaced("relu\n", "relu # rectifier\r").view()).status == read_status::ok);
    STATIC_REQUIRE(fails_with(with_newlines("\r", replaced("relu\n", "relu # rectifier\n", bad_value.view()).view())
                                  .view(),
                              read_status::bad_number, 12));
}

TEST_CASE("io_text: only spaces and tabs separate tokens; only ASCII is read") {
    STATIC_REQUIRE(read_into(replaced("0x1p+0 -0x1.4p+1", "0x1p+0\t-0x1.4p+1").view()).status == read_status::ok);
    STATIC_REQUIRE(fails_with(replaced("0x1p+0 -0x1.4p+1", "0x1p+0\f-0x1.4p+1").view(), read_status::wrong_row_length, 6));
    STATIC_REQUIRE(fails_with(replaced("0x1p+0 -0x1.4p+1", "0x1p+0 \v-0x1.4p+1").view(), read_status::bad_number, 6));
    STATIC_REQUIRE(fails_with(replaced("relu", "relu\f").view(), read_status::wrong_layer, 9));
    STATIC_REQUIRE(fails_with(replaced("relu", "relu\v").view(), read_status::wrong_layer, 9));
    STATIC_REQUIRE(fails_with(replaced("0x1p+0 -0x1.4p+1", "0x1p+0\xC2\xA0-0x1.4p+1").view(), read_status::not_ascii, 6));
    // Outside ASCII even in a comment (as the Python reader), and after "end".
    STATIC_REQUIRE(fails_with(replaced("relu", "relu # r\xC3\xA9lu").view(), read_status::not_ascii, 9));
    STATIC_REQUIRE(fails_with(replaced("end\n", "end\n# \xFF\n").view(), read_status::not_ascii, 15));
    STATIC_REQUIRE(ctnn::describe(read_status::not_ascii) != std::string_view{"unknown status"});
    STATIC_REQUIRE(ctnn::describe(read_status::wrong_row_length) != std::string_view{"unknown status"});
}

TEST_CASE("io_text: a value is exact in the scalar type or refused") {
    // Malformed exponents.
    STATIC_REQUIRE(refuses<double>("0x1p+-5"));
    STATIC_REQUIRE(refuses<double>("0x1p-+5"));
    STATIC_REQUIRE(refuses<double>("0x1p++5"));
    STATIC_REQUIRE(refuses<double>("0x1p--5"));
    STATIC_REQUIRE(refuses<double>("0x1p+"));
    STATIC_REQUIRE(refuses<double>("0x1p-"));
    STATIC_REQUIRE(refuses<double>("0x1p"));
    STATIC_REQUIRE(refuses<double>("0x1p1.5"));
    STATIC_REQUIRE(parses_to("0x1p5", 32.0));
    STATIC_REQUIRE(parses_to("0x1P-0005", 0x1p-5));
    STATIC_REQUIRE(parses_to("0x1p+000000000000000000000000001", 2.0)); // long exponents: strtod reads them too
    // Mantissas.
    STATIC_REQUIRE(parses_to("0x.8p+0", 0.5));
    STATIC_REQUIRE(parses_to("0x1.p+0", 1.0));
    STATIC_REQUIRE(refuses<double>("0x.p+0"));
    STATIC_REQUIRE(refuses<double>("0x1..8p+0"));
    STATIC_REQUIRE(refuses<double>("0x-1p+0"));
    STATIC_REQUIRE(refuses<double>("0x1.8"));
    STATIC_REQUIRE(refuses<double>("1.5"));
    STATIC_REQUIRE(refuses<double>(""));
    STATIC_REQUIRE(refuses<double>("-"));
    // inf and nan as C and Python spell them; a NaN keeps its sign.
    STATIC_REQUIRE(parses_to("INF", std::numeric_limits<double>::infinity()));
    STATIC_REQUIRE(parses_to("-Infinity", -std::numeric_limits<double>::infinity()));
    STATIC_REQUIRE(ctnn::detail::io::parse_hex<double>("NaN").ok);
    STATIC_REQUIRE(std::bit_cast<std::uint64_t>(ctnn::detail::io::parse_hex<double>("-nan").value) >> 63 == 1);
    STATIC_REQUIRE(std::bit_cast<std::uint32_t>(ctnn::detail::io::parse_hex<float>("nan").value) >> 31 == 0);
    STATIC_REQUIRE(refuses<double>("infinit"));
    STATIC_REQUIRE(refuses<double>("nan(1)"));
    // Overflow to infinity and underflow to zero are refused, not read as inf or 0.
    STATIC_REQUIRE(parses_to("0x1.fffffffffffffp+1023", std::numeric_limits<double>::max()));
    STATIC_REQUIRE(refuses<double>("0x1p+1024"));
    STATIC_REQUIRE(refuses<double>("0x1p+99999999999999999999"));
    STATIC_REQUIRE(parses_to("0x1p-1074", std::numeric_limits<double>::denorm_min()));
    STATIC_REQUIRE(refuses<double>("0x1p-1075"));
    STATIC_REQUIRE(refuses<double>("0x1p-99999999999999999999"));
    STATIC_REQUIRE(parses_to("0x1.fffffep+127", std::numeric_limits<float>::max()));
    STATIC_REQUIRE(refuses<float>("0x1p+128"));
    STATIC_REQUIRE(parses_to("0x1p-149", std::numeric_limits<float>::denorm_min()));
    STATIC_REQUIRE(refuses<float>("0x1p-150"));
    STATIC_REQUIRE(refuses<float>("0x1.8p-150")); // rounds to denorm_min: refused all the same
    // Zero with any exponent is zero.
    STATIC_REQUIRE(parses_to("-0x0.000p+99999999999999999999", -0.0));
    // Any number of digits: exact values read, values that would be rounded refused.
    STATIC_REQUIRE(parses_to("0x1.00000000000000000000000000000000p+0", 1.0));
    STATIC_REQUIRE(parses_to("0x00000000000000000000000000000001p+0", 1.0));
    STATIC_REQUIRE(parses_to("0x0.0000000000000000000000000001p+112", 1.0));
    STATIC_REQUIRE(parses_to("0x10000000000000000000000000000000p-124", 1.0));
    STATIC_REQUIRE(parses_to("0x1.0000000000001p+0", 1.0 + 0x1p-52));
    STATIC_REQUIRE(refuses<double>("0x1.00000000000008p+0"));   // 1 + 2^-53: between two doubles
    STATIC_REQUIRE(refuses<double>("0x1.0000000000000000001p+0"));
    STATIC_REQUIRE(refuses<double>("0x12345678123456789p+0")); // 65 significant bits
    STATIC_REQUIRE(parses_to("0x0.0000000000001p-1022", 0x1p-1074));
    STATIC_REQUIRE(refuses<double>("0x1.8p-1074")); // between denorm_min and 2 denorm_min
    STATIC_REQUIRE(refuses<double>("0x1.00000000000018p-1060"));
    STATIC_REQUIRE(parses_to("0x1.000002p+0", 1.0f + 0x1p-23f));
    STATIC_REQUIRE(refuses<float>("0x1.000001p+0")); // a double, but between two floats
    STATIC_REQUIRE(refuses<float>("0x1.99999999999ap-4"));
    STATIC_REQUIRE(parses_to("0x1.99999ap-4", 0.1f));
}

TEST_CASE("io_text: refused numbers are bad_number in read_text") {
    STATIC_REQUIRE(fails_with(replaced("0x1p-2", "0x1p+-2").view(), read_status::bad_number, 12));
    STATIC_REQUIRE(fails_with(replaced("0x1p-2", "0x1p+128").view(), read_status::bad_number, 12));  // inf in float
    STATIC_REQUIRE(fails_with(replaced("0x1p-2", "0x1p-150").view(), read_status::bad_number, 12));  // 0 in float
    STATIC_REQUIRE(fails_with(replaced("0x1p-2", "0x1.000001p+0").view(), read_status::bad_number, 12));
    STATIC_REQUIRE(read_into(replaced("0x1p-2", "0x1p+127").view()).status == read_status::ok);
    STATIC_REQUIRE(read_into(replaced("0x1p-2", "-inf").view()).status == read_status::ok);
}

TEST_CASE("io_text: a failed read leaves the network exactly as it was") {
    STATIC_REQUIRE(leaves_network_unchanged(replaced("-0x1p+0", "-0x1p+0x").view())); // the last value
    STATIC_REQUIRE(leaves_network_unchanged(replaced("end\n", "end\nrelu\n").view()));  // after "end"
    STATIC_REQUIRE(leaves_network_unchanged(replaced("0x1p-2\n", "0x1p-2 0x1p+0\n").view()));
    STATIC_REQUIRE(leaves_network_unchanged(replaced("end\n", "").view()));
    // A successful read writes every value.
    STATIC_REQUIRE([] {
        small_t n = distinct();
        return ctnn::read_text(small_text, n) && n.parameters[8] == -1.0f && n.parameters[0] == 1.0f;
    }());
}
