// expect: does not reproduce the written int8 network on reference input 0
// A header written by ctnn::write_quantised_header (the tiny network of
// tests/static/quant_header.cpp), its reference output changed by one: the
// self-verifying header must refuse to compile. The twin is the header as written.
// Written by ctnn::write_quantised_header (ctnn 0.1.0). Do not edit.
// An int8 network (ctnn/quant/quantise.hpp): per layer int8 weights [out][in], int32 biases (input
// zero point folded in), requantisation multipliers and shifts, scales and zero points.
// Self-verifying: static_asserts that the compiled model reproduces the outputs it gave when written.

#include <ctnn/quant/quantise.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace tiny {

using model_type = ctnn::quantised_network<ctnn::quantised_dense<3, 4, true>, ctnn::quantised_dense<4, 2, false>>;

inline constexpr model_type model = [] {
    model_type m{};
    {
        auto& l = m.layer<0>();
        l.weights = {
            -46, -127, -30, 127, -60, 52, -70, 127, -13, -127, 4, -115,
        };
        l.bias = {
            19218, -2916, 15207, 17503,
        };
        l.multiplier = {
            1118606155, 1808949112, 1740656621, 1436295276,
        };
        l.shift = {
            -7, -8, -7, -7,
        };
        l.input = {0x1.010101010101p-7, -1};
        l.output = {0x1.36573b3b3b3b4p-7, -128};
        l.activation_min = -128;
        l.activation_max = 127;
    }
    {
        auto& l = m.layer<1>();
        l.weights = {
            109, -113, -127, -105, -10, -12, 127, 98,
        };
        l.bias = {
            -42184, 31833,
        };
        l.multiplier = {
            1083035566, 1370795465,
        };
        l.shift = {
            -8, -8,
        };
        l.input = {0x1.36573b3b3b3b4p-7, -128};
        l.output = {0x1.ddb8f6f6f6f6fp-6, -11};
        l.activation_min = -128;
        l.activation_max = 127;
    }
    return m;
}();

inline constexpr std::size_t reference_count = 1;
inline constexpr std::array<model_type::input_type, reference_count> reference_inputs{{
    {
        5, -7, 9,
    },
}};
// The network's outputs for them when it was written.
inline constexpr std::array<model_type::output_type, reference_count> reference_outputs{{
    {
#ifdef CTNN_COMPILE_FAIL
        -56, 50,
#else
        -57, 50,
#endif
    },
}};

static_assert(model.forward(reference_inputs[0]) == reference_outputs[0], "tiny: the compiled model does not reproduce the written int8 network on reference input 0");

} // namespace tiny
