// recurrent_runner - what ctnn computes for a few GRU and LSTM layers, in
// double, for tests/interop/test_recurrent.py to compare with torch.nn.GRU
// and torch.nn.LSTM. For each case it prints, one line each, as hex floats:
//   case <gru|lstm> <steps> <features> <hidden>
//   parameters ...   (PyTorch's order: weight_ih, weight_hh, bias_ih, bias_hh, each row-major)
//   input ...        (step-major: steps × features)
//   target ...
//   output ...       (every step's hidden state, steps × hidden)
//   loss <value>     (ctnn::mse: ½·mean of squared errors)
//   gradient ...     (dE/dparameters, same order as parameters)
//   input_gradient ...
// Parameters come from ctnn::init::uniform{-0.6, 0.6} (a larger spread than
// PyTorch's 1/√Hidden, so the gates leave their linear region), inputs and
// targets from uniform(-1, 1), all seeded.
#include <ctnn/ctnn.hpp>

#include <cstdio>

namespace {


void print(const char* name, const double* v, std::size_t n) {
    std::printf("%s", name);
    for (std::size_t i = 0; i < n; ++i) std::printf(" %a", v[i]);
    std::printf("\n");
}

template <template <std::size_t> class Layer, std::size_t Steps, std::size_t Features, std::size_t Hidden>
void run(const char* name, std::uint64_t seed) {
    using net_t = ctnn::network<double, ctnn::input<Steps, Features>, Layer<Hidden>>;
    const auto net = ctnn::make_network<net_t>(seed, ctnn::init::uniform{-0.6, 0.6});
    ctnn::splitmix64 gen{seed * 7919 + 1};
    typename net_t::input_type x{};
    typename net_t::output_type d{};
    for (auto& v : x) v = gen.uniform(-1.0, 1.0);
    for (auto& v : d) v = gen.uniform(-1.0, 1.0);
    const auto trace = net.forward_trace(x);
    typename net_t::output_type dy{};
    ctnn::mse::gradient(ctnn::output_of(trace), d, dy);
    typename net_t::gradient_type g{};
    const auto dx = net.backward(trace, dy, g);
    std::printf("case %s %zu %zu %zu\n", name, Steps, Features, Hidden);
    print("parameters", net.parameters.data(), net_t::parameter_count);
    print("input", x.data(), x.size());
    print("target", d.data(), d.size());
    print("output", ctnn::output_of(trace).data(), net_t::output_size);
    std::printf("loss %a\n", ctnn::mse::value(ctnn::output_of(trace), d));
    print("gradient", g.data(), g.size());
    print("input_gradient", dx.data(), dx.size());
}

} // namespace

int main() {
    run<ctnn::gru, 7, 3, 5>("gru", 1);
    run<ctnn::lstm, 7, 3, 5>("lstm", 2);
    run<ctnn::gru, 32, 1, 16>("gru", 3);
    run<ctnn::lstm, 32, 1, 16>("lstm", 4);
    run<ctnn::gru, 64, 2, 8>("gru", 5);
    run<ctnn::lstm, 64, 2, 8>("lstm", 6);
    return 0;
}
