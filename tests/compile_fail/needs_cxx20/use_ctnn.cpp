// Compiled by needs_cxx20.cmake with -std=c++17 (must fail, the first error
// saying that ctnn needs C++20) and with -std=c++20 (must compile).
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 1>>;
static_assert(net_t::parameter_count == 3);
