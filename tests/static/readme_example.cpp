// The README's example, verbatim (kept in sync by hand: if this file and the
// README differ, the README is wrong). Compiling is passing.
#include <ctnn/ctnn.hpp>

using net_t = ctnn::network<double, ctnn::dense<2, 10>, ctnn::relu, ctnn::dense<10, 1>>;
static_assert(net_t::parameter_count == 41);

constexpr auto net = ctnn::make_network<net_t>(/*seed*/ 42);        // N(0, 1), like the note
constexpr std::array<double, 2> x{0.25, 0.5};
constexpr std::array<double, 1> d{3 * 0.25 + 2 * 0.5};
static_assert(ctnn::gradient_check(net, ctnn::mse{}, x, d).passed);  // backprop == central differences

constexpr auto trained = [] { auto n = net; ctnn::sgd opt{0.07};
    for (int i = 0; i < 50; ++i) ctnn::train_step(n, ctnn::mse{}, opt, x, d);
    return n; }();
static_assert(ctnn::loss_value(trained, ctnn::mse{}, x, d) < ctnn::loss_value(net, ctnn::mse{}, x, d));

#include <catch2/catch.hpp>

TEST_CASE("the README example compiles", "[static][readme]") {
    STATIC_REQUIRE(net_t::parameter_count == 41);
}
