// The C++ half of tests/interop/norm_vs_pytorch.py: batch_norm (training with
// batch statistics, inference with running statistics, over flat, 1-D and 2-D
// channel shapes), dropout (training mask and identity) and fold_batch_norm,
// each from values drawn from a seed, printed as hex floats:
//
//   case <kind> <scalar> <sizes...>
//   x <values> p <values> dy <values> y <values> dp <values> dx <values> [state <values>] [mask <values>]
//
// batch_norm_train prints a batch of N samples (x, dy, y, dx: N·C·S values in
// NCHW order); p is γ, β, running_mean, running_var; dp is dγ, dβ (summed over
// the batch, as autograd gives them for E = Σ dy·y); state the running
// statistics after the step. batch_norm_eval: one sample through
// network::forward / backward. fold_dense / fold_conv2d: the network's
// parameters (p), and the folded network's (dp).
#include <ctnn/ctnn.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

namespace {

template <class T, std::size_t N>
void print(const char* name, const std::array<T, N>& values) {
    std::printf("%s", name);
    for (const T v : values) std::printf(" %a", static_cast<double>(v));
    std::printf("\n");
}

template <class T, std::size_t N, std::size_t B>
void print_batch(const char* name, const std::array<std::array<T, N>, B>& values) {
    std::printf("%s", name);
    for (const auto& row : values)
        for (const T v : row) std::printf(" %a", static_cast<double>(v));
    std::printf("\n");
}

template <class Net>
Net drawn(ctnn::splitmix64& gen) {
    using T = typename Net::scalar;
    Net net{};
    for (std::size_t k = 0; k < Net::parameter_count; ++k) net.parameters[k] = gen.uniform<T>(T(-1), T(1));
    return net;
}

// A batch_norm layer alone (input<Shape...>, batch_norm<M, 10>), trained on a
// batch of B with batch statistics.
template <class Net, std::size_t B>
void train_case(const char* description, std::uint64_t seed) {
    using T = typename Net::scalar;
    using L = typename Net::template layer_type<0>;
    std::printf("case batch_norm_train %s %s\n", std::is_same_v<T, float> ? "float" : "double", description);
    ctnn::splitmix64 gen{seed};
    Net net = drawn<Net>(gen);
    for (std::size_t c = 0; c < L::channels; ++c) // running_var > 0
        net.parameters[3 * L::channels + c] = gen.uniform<T>(T(0.5), T(2));
    std::array<std::array<T, L::inputs>, B> xs{}, dxs{};
    std::array<std::array<T, L::outputs>, B> ys{}, dys{};
    for (auto& x : xs)
        for (auto& v : x) v = gen.uniform<T>(T(-2), T(3));
    for (auto& dy : dys)
        for (auto& v : dy) v = gen.uniform<T>(T(-1), T(1));
    std::array<const std::array<T, L::inputs>*, B> in{};
    std::array<std::array<T, L::outputs>*, B> out{};
    std::array<const std::array<T, L::outputs>*, B> dout{};
    std::array<std::array<T, L::inputs>*, B> din{};
    for (std::size_t b = 0; b < B; ++b) {
        in[b] = &xs[b];
        out[b] = &ys[b];
        dout[b] = &dys[b];
        din[b] = &dxs[b];
    }
    std::array<T, L::state_count> state{};
    L::forward_batch_training(net.parameters.data(), state.data(), in.data(), out.data(), B);
    typename Net::gradient_type dp{};
    ctnn::detail::gradient_accumulator<T> sink{dp.data()};
    L::template backward_batch_training<true>(net.parameters.data(), sink, in.data(), dout.data(), din.data(), B);
    print_batch("x", xs);
    print("p", net.parameters);
    print_batch("dy", dys);
    print_batch("y", ys);
    print("dp", dp);
    print_batch("dx", dxs);
    print("state", state);
}

template <class Net>
void eval_case(const char* description, std::uint64_t seed) {
    using T = typename Net::scalar;
    using L = typename Net::template layer_type<0>;
    std::printf("case batch_norm_eval %s %s\n", std::is_same_v<T, float> ? "float" : "double", description);
    ctnn::splitmix64 gen{seed};
    Net net = drawn<Net>(gen);
    for (std::size_t c = 0; c < L::channels; ++c) net.parameters[3 * L::channels + c] = gen.uniform<T>(T(0.5), T(2));
    typename Net::input_type x{};
    for (auto& v : x) v = gen.uniform<T>(T(-2), T(3));
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

template <class Net>
void dropout_case(const char* description, std::uint64_t seed) {
    using T = typename Net::scalar;
    using L = typename Net::template layer_type<0>;
    std::printf("case dropout %s %s\n", std::is_same_v<T, float> ? "float" : "double", description);
    ctnn::splitmix64 gen{seed};
    Net net{};
    net.context = {.training = true, .seed = seed};
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
    print("mask", L::mask({.training = true, .seed = seed, .layer = 0}));
    net.context.training = false; // inference: the identity
    print("inference", net.forward(x));
}

template <class Net>
void fold_case(const char* kind, const char* description, std::uint64_t seed) {
    using T = typename Net::scalar;
    std::printf("case %s %s %s\n", kind, std::is_same_v<T, float> ? "float" : "double", description);
    ctnn::splitmix64 gen{seed};
    Net net = drawn<Net>(gen);
    using B = typename Net::template layer_type<1>;
    for (std::size_t c = 0; c < B::channels; ++c)
        net.parameters[Net::parameter_offsets[1] + 3 * B::channels + c] = gen.uniform<T>(T(0.5), T(2));
    const auto folded = ctnn::fold_batch_norm(net);
    typename Net::input_type x{};
    for (auto& v : x) v = gen.uniform<T>(T(-2), T(2));
    print("x", x);
    print("p", net.parameters);
    print("dp", folded.parameters);
    print("y", folded.forward(x));
}

template <class T>
void all_cases(std::uint64_t seed) {
    using ctnn::batch_norm;
    using ctnn::input;
    using ctnn::network;
    // batch_norm_train <momentum tenths> <batch> <shape...>
    train_case<network<T, input<5>, batch_norm<>>, 4>("1 4 5", seed + 1);
    train_case<network<T, input<3>, batch_norm<3, 10>>, 2>("3 2 3", seed + 2);
    train_case<network<T, input<4, 7>, batch_norm<>>, 3>("1 3 4 7", seed + 3);
    train_case<network<T, input<3, 5, 6>, batch_norm<>>, 4>("1 4 3 5 6", seed + 4);
    train_case<network<T, input<8, 16, 16>, batch_norm<>>, 8>("1 8 8 16 16", seed + 5);
    // batch_norm_eval <shape...>
    eval_case<network<T, input<6>, batch_norm<>>>("6", seed + 6);
    eval_case<network<T, input<4, 9>, batch_norm<>>>("4 9", seed + 7);
    eval_case<network<T, input<3, 4, 5>, batch_norm<>>>("3 4 5", seed + 8);
    // dropout <p numerator> <p denominator> <size>
    dropout_case<network<T, input<64>, ctnn::dropout<1, 4>>>("1 4 64", seed + 9);
    dropout_case<network<T, input<3, 8, 8>, ctnn::dropout<1, 2>>>("1 2 192", seed + 10);
    dropout_case<network<T, input<50>, ctnn::dropout<1, 10>>>("1 10 50", seed + 11);
    // fold_dense <in> <out>; fold_conv2d <cin> <cout> <kernel> <h> <w>; fold_conv1d <cin> <cout> <kernel> <length>
    fold_case<network<T, ctnn::dense<4, 6>, batch_norm<>>>("fold_dense", "4 6", seed + 12);
    fold_case<network<T, input<2, 6, 6>, ctnn::conv2d<2, 3, 3>, batch_norm<>>>("fold_conv2d", "2 3 3 6 6", seed + 13);
    fold_case<network<T, input<3, 10>, ctnn::conv1d<3, 4, 3>, batch_norm<>>>("fold_conv1d", "3 4 3 10", seed + 14);
}

} // namespace

int main(int argc, char** argv) {
    const std::uint64_t seed = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 15;
    all_cases<double>(seed);
    all_cases<float>(seed + 100);
}
