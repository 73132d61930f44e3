// expect: gradient checks run in float or double
#include <ctnn/ctnn.hpp>
using net_t = ctnn::network<double, ctnn::dense<2, 1>>;
constexpr auto net = ctnn::make_network<net_t>(1);
constexpr std::array<double, 2> x{0.5, 0.25};
constexpr std::array<double, 1> d{1.0};
#ifdef CTNN_COMPILE_FAIL
constexpr ctnn::tolerance<int> tol{1, 1, 1};
#else
constexpr ctnn::tolerance<double> tol{1e-6, 1e-6, 1e-5};
#endif
static_assert(ctnn::gradient_check(net, ctnn::mse{}, x, d, tol).passed);
