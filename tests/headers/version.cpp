// project(ctnn VERSION ...) in CMakeLists.txt and ctnn/version.hpp say the same.
#include <ctnn/version.hpp>

#include <cstdio>

static_assert(CTNN_VERSION_MAJOR == CTNN_PROJECT_VERSION_MAJOR, "CTNN_VERSION_MAJOR differs from project(VERSION)");
static_assert(CTNN_VERSION_MINOR == CTNN_PROJECT_VERSION_MINOR, "CTNN_VERSION_MINOR differs from project(VERSION)");
static_assert(CTNN_VERSION_PATCH == CTNN_PROJECT_VERSION_PATCH, "CTNN_VERSION_PATCH differs from project(VERSION)");
static_assert(CTNN_VERSION == CTNN_VERSION_MAJOR * 10000 + CTNN_VERSION_MINOR * 100 + CTNN_VERSION_PATCH,
              "CTNN_VERSION is major * 10000 + minor * 100 + patch");

int main() {
    // The test's regular expression compares this with project(VERSION).
    std::printf("ctnn %d.%d.%d\n", CTNN_VERSION_MAJOR, CTNN_VERSION_MINOR, CTNN_VERSION_PATCH);
}
