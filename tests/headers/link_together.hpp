// Two translation units instantiate the same ctnn templates; the linker must
// merge them (inline, templates), never see two definitions of one symbol.
#pragma once

#include <cstdint>

namespace link_together {
double train_in_a(std::uint64_t seed);
double train_in_b(std::uint64_t seed);
} // namespace link_together
