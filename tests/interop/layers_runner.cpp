// The C++ half of tests/interop/layers_vs_pytorch.py: for each case, one
// layer alone in a network (input<...>, Layer), parameters, input and an
// output gradient dy drawn from a seed; prints what ctnn computes as hex
// floats: the output y, dE/dparameters and dE/dx for E with dE/dy = dy.
//
//   case <kind> <scalar> <sizes...>
//   x <values>   p <values>   dy <values>   y <values>   dp <values>   dx <values>
#include <ctnn/ctnn.hpp>

#include <cstdint>
#include <cstdio>
#include <type_traits>

namespace {

template <class T, std::size_t N>
void print(const char* name, const std::array<T, N>& values) {
    std::printf("%s", name);
    for (const T v : values) std::printf(" %a", static_cast<double>(v));
    std::printf("\n");
}

template <class Net>
void run(const char* description, std::uint64_t seed) {
    using T = typename Net::scalar;
    std::printf("case %s %s\n", description, std::is_same_v<T, float> ? "float" : "double");
    ctnn::splitmix64 gen{seed};
    Net net{};
    for (auto& w : net.parameters) w = gen.uniform<T>(T(-1), T(1));
    typename Net::input_type x{};
    for (auto& v : x) v = gen.uniform<T>(T(-2), T(2));
    typename Net::output_type dy{};
    for (auto& v : dy) v = gen.uniform<T>(T(-1), T(1));
    const auto trace = net.forward_trace(x);
    typename Net::gradient_type dp{};
    const auto dx = net.backward(trace, dy, dp);
    print("x", x);
    print("p", net.parameters);
    print("dy", dy);
    print("y", ctnn::output_of(trace));
    print("dp", dp);
    print("dx", dx);
}

template <class T>
void all_cases(std::uint64_t seed) {
    using ctnn::input;
    using ctnn::network;
    // conv2d <in> <out> <kernel> <stride> <padding> <height> <width>
    run<network<T, input<2, 6, 6>, ctnn::conv2d<2, 3, 3, 1, 1>>>("conv2d 2 3 3 1 1 6 6", seed + 1);
    run<network<T, input<3, 7, 7>, ctnn::conv2d<3, 4, 3, 2, 1>>>("conv2d 3 4 3 2 1 7 7", seed + 2);
    run<network<T, input<1, 5, 5>, ctnn::conv2d<1, 2, 2, 1, 0>>>("conv2d 1 2 2 1 0 5 5", seed + 3);
    run<network<T, input<3, 32, 32>, ctnn::conv2d<3, 8, 5, 1, 2>>>("conv2d 3 8 5 1 2 32 32", seed + 4);
    run<network<T, input<4, 9, 8>, ctnn::conv2d<4, 2, 4, 3, 2>>>("conv2d 4 2 4 3 2 9 8", seed + 5);
    // conv1d <in> <out> <kernel> <stride> <padding> <length>
    run<network<T, input<2, 10>, ctnn::conv1d<2, 3, 3, 1, 1>>>("conv1d 2 3 3 1 1 10", seed + 6);
    run<network<T, input<3, 11>, ctnn::conv1d<3, 2, 4, 2, 1>>>("conv1d 3 2 4 2 1 11", seed + 7);
    run<network<T, input<8, 64>, ctnn::conv1d<8, 16, 7, 1, 3>>>("conv1d 8 16 7 1 3 64", seed + 8);
    // max_pool2d / avg_pool2d <kernel> <stride> <channels> <height> <width>
    run<network<T, input<2, 6, 6>, ctnn::max_pool2d<2>>>("max_pool2d 2 2 2 6 6", seed + 9);
    run<network<T, input<2, 7, 7>, ctnn::max_pool2d<3, 2>>>("max_pool2d 3 2 2 7 7", seed + 10);
    run<network<T, input<3, 8, 8>, ctnn::max_pool2d<3, 1>>>("max_pool2d 3 1 3 8 8", seed + 11);
    run<network<T, input<2, 6, 6>, ctnn::avg_pool2d<2>>>("avg_pool2d 2 2 2 6 6", seed + 12);
    run<network<T, input<2, 7, 7>, ctnn::avg_pool2d<3, 2>>>("avg_pool2d 3 2 2 7 7", seed + 13);
    // max_pool1d / avg_pool1d <kernel> <stride> <channels> <length>
    run<network<T, input<3, 9>, ctnn::max_pool1d<2>>>("max_pool1d 2 2 3 9", seed + 14);
    run<network<T, input<2, 12>, ctnn::max_pool1d<3, 1>>>("max_pool1d 3 1 2 12", seed + 15);
    run<network<T, input<3, 9>, ctnn::avg_pool1d<3, 2>>>("avg_pool1d 3 2 3 9", seed + 16);
    // flatten <channels> <height> <width>
    run<network<T, input<2, 3, 4>, ctnn::flatten>>("flatten 2 3 4", seed + 17);
}

} // namespace

int main(int argc, char** argv) {
    const std::uint64_t seed = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 15;
    all_cases<double>(seed);
    all_cases<float>(seed + 100);
}
