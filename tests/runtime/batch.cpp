// Mini-batches at run time (ctnn/train/batch.hpp): the layers' batch kernels
// (dense_layer::forward_batch / backward_batch through detail::accumulate_batch,
// each weight read once per block of samples) and batch_backprop must give
// exactly the bits of the sample-by-sample definition, the mean of
// ctnn::backprop's gradients; and the bits of the same batch evaluated by the
// compiler.
#include "training_fixture.hpp"

#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

// A layer with parameters and no batch kernels: the batch runs it sample by
// sample (docs/extending.md's scale_shift).
template <class T, std::size_t N>
struct scale_shift_layer {
    using scalar = T;
    static constexpr std::size_t inputs = N, outputs = N;
    static constexpr std::size_t parameter_count = 2 * N;
    static constexpr void forward(const T* p, const std::array<T, N>& x, std::array<T, N>& y) noexcept {
        for (std::size_t i = 0; i < N; ++i) y[i] = p[i] * x[i] + p[N + i];
    }
    template <bool NeedInputGradient, class Sink>
    static constexpr void backward(const T* p, Sink& sink, const std::array<T, N>& x, const std::array<T, N>&,
                                   const std::array<T, N>& dy, std::array<T, N>& dx) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            if constexpr (NeedInputGradient) dx[i] = p[i] * dy[i];
            sink(i, x[i] * dy[i]);
            sink(N + i, dy[i]);
        }
    }
};
struct scale_shift {
    template <class T, std::size_t Inputs>
    using bind = scale_shift_layer<T, Inputs>;
};

template <class T>
bool same_bits(T a, T b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// Batch gradient against the mean of per-sample backprops, bit for bit, for
// batches of every length 1..B (full sample blocks and remainders).
template <class Net, std::size_t B, class Loss>
void check_batch_equals_samples(Loss loss) {
    using T = typename Net::scalar;
    constexpr std::size_t N = B + 3;
    volatile std::uint64_t seed = 7; // not visible to the compiler
    ctnn::splitmix64 gen{seed};
    const Net net = ctnn::make_network<Net>(seed + 1);
    std::array<std::array<T, Net::input_size>, N> xs{};
    std::array<std::array<T, Net::output_size>, N> ds{};
    for (auto& x : xs)
        for (auto& v : x) v = static_cast<T>(gen.uniform(-2.0, 2.0));
    for (std::size_t n = 0; n < N; ++n) ds[n][n % Net::output_size] = T(1);
    std::array<std::size_t, N> order{};
    for (std::size_t n = 0; n < N; ++n) order[n] = (n * 5 + 2) % N;
    for (std::size_t count = 1; count <= B; ++count) {
        // The batch kernels' path (detail::accumulate_batch), whether or not
        // batch_backprop uses it, and batch_backprop itself.
        typename Net::gradient_type kernel_sum{};
        const T kernel_loss = ctnn::detail::accumulate_batch<B, Net, Loss>(net, xs, ds, order, 2, count, kernel_sum);
        const auto batch = ctnn::batch_backprop<B>(net, loss, xs, ds, order, 2, count);
        typename Net::gradient_type sum{};
        T loss_sum = T(0);
        for (std::size_t b = 0; b < count; ++b) {
            const auto r = ctnn::backprop(net, loss, xs[order[2 + b]], ds[order[2 + b]]);
            for (std::size_t k = 0; k < Net::parameter_count; ++k) sum[k] += r.gradient[k];
            loss_sum += r.loss;
        }
        const T scale = T(1) / static_cast<T>(count);
        std::size_t differing = 0, kernel_differing = 0;
        for (std::size_t k = 0; k < Net::parameter_count; ++k) {
            differing += !same_bits(T(sum[k] * scale), batch.gradient[k]);
            kernel_differing += !same_bits(sum[k], kernel_sum[k]);
        }
        INFO("batch of " << count);
        CHECK(differing == 0);
        CHECK(kernel_differing == 0);
        CHECK(same_bits(T(loss_sum * scale), batch.loss));
        CHECK(same_bits(loss_sum, kernel_loss));
    }
}

} // namespace

TEST_CASE("batch_backprop's batch kernels give the bits of the per-sample definition", "[runtime][batch]") {
    using ctnn::dense;
    // Register blocks and their remainders: 70 floats = two blocks of 32 and 6;
    // 9 outputs: a narrow layer (four partial sums per sample); 17 doubles:
    // one block of 16 and 1; 5 inputs: a block of 4 rows and 1.
    check_batch_equals_samples<ctnn::network<float, dense<16, 70>, ctnn::relu, dense<70, 9>, ctnn::tanh, dense<9, 3>>,
                               11>(ctnn::mse{});
    check_batch_equals_samples<ctnn::network<double, dense<5, 40>, ctnn::sigmoid, dense<40, 17>, dense<17, 2>>, 9>(
        ctnn::softmax_cross_entropy{});
    // A user layer without batch kernels between dense layers.
    check_batch_equals_samples<ctnn::network<double, dense<6, 12>, scale_shift, ctnn::relu, dense<12, 4>>, 5>(
        ctnn::mse{});
}

TEST_CASE("batch_backprop at run time equals the compiler's", "[runtime][batch]") {
    using namespace training_test;
    constexpr std::array<std::size_t, 5> order{3, 0, 4, 1, 2};
    constexpr auto compiled = ctnn::batch_backprop<4>(start(), ctnn::softmax_cross_entropy{}, xs, ds, order, 0);
    volatile std::size_t first = 0; // the run-time batch cannot be folded
    const auto run = ctnn::batch_backprop<4>(start(), ctnn::softmax_cross_entropy{}, xs, ds, order, first);
    for (std::size_t k = 0; k < net_t::parameter_count; ++k) CHECK(same_bits(compiled.gradient[k], run.gradient[k]));
    CHECK(same_bits(compiled.loss, run.loss));
}
