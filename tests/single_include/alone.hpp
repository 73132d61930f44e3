// The single header, and nothing from include/.
#pragma once

#include <ctnn/ctnn.hpp>

#if __has_include(<ctnn/core/network.hpp>)
#error "include/ is on the include path: this test must see only single_include/"
#endif

#include <cstdint>

double train_elsewhere(std::uint64_t seed);
