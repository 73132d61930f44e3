// From PyTorch to a microcontroller, step 3: run the exported network. The
// header holds the trained weights as a constexpr ctnn::network (read-only
// memory, nothing to parse at start-up) and verified itself against PyTorch
// when this file compiled. Prints the decision regions as a character map.
//   from_pytorch [x y]...     classify the given points instead
// Each value must be a finite number (a mistake: one message, exit status 2);
// --help prints the usage and exits 0.
#include "classifier.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

std::size_t classify(const classifier::model_type::input_type& point) {
    const auto p = classifier::model.forward(point); // class probabilities
    std::size_t best = 0;
    for (std::size_t k = 1; k < p.size(); ++k)
        if (p[k] > p[best]) best = k;
    return best;
}

constexpr const char* usage = "usage: from_pytorch [x y]...\n"
                              "  without arguments: the decision regions on [-2.4, 2.4]^2 as a character map\n"
                              "  with pairs of numbers: the class and probabilities of each point (x, y)\n";

// `text` as a finite float, all of it (no trailing characters, no overflow); else a message and exit 2.
float coordinate(const char* text, int position) {
    char* end = nullptr;
    errno = 0;
    const float value = std::strtof(text, &end);
    if (end == text || *end != '\0' || std::isspace(static_cast<unsigned char>(text[0]))) {
        std::fprintf(stderr, "from_pytorch: argument %d, '%s', is not a number (see --help)\n", position, text);
        std::exit(2);
    }
    if (errno == ERANGE && std::fabs(value) > 1.0f) {
        std::fprintf(stderr, "from_pytorch: argument %d, '%s', is beyond float's range\n", position, text);
        std::exit(2);
    }
    if (!std::isfinite(value)) {
        std::fprintf(stderr, "from_pytorch: argument %d, '%s', is not a finite number\n", position, text);
        std::exit(2);
    }
    return value;
}

} // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
            std::fputs(usage, stdout);
            return 0;
        }
    }
    if (argc > 1) {
        if ((argc - 1) % 2 != 0) {
            std::fprintf(stderr, "from_pytorch: %d value%s given; points need pairs x y (see --help)\n", argc - 1,
                         argc == 2 ? "" : "s");
            return 2;
        }
        for (int i = 1; i < argc; ++i) coordinate(argv[i], i); // every argument checked before any output
        for (int i = 1; i + 1 < argc; i += 2) {
            const classifier::model_type::input_type point{coordinate(argv[i], i), coordinate(argv[i + 1], i + 1)};
            const auto p = classifier::model.forward(point);
            std::printf("(%g, %g): class %zu  p = %.3f %.3f %.3f\n", static_cast<double>(point[0]),
                        static_cast<double>(point[1]), classify(point), static_cast<double>(p[0]),
                        static_cast<double>(p[1]), static_cast<double>(p[2]));
        }
        return 0;
    }
    // The plane from -2.4 to 2.4: 'o' ring, '<' left half-disc, '>' right half-disc.
    const char symbol[] = {'o', '<', '>'};
    for (int row = 0; row < 21; ++row) {
        for (int column = 0; column < 49; ++column) {
            const classifier::model_type::input_type point{-2.4f + 0.1f * static_cast<float>(column),
                                                           2.4f - 0.24f * static_cast<float>(row)};
            std::putchar(symbol[classify(point)]);
        }
        std::putchar('\n');
    }
    return 0;
}
