// gru_model.hpp - the embedded streaming GRU and what its firmware checks.
//
// A GRU of 8 hidden units with a per-sample linear readout, in float, run one
// sample at a time by ctnn::stream, as an audio effect runs on a
// microcontroller. Its parameters (PyTorch's initialisation, seeded), and the
// outputs the compiler's constant evaluation gives for a stream of samples,
// are constexpr objects in flash (gru_model.cpp). gru_stream.cpp sees only
// their declarations: the device draws the same samples itself, streams them
// through the network and must reproduce every output bit for bit.
#pragma once

#include <ctnn/ctnn.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace embedded_gru {

using scalar = float;
inline constexpr std::size_t hidden = 8;
// The window only sizes windowed training; the stream does not depend on it.
using network = ctnn::network<scalar, ctnn::input<32, 1>, ctnn::gru<hidden>, ctnn::each_step<ctnn::dense<hidden, 1>>>;

inline constexpr std::size_t sample_count = 256;

// The input signal: white noise through a one-pole low-pass (pole 0.9), so
// the GRU sees a correlated, audio-like signal. Drawn on the device.
struct signal {
    ctnn::splitmix64 gen;
    scalar low = 0;
    constexpr scalar next() noexcept {
        low = scalar(0.9) * low + scalar(0.4) * gen.uniform<scalar>(scalar(-1), scalar(1));
        return low;
    }
};

// Defined (constexpr, so in flash) in gru_model.cpp.
extern const network trained;
extern const std::uint64_t signal_seed;
extern const std::array<scalar, sample_count> expected_outputs;

} // namespace embedded_gru
