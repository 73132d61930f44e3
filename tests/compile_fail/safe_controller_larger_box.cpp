// expect: safe_controller: the network may command more than u_max somewhere in the state box
// The controller of examples/safe_controller, proved safe on [-1, 1]^2. On
// [-2, 2]^2 it extrapolates linearly (a ReLU network) and commands more than
// u_max, so the same static_assert stops the build. The twin (without
// CTNN_COMPILE_FAIL) is the proof on the box it was trained for.
#include "../../examples/safe_controller/controller.hpp"

#ifdef CTNN_COMPILE_FAIL
constexpr double state_limit = 2.0;
#else
constexpr double state_limit = 1.0;
#endif

static_assert(safe_controller::command_bound<4>(safe_controller::trained.net, -state_limit, state_limit) <=
                  safe_controller::u_max,
              "safe_controller: the network may command more than u_max somewhere in the state box");
