// gru_model.cpp - what the compiler computes for the embedded streaming GRU.
#include "gru_model.hpp"

namespace embedded_gru {

// PyTorch's initialisation of a GRU: every parameter uniform in ±1/√hidden.
constexpr network trained = ctnn::make_network<network>(2024, ctnn::init::uniform{-0.35355339, 0.35355339});
constexpr std::uint64_t signal_seed = 0x5eed0003;

// The stream over the signal, from a zero state, in constant evaluation.
constexpr std::array<scalar, sample_count> expected_outputs = [] {
    std::array<scalar, sample_count> y{};
    ctnn::stream s(trained);
    signal x{ctnn::splitmix64{signal_seed}};
    for (auto& v : y) v = s.step(x.next());
    return y;
}();

} // namespace embedded_gru
