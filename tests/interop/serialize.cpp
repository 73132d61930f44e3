// ctnn/io/serialize.hpp without PyTorch: the text format and the header writer,
// checked in constant expressions (and, built with
// CATCH_CONFIG_RUNTIME_STATIC_REQUIRE, the same checks at runtime).
#include <ctnn/ctnn.hpp>
#include <ctnn/io/text.hpp>
#include <ctnn/io/header.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <limits>
#include <string_view>

namespace {

using namespace std::string_view_literals;

template <std::size_t N = 64>
constexpr ctnn::char_buffer<N> hex(double x) {
    ctnn::char_buffer<N> b;
    ctnn::detail::io::put_hex(b, x);
    return b;
}

constexpr bool hex_is(double x, std::string_view expected) { return hex(x).view() == expected; }

constexpr bool parses_to(std::string_view text, double expected) {
    const auto r = ctnn::detail::io::parse_hex(text);
    return r.ok && std::bit_cast<std::uint64_t>(r.value) == std::bit_cast<std::uint64_t>(expected);
}

constexpr bool refuses(std::string_view text) { return !ctnn::detail::io::parse_hex(text).ok; }

constexpr bool round_trips(double x) {
    const auto b = hex(x);
    return parses_to(b.view(), x);
}

using small_t = ctnn::network<float, ctnn::dense<2, 2>, ctnn::relu, ctnn::dense<2, 1>>;

constexpr small_t small_net() {
    small_t n{};
    const std::array<float, small_t::parameter_count> p{1.0f, -2.5f, 0.5f, 0.1f, 0.0f, -0.0f, 3.0f, 0.25f, -1.0f};
    n.parameters = p;
    return n;
}

constexpr std::string_view small_text = "ctnn-network 1\n"
                                        "scalar float\n"
                                        "input 2\n"
                                        "layers 3\n"
                                        "dense 2 2\n"
                                        "0x1p+0 -0x1.4p+1\n"
                                        "0x1p-1 0x1.99999ap-4\n"
                                        "0x0p+0 -0x0p+0\n"
                                        "relu\n"
                                        "dense 2 1\n"
                                        "0x1.8p+1\n"
                                        "0x1p-2\n"
                                        "-0x1p+0\n"
                                        "end\n";

template <class Net, std::size_t N = 4096>
constexpr ctnn::char_buffer<N> text_of(const Net& net) {
    ctnn::char_buffer<N> b;
    ctnn::write_text(net, b);
    return b;
}

template <class Net>
constexpr ctnn::read_result read_into(std::string_view text) {
    Net net{};
    return ctnn::read_text(text, net);
}

template <class Net>
constexpr bool text_round_trips(const Net& net) {
    const auto b = text_of(net);
    Net back{};
    const auto r = ctnn::read_text(b.view(), back);
    if (!r || b.overflowed) return false;
    for (std::size_t k = 0; k < Net::parameter_count; ++k)
        if (std::bit_cast<typename Net::scalar>(back.parameters[k]) != std::bit_cast<typename Net::scalar>(net.parameters[k]))
            return false;
    return true;
}

constexpr bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

} // namespace

TEST_CASE("values are written as exact hexadecimal floating point") {
    STATIC_REQUIRE(hex_is(1.0, "0x1p+0"));
    STATIC_REQUIRE(hex_is(-2.5, "-0x1.4p+1"));
    STATIC_REQUIRE(hex_is(0.1, "0x1.999999999999ap-4"));
    STATIC_REQUIRE(hex_is(static_cast<double>(0.1f), "0x1.99999ap-4"));
    STATIC_REQUIRE(hex_is(0.0, "0x0p+0"));
    STATIC_REQUIRE(hex_is(-0.0, "-0x0p+0"));
    STATIC_REQUIRE(hex_is(std::numeric_limits<double>::denorm_min(), "0x1p-1074"));
    STATIC_REQUIRE(hex_is(std::numeric_limits<double>::max(), "0x1.fffffffffffffp+1023"));
    STATIC_REQUIRE(hex_is(std::numeric_limits<double>::infinity(), "inf"));
    STATIC_REQUIRE(hex_is(-std::numeric_limits<double>::infinity(), "-inf"));
    STATIC_REQUIRE(hex_is(std::numeric_limits<double>::quiet_NaN(), "nan"));
}

