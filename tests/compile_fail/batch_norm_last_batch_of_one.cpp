// expect: ctnn::batch_norm: a network with a batch_norm layer trains on batches of at least 2 samples
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<1, 2>, ctnn::batch_norm<>, ctnn::dense<2, 1>>;
constexpr std::array<std::array<double, 1>, 5> xs{{{0.0}, {1.0}, {2.0}, {3.0}, {4.0}}};
constexpr std::array<std::array<double, 1>, 5> ds{{{0.0}, {2.0}, {4.0}, {6.0}, {8.0}}};
#ifdef CTNN_COMPILE_FAIL
constexpr std::size_t batch = 4; // 5 samples: the last batch of each epoch is one sample
#else
constexpr std::size_t batch = 5;
#endif
constexpr double train() {
    auto net = ctnn::make_network<net_t>(1);
    ctnn::sgd opt{0.01};
    return ctnn::fit<2, batch>(net, ctnn::mse{}, opt, xs, ds).final_loss();
}
static_assert(train() >= 0);
