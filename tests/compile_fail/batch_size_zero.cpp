// expect: the batch size must be at least 1
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<1, 1>>;
constexpr std::array<std::array<double, 1>, 4> xs{{{0.0}, {1.0}, {2.0}, {3.0}}};
constexpr std::array<std::array<double, 1>, 4> ds{{{0.0}, {2.0}, {4.0}, {6.0}}};
#ifdef CTNN_COMPILE_FAIL
constexpr std::size_t batch = 0;
#else
constexpr std::size_t batch = 2;
#endif
constexpr double train() {
    auto net = ctnn::make_network<net_t>(1);
    ctnn::sgd opt{0.01};
    return ctnn::fit<2, batch>(net, ctnn::mse{}, opt, xs, ds).final_loss();
}
static_assert(train() >= 0);