TEST_CASE("the reader parses what the writer and Python's float.hex() write, exactly") {
    STATIC_REQUIRE(round_trips(0.1));
    STATIC_REQUIRE(round_trips(-0.0));
    STATIC_REQUIRE(round_trips(1e-310)); // subnormal
    STATIC_REQUIRE(round_trips(std::numeric_limits<double>::denorm_min()));
    STATIC_REQUIRE(round_trips(std::numeric_limits<double>::max()));
    STATIC_REQUIRE(round_trips(static_cast<double>(std::numeric_limits<float>::denorm_min())));
    STATIC_REQUIRE(parses_to("0x1.0000000000000p+0", 1.0));           // float.hex(1.0)
    STATIC_REQUIRE(parses_to("0x0.0000000000001p-1022", 0x1p-1074)); // float.hex(5e-324)
    STATIC_REQUIRE(parses_to("0X1.8P+1", 3.0));
    STATIC_REQUIRE(parses_to("+0x1p0", 1.0));
    STATIC_REQUIRE(parses_to("0x10p-4", 1.0));
    STATIC_REQUIRE(parses_to("-inf", -std::numeric_limits<double>::infinity()));
    STATIC_REQUIRE(refuses("1.5"));   // decimal: not read in C++ (Python's loader reads it)
    STATIC_REQUIRE(refuses("0x"));
    STATIC_REQUIRE(refuses("0x1.8")); // no exponent
    STATIC_REQUIRE(refuses("0x1p"));
    STATIC_REQUIRE(refuses("0xg1p+0"));
    STATIC_REQUIRE(refuses("0x1.8p+1x"));
    STATIC_REQUIRE(refuses("0x12345678123456789p+0")); // more than 16 significant digits
}

TEST_CASE("write_text writes the documented format") {
    constexpr auto text = text_of(small_net());
    STATIC_REQUIRE(text.view() == small_text);
    STATIC_REQUIRE(ctnn::text_size(small_net()) == small_text.size());
}

TEST_CASE("read_text reads it back bit for bit") {
    STATIC_REQUIRE(text_round_trips(small_net()));
    STATIC_REQUIRE(text_round_trips(ctnn::make_network<small_t::rebind<double>>(3)));
    using mixed_t = ctnn::network<double, ctnn::input<3>, ctnn::tanh, ctnn::dense<3, 4>, ctnn::leaky_relu<-1, 7>,
                                  ctnn::dense<4, 2>, ctnn::softmax>;
    STATIC_REQUIRE(text_round_trips(ctnn::make_network<mixed_t>(11)));
    STATIC_REQUIRE(contains(text_of(ctnn::make_network<mixed_t>(11)).view(), "\ninput 3\nlayers 5\ntanh\ndense 3 4\n"));
    STATIC_REQUIRE(contains(text_of(ctnn::make_network<mixed_t>(11)).view(), "\nleaky_relu -1 7\n"));
    // Comments, blank lines, spaces and tabs are allowed; each keyword, layer and
    // row of values is a line (tests/static/io_text.cpp checks the rows).
    STATIC_REQUIRE(read_into<small_t>("# a comment\nctnn-network 1\n\nscalar  float\ninput\t2\nlayers 3\n"
                                      "dense 2 2\n0x1p+0 0x1p+0\n 0x1p+0\t0x1p+0 \n0x0p+0 0x0p+0 # the biases\n"
                                      "relu\ndense 2 1\n0x1p+0\n0x1p+0\n0x0p+0\nend # done\n")
                       .status == ctnn::read_status::ok);
}

