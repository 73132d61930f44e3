// The dense layer's forward pass at run time (register blocks, or the batch
// kernel's blocks of samples) against the same pass in constant evaluation
// (which keeps its sums in y), bit for bit, for shapes that exercise full
// blocks, remainders and the narrow four-chain form, in float and double.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstring>

namespace {

template <class T, std::size_t In, std::size_t Out>
struct fixture {
    using layer = ctnn::dense_layer<T, In, Out>;
    std::array<T, layer::parameter_count> p{};
    std::array<T, In> x{};
};

template <class T, std::size_t In, std::size_t Out>
constexpr fixture<T, In, Out> make(unsigned seed) {
    fixture<T, In, Out> f;
    ctnn::splitmix64 gen{seed};
    for (auto& v : f.p) v = static_cast<T>(gen.uniform<double>() - 0.5);
    for (auto& v : f.x) v = static_cast<T>(4 * gen.uniform<double>() - 2);
    return f;
}

template <class T, std::size_t In, std::size_t Out>
constexpr std::array<T, Out> forward_of(const fixture<T, In, Out>& f) {
    std::array<T, Out> y{};
    ctnn::dense_layer<T, In, Out>::forward(f.p.data(), f.x, y);
    return y;
}

template <class T, std::size_t In, std::size_t Out>
void check_shape() {
    constexpr auto f = make<T, In, Out>(In * 1000 + Out);
    constexpr auto compiled = forward_of(f);
    volatile unsigned seed = In * 1000 + Out; // the run-time pass cannot be folded
    const auto g = make<T, In, Out>(seed);
    const auto run = forward_of(g);
    INFO("dense<" << In << ", " << Out << "> " << (sizeof(T) == 4 ? "float" : "double"));
    CHECK(std::memcmp(compiled.data(), run.data(), sizeof run) == 0);
    // The batch kernel on three copies of the sample gives the same bits too.
    std::array<std::array<T, Out>, 3> ys{};
    const std::array<T, In>* xs[3] = {&g.x, &g.x, &g.x};
    std::array<T, Out>* outs[3] = {&ys[0], &ys[1], &ys[2]};
    ctnn::dense_layer<T, In, Out>::forward_batch(g.p.data(), xs, outs, 3);
    for (const auto& y : ys) CHECK(std::memcmp(compiled.data(), y.data(), sizeof y) == 0);
}

template <class T>
void check_shapes() {
    check_shape<T, 2, 200>();  // wide: full blocks and a remainder, two inputs
    check_shape<T, 16, 70>();
    check_shape<T, 64, 256>();
    check_shape<T, 3, 4>();    // chains = 1 (fewer than four inputs)
    check_shape<T, 10, 1>();   // narrow: four partial sums
    check_shape<T, 33, 10>();
}

} // namespace

TEST_CASE("dense forward: run time equals constant evaluation, bit for bit", "[runtime][dense]") {
    check_shapes<float>();
    check_shapes<double>();
}
