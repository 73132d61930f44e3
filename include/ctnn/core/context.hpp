// ctnn/core/context.hpp - the training context of a training-only layer
// (ctnn::dropout): whether the network is training, and the randomness of the
// sample in hand.
//
// A network with a layer that reads a context (layer_traits<L>::uses_context)
// carries one as its member `context`; every other network carries an empty
// stand-in (no bytes, no code: its passes are exactly those of before).
//
//   net.context = {.training = true, .seed = 7};   // a fixed mask: forward,
//   ctnn::gradient_check(net, loss, x, d);         // backward and the check agree
//
// fit and train_batch give each sample a context of its own, seeded from the
// run's generator; the network's own context (training = false by default)
// is inference: dropout is then the identity.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ctnn {

struct training_context {
    bool training = false;   // false: inference (training-only layers are the identity)
    std::uint64_t seed = 0;  // this sample's randomness
    std::size_t layer = 0;   // set by the network: which layer is called (masks differ per layer)
};

namespace detail {

// The context of a network without training-only layers: nothing.
struct no_context {};

// splitmix64's finaliser: a well-mixed 64-bit value from a counter.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// The seed of sample `position` of a batch drawn when the run's generator was
// in state `state` (fit: the shuffling generator after the epoch's shuffle,
// and the epoch number, so that an unshuffled run still draws new masks).
constexpr std::uint64_t sample_seed(std::uint64_t state, std::uint64_t epoch, std::uint64_t position) noexcept {
    return mix64(mix64(state ^ (epoch * 0xD1B54A32D192ED03ULL)) ^ position);
}

} // namespace detail

} // namespace ctnn