TEST_CASE("read_text says what does not match, and where") {
    using ctnn::read_status;
    const auto replaced = [](std::string_view from, std::string_view to) {
        ctnn::char_buffer<1024> b;
        const std::size_t at = small_text.find(from);
        for (std::size_t k = 0; k < at; ++k) b(small_text[k]);
        for (char c : to) b(c);
        for (std::size_t k = at + from.size(); k < small_text.size(); ++k) b(small_text[k]);
        return b;
    };
    STATIC_REQUIRE(read_into<small_t>("hello").status == read_status::not_ctnn_text);
    STATIC_REQUIRE(read_into<small_t>(replaced("network 1", "network 2").view()).status ==
                   read_status::unsupported_version);
    STATIC_REQUIRE(read_into<small_t::rebind<double>>(small_text).status == read_status::wrong_scalar);
    STATIC_REQUIRE(read_into<small_t>(replaced("input 2", "input 3").view()).status == read_status::wrong_input_size);
    STATIC_REQUIRE(read_into<small_t>(replaced("layers 3", "layers 4").view()).status == read_status::wrong_layer_count);
    STATIC_REQUIRE(read_into<small_t>(replaced("relu", "tanh").view()).status == read_status::wrong_layer);
    STATIC_REQUIRE(read_into<small_t>(replaced("dense 2 1", "dense 2 3").view()).status == read_status::wrong_layer);
    STATIC_REQUIRE(read_into<small_t>(replaced("0x1p-2", "0.25").view()).status == read_status::bad_number);
    STATIC_REQUIRE(read_into<small_t>(replaced("0x1p-2", "0.25").view()).line == 12);
    STATIC_REQUIRE(read_into<small_t>(replaced("end\n", "").view()).status == read_status::missing_end);
    STATIC_REQUIRE(read_into<small_t>(replaced("-0x1p+0\nend\n", "").view()).status == read_status::missing_end);
    // A row missing before "end": the values are missing.
    STATIC_REQUIRE(read_into<small_t>(replaced("-0x1p+0\n", "").view()).status == read_status::missing_end);
    STATIC_REQUIRE(read_into<small_t>(replaced("end\n", "end\nrelu\n").view()).status == read_status::trailing_text);
    STATIC_REQUIRE(read_into<small_t>(replaced("end\n", "0x1p+0\nend\n").view()).status == read_status::expected_end);
    STATIC_REQUIRE(!read_into<small_t>("hello"));
    STATIC_REQUIRE(contains(ctnn::describe(read_status::bad_number), "hexadecimal"));
}

TEST_CASE("write_header spells the network's type and its weights") {
    using head_t = ctnn::network<double, ctnn::input<2>, ctnn::tanh, ctnn::dense<2, 1>, ctnn::elu<1, 2>>;
    constexpr auto header = [] {
        ctnn::char_buffer<4096> b;
        ctnn::write_header(ctnn::make_network<head_t>(5), b, "my::model");
        return b;
    }();
    STATIC_REQUIRE(!header.overflowed);
    STATIC_REQUIRE(contains(header.view(), "namespace my::model {"));
    STATIC_REQUIRE(contains(header.view(),
                            "using model_type = ctnn::network<double, ctnn::input<2>, ctnn::tanh, ctnn::dense<2, 1>, "
                            "ctnn::elu<1, 2>>;"));
    STATIC_REQUIRE(contains(header.view(), "inline constexpr model_type model{{{"));
    STATIC_REQUIRE(!contains(header.view(), "static_assert")); // no references given
    STATIC_REQUIRE(ctnn::header_size(ctnn::make_network<head_t>(5), "my::model") == header.size);

    // With reference inputs: the outputs, and a static_assert per input.
    constexpr auto verified = [] {
        ctnn::char_buffer<4096> b;
        const std::array<small_t::input_type, 2> xs{{{1.0f, 2.0f}, {-1.0f, 0.5f}}};
        ctnn::write_header(small_net(), b, "small", xs);
        return b;
    }();
    STATIC_REQUIRE(contains(verified.view(), "0x1p+0f, -0x1.4p+1f,\n"));
    STATIC_REQUIRE(contains(verified.view(), "reference_outputs{{\n    {{"));
    STATIC_REQUIRE(contains(verified.view(), "static_assert(verification::reproduces(1)"));

    // A non-finite weight is written as numeric_limits, which needs <limits>.
    constexpr auto non_finite = [] {
        auto net = small_net();
        net.parameters[0] = std::numeric_limits<float>::infinity();
        ctnn::char_buffer<4096> b;
        ctnn::write_header(net, b);
        return b;
    }();
    STATIC_REQUIRE(contains(non_finite.view(), "#include <limits>"));
    STATIC_REQUIRE(contains(non_finite.view(), "std::numeric_limits<float>::infinity(),"));
}

TEST_CASE("char_buffer keeps what fits and reports the rest") {
    constexpr auto cut = [] {
        ctnn::char_buffer<10> b;
        ctnn::write_text(small_net(), b);
        return b;
    }();
    STATIC_REQUIRE(cut.overflowed);
    STATIC_REQUIRE(cut.view() == "ctnn-netwo");
}
