// Runtime test for ctnn/io/header.hpp's refusals (issue 12): write_header
// returns a write_status and writes nothing when a reference output is NaN or
// infinite (the header could never compile) or the namespace name is not a
// valid, unreserved C++ name. Weights come through a volatile, so nothing folds.
#include <ctnn/core/layers.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/io/header.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <limits>
#include <string>
#include <string_view>

namespace {

volatile double weight_source = 0.5;

using net_t = ctnn::network<double, ctnn::dense<1, 1>>;

net_t with_weight(double w) {
    net_t n{};
    n.parameters = {w, weight_source};
    return n;
}

struct result {
    ctnn::write_status status;
    std::string text;
};

template <std::size_t K>
result header(const net_t& net, std::string_view name, const std::array<net_t::input_type, K>& references) {
    result r{};
    r.status = ctnn::write_header(net, [&](char c) { r.text.push_back(c); }, name, references);
    return r;
}

result header(const net_t& net, std::string_view name) {
    result r{};
    r.status = ctnn::write_header(net, [&](char c) { r.text.push_back(c); }, name);
    return r;
}

} // namespace

TEST_CASE("io_header: a NaN or infinite reference output is refused, nothing written") {
    const std::array<net_t::input_type, 2> xs{{{1.0}, {weight_source}}};
    const result fine = header(with_weight(weight_source), "model", xs);
    CHECK(fine.status == ctnn::write_status::ok);
    CHECK(fine.text.find("static_assert") != std::string::npos);

    const result nan = header(with_weight(std::numeric_limits<double>::quiet_NaN() * weight_source), "model", xs);
    CHECK(nan.status == ctnn::write_status::non_finite_reference);
    CHECK(nan.text.empty());

    const std::array<net_t::input_type, 2> huge{{{1.0}, {1e300 * weight_source}}};
    const result inf = header(with_weight(1e300 * weight_source), "model", huge);
    CHECK(inf.status == ctnn::write_status::non_finite_reference);
    CHECK(inf.text.empty());
    // Without references a non-finite weight is still written (as numeric_limits).
    CHECK(header(with_weight(std::numeric_limits<double>::infinity()), "model").status == ctnn::write_status::ok);
    CHECK(std::string_view(ctnn::describe(ctnn::write_status::non_finite_reference)).find("NaN") != std::string_view::npos);
}

TEST_CASE("io_header: the namespace name must be valid, unreserved C++ names joined by ::") {
    const net_t net = with_weight(weight_source);
    for (std::string_view good : {"model", "my::model", "a_b", "x1::y2::z3", "Model"}) {
        CAPTURE(good);
        CHECK(header(net, good).status == ctnn::write_status::ok);
    }
    for (std::string_view bad : {"", "1a", "a b", "a-b", "__x", "a__b", "_X", "a::", "::a", "a::::b", "class", "std",
                                 "ctnn", "int", "a\nb", "a\\", "m\r#define static_assert(...)", "caf\xC3\xA9", "a;b",
                                 "a/*", "model}"}) {
        CAPTURE(bad);
        const result r = header(net, bad);
        CHECK(r.status == ctnn::write_status::invalid_namespace);
        CHECK(r.text.empty());
    }
}
