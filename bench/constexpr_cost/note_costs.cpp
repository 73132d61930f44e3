// One constant evaluation whose cost bench/constexpr_cost.py measures.
//   WHAT=setup      initialise the note's network and data, mean loss
//   WHAT=check      setup + gradient_check of the network at one sample
//   WHAT=backprop   setup + STEPS backprop SGD steps
//   WHAT=numerical  setup + STEPS numerical-diff SGD steps
// HIDDEN (default 10) is the hidden width of the 2-HIDDEN-1 ReLU network.
#include <note_experiment.hpp>

#ifndef HIDDEN
#define HIDDEN 10
#endif
#ifndef STEPS
#define STEPS 50
#endif

namespace {
enum class what { setup, check, backprop, numerical };
constexpr what which = what::WHAT;

constexpr bool evaluate() {
    auto s = note::make_setup<double, HIDDEN>(1);
    if constexpr (which == what::check) {
        return ctnn::gradient_check(s.net, ctnn::mse{}, s.data.x[0], s.data.d[0]).passed;
    } else if constexpr (which == what::backprop) {
        note::train(s.net, s.data, s.draws, STEPS, note::method::backprop);
    } else if constexpr (which == what::numerical) {
        note::train(s.net, s.data, s.draws, STEPS, note::method::numerical);
    }
    return note::mean_loss(s.net, s.data) >= 0;
}
} // namespace

static_assert(evaluate());

int main() {}
