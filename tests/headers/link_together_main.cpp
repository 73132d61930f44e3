// Links every self-contained header TU and the two TUs using ctnn; runs both.
#include "link_together.hpp"

#include <cstdint>
#include <cstdio>

int main(int argc, char**) {
    const auto seed = static_cast<std::uint64_t>(argc); // unknown to the compiler
    const double a = link_together::train_in_a(seed);
    const double b = link_together::train_in_b(seed);
    if (a < 0 || a != b) {
        std::printf("translation units disagree: %g vs %g\n", a, b);
        return 1;
    }
    std::printf("two translation units agree: loss %g\n", a);
}
