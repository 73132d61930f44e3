// model.hpp - the digits classifier on a microcontroller, in float and in
// int8: what main.cpp needs, declared extern so that nothing it computes is
// folded by the compiler. model_float.cpp and model_int8.cpp define them, as
// constant-initialised objects in flash.
#pragma once

#include "digits_split.hpp" // examples/digits_int8: the network type and the split

#include <ctnn/quant/quantise.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace digits_device {

using float_network = digits_split::net_t; // 64-32-10, ReLU
using int8_network = ctnn::quantised_network_for<float_network>;

inline constexpr std::size_t probe_count = 8;

extern const float_network float_model;
// The compiler's outputs for the first probe_count images.
extern const std::array<float_network::output_type, probe_count> float_expected;

extern const int8_network int8_model; // quantised by the compiler
// A pixel count's int8 code, int8_model.quantise_input(count / 16) for
// 0..16, computed by the compiler: the device quantises its input with a
// table lookup, no float arithmetic.
extern const std::array<std::int8_t, 17> int8_pixel_codes;
extern const std::array<int8_network::output_type, probe_count> int8_expected;

} // namespace digits_device
