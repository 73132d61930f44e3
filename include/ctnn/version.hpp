// ctnn/version.hpp
#pragma once

#if __cplusplus < 202002L
#error "ctnn needs C++20: compile with -std=c++20 (or newer)"
#endif

#define CTNN_VERSION_MAJOR 0
#define CTNN_VERSION_MINOR 1
#define CTNN_VERSION_PATCH 0
// major * 10000 + minor * 100 + patch
#define CTNN_VERSION (CTNN_VERSION_MAJOR * 10000 + CTNN_VERSION_MINOR * 100 + CTNN_VERSION_PATCH)
