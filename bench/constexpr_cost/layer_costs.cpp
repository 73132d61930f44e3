// One constant evaluation whose cost bench/layer_costs.py measures: make the
// network LAYER names (0 conv2d, 1 conv1d, 2 conv2d 1×1 + max_pool2d,
// 3 conv2d 1×1 + avg_pool2d, 4 conv2d 1×1 alone, 5 gru, 6 lstm; double), then
// STEPS SGD training steps (mse) on one sample. The cost of one training step
// is the cost at STEPS=2 minus the cost at STEPS=1.
#include <ctnn/ctnn.hpp>
#ifndef STEPS
#define STEPS 1
#endif
namespace {
#if LAYER == 0
using net_t = ctnn::network<double, ctnn::input<2, 6, 6>, ctnn::conv2d<2, 3, 3, 1, 1>>;
#elif LAYER == 1
using net_t = ctnn::network<double, ctnn::input<2, 16>, ctnn::conv1d<2, 4, 3, 1, 1>>;
#elif LAYER == 2
using net_t = ctnn::network<double, ctnn::input<2, 8, 8>, ctnn::conv2d<2, 2, 1>, ctnn::max_pool2d<2>>;
#elif LAYER == 3
using net_t = ctnn::network<double, ctnn::input<2, 8, 8>, ctnn::conv2d<2, 2, 1>, ctnn::avg_pool2d<2>>;
#elif LAYER == 4
using net_t = ctnn::network<double, ctnn::input<2, 8, 8>, ctnn::conv2d<2, 2, 1>>;
#elif LAYER == 5
using net_t = ctnn::network<double, ctnn::input<8, 1>, ctnn::gru<4>>;
#elif LAYER == 6
using net_t = ctnn::network<double, ctnn::input<8, 1>, ctnn::lstm<4>>;
#endif
constexpr bool evaluate() {
    auto net = ctnn::make_network<net_t>(1, ctnn::init::he_uniform{});
    typename net_t::input_type x{};
    typename net_t::output_type d{};
    ctnn::splitmix64 g{2};
    for (auto& v : x) v = g.uniform(-1.0, 1.0);
    for (auto& v : d) v = g.uniform(-1.0, 1.0);
    ctnn::sgd opt{0.01};
    double l = 0;
    for (int s = 0; s < STEPS; ++s) l += ctnn::train_step(net, ctnn::mse{}, opt, x, d);
    return l >= 0;
}
} // namespace
static_assert(evaluate());
int main() {}
