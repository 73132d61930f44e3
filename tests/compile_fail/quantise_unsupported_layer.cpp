// expect: int8 networks are made of dense layers, each optionally followed by ctnn::relu
#include <ctnn/ctnn.hpp>
#ifdef CTNN_COMPILE_FAIL
using net_t = ctnn::network<float, ctnn::dense<2, 3>, ctnn::sigmoid, ctnn::dense<3, 1>>;
#else
using net_t = ctnn::network<float, ctnn::dense<2, 3>, ctnn::relu, ctnn::dense<3, 1>>;
#endif
constexpr std::array<std::array<float, 2>, 1> calibration{{{0.5f, -0.5f}}};
constexpr auto q = ctnn::quantise(net_t{}, calibration);
static_assert(decltype(q)::layer_count == 2);
