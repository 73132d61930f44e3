// What a user writes: ctnn used from outside its own build, with the user's
// strict warnings. The static_asserts prove the whole compile-time path (make
// a network, backprop, central differences, train) works through the way the
// consumer found ctnn; main() repeats the check at runtime.
#include <ctnn/ctnn.hpp>

#include <array>
#include <cstdio>

namespace {

using net_t = ctnn::network<double, ctnn::dense<2, 4>, ctnn::tanh, ctnn::dense<4, 1>>;

constexpr std::array<double, 2> x{0.5, -1.5};
constexpr std::array<double, 1> d{0.25};

constexpr net_t seeded() { return ctnn::make_network<net_t>(7, ctnn::init::uniform{-1.0, 1.0}); }

constexpr auto report = ctnn::gradient_check(seeded(), ctnn::mse{}, x, d);
static_assert(report.passed, "backprop agrees with central differences in a constant expression");
static_assert(report.parameters_checked == net_t::parameter_count, "every parameter was checked");
static_assert(report.gradient_norm > 0.0, "and the check is not vacuous");

constexpr bool training_lowers_the_loss() {
    auto net = seeded();
    ctnn::sgd optimiser{0.1};
    const double before = ctnn::loss_value(net, ctnn::mse{}, x, d);
    for (int step = 0; step < 20; ++step) ctnn::train_step(net, ctnn::mse{}, optimiser, x, d);
    return ctnn::loss_value(net, ctnn::mse{}, x, d) < before / 2;
}
static_assert(training_lowers_the_loss(), "twenty SGD steps at compile time halve the loss");

// The version the package (ctnnConfigVersion.cmake) or project() announced
// is the one the headers say.
#if defined(CTNN_PACKAGE_VERSION_MAJOR)
static_assert(CTNN_PACKAGE_VERSION_MAJOR == CTNN_VERSION_MAJOR && CTNN_PACKAGE_VERSION_MINOR == CTNN_VERSION_MINOR &&
                  CTNN_PACKAGE_VERSION_PATCH == CTNN_VERSION_PATCH,
              "the CMake package version and ctnn/version.hpp disagree");
#endif

} // namespace

int main(int argc, char**) {
    // argc hides the input from the optimiser, so this check runs at runtime.
    const double scale = static_cast<double>(argc);
    const std::array<double, 2> runtime_x{x[0] * scale, x[1] * scale};
    const auto r = ctnn::gradient_check(seeded(), ctnn::mse{}, runtime_x, d);
    std::printf("ctnn %d.%d.%d consumer: runtime gradient check: %s\n", CTNN_VERSION_MAJOR, CTNN_VERSION_MINOR,
                CTNN_VERSION_PATCH, ctnn::describe(r.failure));
    return r.passed && r.gradient_norm > 0.0 ? 0 : 1;
}
