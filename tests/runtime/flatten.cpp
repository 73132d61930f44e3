// flatten at runtime: the identity on unseen values, forward and backward.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>
#include <layer_checks.hpp>

#include <cstdint>

namespace {
volatile std::uint64_t runtime_seed = 47;
}

TEST_CASE("flatten passes values and gradients through unchanged", "[runtime][flatten]") {
    using net_t = ctnn::network<float, ctnn::input<3, 4, 5>, ctnn::flatten>;
    const auto x = layer_checks::uniform_values<float, 60>(runtime_seed);
    const auto dy = layer_checks::uniform_values<float, 60>(runtime_seed + 1);
    const net_t net{};
    REQUIRE(net.forward(x) == x);
    net_t::gradient_type unused{};
    REQUIRE(net.backward(net.forward_trace(x), dy, unused) == dy);
}
