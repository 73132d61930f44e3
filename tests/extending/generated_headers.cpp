// The headers write_headers wrote for networks with user layers compile: each
// static_asserts that its model reproduces the written network's outputs bit
// for bit. At run time: the models hold the written parameters.
#include "user_layers.hpp"

#include "affine.hpp"
#include "kinked.hpp"

#include <catch2/catch.hpp>

TEST_CASE("write_header of networks with user layers compiles and self-verifies") {
    STATIC_REQUIRE(kinked::reference_count == 3);
    STATIC_REQUIRE(affine::reference_count == 2);
    using kinked_t = ctnn::network<double, ctnn::dense<2, 4>, user::hard_tanh, ctnn::dense<4, 1>>;
    using affine_t = ctnn::network<float, ctnn::dense<3, 4>, user::scale_shift, ctnn::tanh, ctnn::dense<4, 2>>;
    STATIC_REQUIRE(std::is_same_v<kinked::model_type, kinked_t>);
    STATIC_REQUIRE(std::is_same_v<affine::model_type, affine_t>);
    CHECK(kinked::model.parameters == ctnn::make_network<kinked_t>(21).parameters);
    CHECK(affine::model.parameters == ctnn::make_network<affine_t>(22).parameters);
}
