// expect: ctnn::batch_norm: a network with a batch_norm layer trains on batches of at least 2 samples
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::batch_norm<>, ctnn::dense<3, 1>>;
constexpr std::array<std::array<double, 2>, 2> xs{{{0.0, 1.0}, {1.0, 0.5}}};
constexpr std::array<std::array<double, 1>, 2> ds{{{0.0}, {2.0}}};
constexpr double train() {
    auto net = ctnn::make_network<net_t>(1);
    ctnn::sgd opt{0.01};
#ifdef CTNN_COMPILE_FAIL
    return ctnn::train_step(net, ctnn::mse{}, opt, xs[0], ds[0]); // one sample: variance 0
#else
    return ctnn::train_batch(net, ctnn::mse{}, opt, xs, ds);
#endif
}
static_assert(train() >= 0);
