// The header written for a trained network with batch_norm and dropout
// compiles (its static_asserts reproduce the written outputs bit for bit, so
// the running statistics it carries are the ones inference used), names both
// layers, and holds the trained parameters, running statistics included.
#include "norm_network.hpp"

#include "norm_model.hpp"

#include <catch2/catch.hpp>

TEST_CASE("write_header of a network with batch_norm and dropout compiles and self-verifies", "[layers]") {
    STATIC_REQUIRE(norm::reference_count == 3);
    STATIC_REQUIRE(std::is_same_v<norm::model_type, norm_header_test::net_t>);
    const auto net = norm_header_test::trained();
    CHECK(norm::model.parameters == net.parameters);
    // The running statistics moved in training, and the header has them.
    using bn = norm_header_test::net_t::layer_type<1>;
    const std::size_t mean0 = norm_header_test::net_t::parameter_offsets[1] + 2 * bn::channels;
    CHECK(norm::model.parameters[mean0] != 0.0);
    CHECK(norm::model.forward(norm_header_test::data.x[1]) == net.forward(norm_header_test::data.x[1]));
}
