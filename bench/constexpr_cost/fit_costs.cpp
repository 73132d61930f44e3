// One constant evaluation: EPOCHS epochs of ctnn::fit on a fit_run (a chunk),
// for bench/constexpr_cost.py's cost-model calibration and check.
//   IN, HIDDEN, OUT      sizes of the IN-HIDDEN-(HIDDEN2-)OUT network (HIDDEN2 0: two dense layers)
//   ACT                  relu | tanh | sigmoid
//   LOSS                 mse | softmax_cross_entropy
//   OPT                  sgd | momentum | adagrad | rmsprop | adam
//   SAMPLES, BATCH, EPOCHS  samples, batch size, epochs in the evaluation
// With PREDICT defined it is instead a program that prints ctnn::fit_cost's
// prediction of that evaluation's cost for the compiler compiling it.
#include <ctnn/ctnn.hpp>
#include <ctnn/train/chunking.hpp>
#ifndef IN
#define IN 4
#endif
#ifndef HIDDEN
#define HIDDEN 16
#endif
#ifndef HIDDEN2
#define HIDDEN2 0
#endif
#ifndef OUT
#define OUT 3
#endif
#ifndef ACT
#define ACT relu
#endif
#ifndef LOSS
#define LOSS mse
#endif
#ifndef OPT
#define OPT adam
#endif
#ifndef SAMPLES
#define SAMPLES 120
#endif
#ifndef BATCH
#define BATCH 16
#endif
#ifndef EPOCHS
#define EPOCHS 1
#endif
namespace {
#if HIDDEN2
using net_t = ctnn::network<double, ctnn::dense<IN, HIDDEN>, ctnn::ACT, ctnn::dense<HIDDEN, HIDDEN2>, ctnn::ACT,
                            ctnn::dense<HIDDEN2, OUT>>;
#else
using net_t = ctnn::network<double, ctnn::dense<IN, HIDDEN>, ctnn::ACT, ctnn::dense<HIDDEN, OUT>>;
#endif
struct data_t {
    std::array<std::array<double, IN>, SAMPLES> x;
    std::array<std::array<double, OUT>, SAMPLES> d;
};
constexpr data_t data = [] {
    data_t r{};
    for (std::size_t n = 0; n < SAMPLES; ++n) {
        for (std::size_t i = 0; i < IN; ++i) r.x[n][i] = double((n * 7 + i * 3) % 11) / 11.0 - 0.5;
        r.d[n][n % OUT] = 1.0;
    }
    return r;
}();
struct opt_sgd { static constexpr auto make() { return ctnn::sgd{0.01}; } };
struct opt_momentum { static constexpr auto make() { return ctnn::momentum_sgd_for<net_t>{.learning_rate = 0.01}; } };
struct opt_adagrad { static constexpr auto make() { return ctnn::adagrad_for<net_t>{.learning_rate = 0.01}; } };
struct opt_rmsprop { static constexpr auto make() { return ctnn::rmsprop_for<net_t>{.learning_rate = 0.001}; } };
struct opt_adam { static constexpr auto make() { return ctnn::adam_for<net_t>{.learning_rate = 0.01}; } };
#define CAT(a, b) a##b
#define OPT_T(o) CAT(opt_, o)
constexpr auto run0 = ctnn::start_fit(ctnn::make_network<net_t>(1), OPT_T(OPT)::make(), data.x, {.seed = 2});
constexpr auto chunk(auto run) {
    if constexpr (EPOCHS > 0) ctnn::fit<EPOCHS == 0 ? 1 : EPOCHS, BATCH>(run, ctnn::LOSS{}, data.x, data.d);
    return run;
}
#ifdef PREDICT
} // namespace
#include <cstdio>
int main() {
    std::printf("%.0f\n", ctnn::fit_cost<net_t, ctnn::LOSS, decltype(run0.optimiser), BATCH, SAMPLES>(EPOCHS));
}
namespace {
#else
static_assert(chunk(run0).epoch == EPOCHS);
#endif
} // namespace
#ifndef PREDICT
int main() {}
#endif
