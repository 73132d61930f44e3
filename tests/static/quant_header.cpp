// ctnn::write_quantised_header (ctnn/quant/header.hpp), at compile time: what
// the header says, exact scales, and refusals. (A header compiled and
// self-verifying: examples/digits_int8 writes the digits classifier's at build
// time and checks it against its own; tests/compile_fail/quant_header_altered.cpp
// shows a changed reference output does not compile.)
#include <ctnn/ctnn.hpp>
#include <ctnn/quant/header.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <string_view>

namespace quant_header_test {

using net_t = ctnn::network<float, ctnn::dense<3, 4>, ctnn::relu, ctnn::dense<4, 2>>;
constexpr net_t net = ctnn::make_network<net_t>(5, ctnn::init::uniform{-1.0, 1.0});
constexpr std::array<std::array<float, 3>, 3> calibration{{{0.0f, 0.5f, 1.0f}, {1.0f, -0.5f, 0.25f}, {-1.0f, 1.0f, 0.0f}}};
constexpr auto q = ctnn::quantise(net, calibration);
constexpr std::array<std::array<std::int8_t, 3>, 2> references{{{-128, 0, 127}, {5, -7, 9}}};

constexpr auto text = [] {
    ctnn::char_buffer<16384> out;
    const auto status = ctnn::write_quantised_header(q, out, "tiny", references);
    return std::pair{status, out};
}();
constexpr std::string_view header = text.second.view();
constexpr bool has(std::string_view s) { return header.find(s) != std::string_view::npos; }

static_assert(text.first == ctnn::write_status::ok && !text.second.overflowed);
static_assert(has("namespace tiny {") && has("} // namespace tiny"));
static_assert(has("using model_type = ctnn::quantised_network<ctnn::quantised_dense<3, 4, true>, "
                  "ctnn::quantised_dense<4, 2, false>>;"));
static_assert(has("static_assert(model.forward(reference_inputs[0]) == reference_outputs[0]"));
static_assert(has("static_assert(model.forward(reference_inputs[1]) == reference_outputs[1]"));
static_assert(!has("reference_inputs[2]"));
// The scales are exact: hexadecimal floating point; ReLU's clamp is written.
static_assert(has("l.input = {0x"));
static_assert(has("l.activation_min = -128;"));

// Without references: no static_assert; a bad namespace: nothing written.
constexpr auto plain = [] {
    ctnn::char_buffer<16384> out;
    ctnn::write_quantised_header(q, out, "tiny");
    return out;
}();
static_assert(plain.view().find("static_assert") == std::string_view::npos && plain.size > 0);
constexpr auto refused = [] {
    ctnn::char_buffer<64> out;
    const auto status = ctnn::write_quantised_header(q, out, "not valid");
    return std::pair{status, out.size};
}();
static_assert(refused.first == ctnn::write_status::invalid_namespace && refused.second == 0);

TEST_CASE("write_quantised_header: the compile-time checks ran", "[quant]") {
    STATIC_REQUIRE(text.first == ctnn::write_status::ok);
}

} // namespace quant_header_test
