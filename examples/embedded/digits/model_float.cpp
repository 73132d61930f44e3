// model_float.cpp - the float digits classifier (trained at build time by
// examples/digits_int8's train_float, a self-verifying header) in flash, and
// its outputs on the probes as the compiler computes them.
#include "model.hpp"

#include <digits_float_model.hpp>

namespace digits_device {

constexpr float_network float_model = digits_float::model;

constexpr std::array<float_network::output_type, probe_count> float_expected = [] {
    std::array<float_network::output_type, probe_count> ys{};
    for (std::size_t n = 0; n < probe_count; ++n)
        ys[n] = float_model.forward(digits_split::pixels(digits_split::test_index(n)));
    return ys;
}();

} // namespace digits_device
