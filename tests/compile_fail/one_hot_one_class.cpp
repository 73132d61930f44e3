// expect: ctnn::one_hot<1>: one output is not one-hot .*use ctnn::binary_targets
// one_hot<1> used to turn label 0 into {1} (inverting binary labels); its twin uses binary_targets.
#include <ctnn/ctnn.hpp>
constexpr std::array<int, 4> labels{0, 1, 1, 0};
#ifdef CTNN_COMPILE_FAIL
constexpr auto targets = ctnn::one_hot<1>(labels);
#else
constexpr auto targets = ctnn::binary_targets(labels);
#endif
static_assert(targets[0][0] == 0.0 && targets[1][0] == 1.0);
