// From PyTorch to a microcontroller, step 3: run the exported network. The
// header holds the trained weights as a constexpr ctnn::network (read-only
// memory, nothing to parse at start-up) and verified itself against PyTorch
// when this file compiled. Prints the decision regions as a character map.
//   from_pytorch [x y]...     classify the given points instead
#include "classifier.hpp"

#include <cstddef>
#include <cstdio>
#include <cstdlib>

namespace {

std::size_t classify(const classifier::model_type::input_type& point) {
    const auto p = classifier::model.forward(point); // class probabilities
    std::size_t best = 0;
    for (std::size_t k = 1; k < p.size(); ++k)
        if (p[k] > p[best]) best = k;
    return best;
}

} // namespace

int main(int argc, char** argv) {
    if (argc > 2) {
        for (int i = 1; i + 1 < argc; i += 2) {
            const classifier::model_type::input_type point{std::strtof(argv[i], nullptr),
                                                           std::strtof(argv[i + 1], nullptr)};
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
