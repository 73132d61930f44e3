// A controller network proved safe by the compiler.
//
// A 2-6-1 ReLU network learns the saturating law u = u_max·tanh(k·(p + ½v))
// at compile time (controller.hpp), and a static_assert proves that on the
// whole state box p, v in [−1, 1] it never commands more than u_max: not by
// testing states, but by ctnn::linear_bounds, which bounds the output for
// every state in the box (the exact output and the one computed in floating
// point), on 4×4 sub-boxes that cover it.
// tests/compile_fail/safe_controller_larger_box.cpp is the twin that asks the
// same of the box [−2, 2]², where the network extrapolates, and does not
// compile.
#include "controller.hpp"

#include <cstdio>

namespace {

using namespace safe_controller;

constexpr const net_t& controller = trained.net;

constexpr double largest_command = command_bound<4>(controller, -1.0, 1.0);

static_assert(imitation_error(controller, 20) < 0.1, "safe_controller: the network did not learn the control law");
static_assert(largest_command <= u_max,
              "safe_controller: the network may command more than u_max somewhere in the state box");

} // namespace

int main() {
    std::printf("safe_controller: 2-6-1 ReLU network imitating u = %g*tanh(%g*(p + v/2)), trained at compile time\n",
                u_max, gain);
    std::printf("worst imitation error on a 41x41 grid: %.4f\n", imitation_error(controller, 40));
    std::printf("proved for every state in [-1, 1]^2: |u| <= %.6f <= u_max = %g\n", largest_command, u_max);
    std::printf("on the whole box at once: linear bounds |u| <= %.6f, interval bounds |u| <= %.6f\n",
                command_bound<1>(controller, -1.0, 1.0), interval_bound(controller, -1.0, 1.0));
    return 0;
}
