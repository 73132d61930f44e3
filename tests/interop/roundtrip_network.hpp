// The network of the round-trip test: ctnn -> text -> PyTorch -> ctnn-export -> header.
#pragma once

#include <ctnn/core/layers.hpp>
#include <ctnn/core/network.hpp>

#include <array>

namespace roundtrip {

using network_type = ctnn::network<float, ctnn::dense<3, 8>, ctnn::tanh, ctnn::dense<8, 8>, ctnn::leaky_relu<1, 20>,
                                   ctnn::dense<8, 2>, ctnn::sigmoid>;

// What the writer trains the network to approximate.
constexpr network_type::output_type target(const network_type::input_type& x) {
    return {0.5f + 0.4f * x[0] * x[1], x[2] > 0.0f ? 0.8f : 0.2f};
}

inline constexpr std::array<network_type::input_type, 3> reference_inputs{
    {{{0.25f, -0.5f, 0.75f}}, {{-1.0f, 0.125f, 0.0f}}, {{0.9f, 0.9f, -0.3f}}}};

} // namespace roundtrip
