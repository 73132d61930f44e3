// ctnn/core/size.hpp - sizes that read as words in compiler errors (namespace ctnn::size).
//
// A static_assert message is a string literal, so it cannot contain the sizes
// that are wrong. These wrappers put each size in a type whose name says what
// it is; a check written as
//   static_assert(size::previous_layer_outputs<P>::value == size::layer_inputs<I>::value, "...")
// is reported by Clang as
//   static assertion failed due to requirement
//   'previous_layer_outputs<10>::value == layer_inputs<5>::value': ...
// and by GCC as "the comparison reduces to '(10 == 5)'" under an instantiation
// of a check named for the problem, with the wrappers as its arguments.
#pragma once

#include <cstddef>
#include <type_traits>

namespace ctnn::size {

#define CTNN_DETAIL_SIZE_WORD(name)                                                                                    \
    template <std::size_t N>                                                                                           \
    struct name : std::integral_constant<std::size_t, N> {}

CTNN_DETAIL_SIZE_WORD(layer_index);
CTNN_DETAIL_SIZE_WORD(previous_layer_outputs);
CTNN_DETAIL_SIZE_WORD(layer_inputs);
CTNN_DETAIL_SIZE_WORD(dense_layer_inputs);
CTNN_DETAIL_SIZE_WORD(dense_layer_outputs);
CTNN_DETAIL_SIZE_WORD(network_inputs);
CTNN_DETAIL_SIZE_WORD(network_outputs);
CTNN_DETAIL_SIZE_WORD(given_inputs);
CTNN_DETAIL_SIZE_WORD(given_targets);
CTNN_DETAIL_SIZE_WORD(layers);
CTNN_DETAIL_SIZE_WORD(samples);

#undef CTNN_DETAIL_SIZE_WORD

} // namespace ctnn::size
