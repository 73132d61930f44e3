// The C++ half of the differential test (tests/interop/differential/README.md).
//
// differential.py writes batches of cases; each case is one call of
// differential::run<Net, Loss>(...) with the parameters, input and target as
// hex-float literals. run() prints, as hex floats (exact), what ctnn computes:
// forward output, loss, backprop gradient, and gradient_check's verdicts (with
// the default tolerance, with tolerance<float> for float networks, and the
// same checks again with a loss whose gradient is wrong by 1 % in output 0,
// which the check ought to catch). differential.py parses this and compares
// with PyTorch.
#pragma once

#include <ctnn/ctnn.hpp>

#include <array>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

namespace differential {

// The loss with dE/dy[0] multiplied by 1.01: an injected 1 % gradient error
// (in the last dense layer's bias 0 and column 0, exactly, when the output
// layer is element-wise). Inherits everything else from the loss.
template <class Loss>
struct one_percent_off : Loss {
    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& y, const std::array<T, N>& d,
                                   std::array<T, N>& dy) noexcept {
        Loss::gradient(y, d, dy);
        dy[0] *= T(1.01);
    }
};

inline void hex(double v) { std::printf(" %a", v); }

template <class T, std::size_t N>
void hex_line(const char* tag, const std::array<T, N>& a) {
    std::printf("%s", tag);
    for (std::size_t i = 0; i < N; ++i) hex(static_cast<double>(a[i]));
    std::printf("\n");
}

inline void report_line(const char* name, const ctnn::gradient_check_report& r) {
    std::printf("check %s %d %d %zu", name, r.passed ? 1 : 0, static_cast<int>(r.failure), r.worst_index);
    hex(r.worst_backprop);
    hex(r.worst_numerical);
    std::printf(" %zu %zu %zu\n", r.parameters_checked, r.kinks_skipped, r.steps_shrunk);
}

// The step and tolerances gradient_check uses by default, for the comparison's
// judgement of what a check could have resolved.
// tolerance<float> of the float checks: the defaults, or
// CTNN_DIFFERENTIAL_FLOAT_TOLERANCE="step absolute relative loss_ulps" (to
// measure candidate defaults without rebuilding the runner).
inline ctnn::tolerance<float> float_tolerance() {
    auto t = ctnn::tolerance<float>::defaults();
    if (const char* s = std::getenv("CTNN_DIFFERENTIAL_FLOAT_TOLERANCE"))
        std::sscanf(s, "%f %f %f %f", &t.step, &t.absolute, &t.relative, &t.loss_ulps);
    return t;
}

inline void print_tolerances() {
    const auto td = ctnn::tolerance<double>::defaults();
    const auto tf = float_tolerance();
    std::printf("tolerance double");
    hex(td.step);
    hex(td.absolute);
    hex(td.relative);
    hex(td.loss_ulps);
    std::printf("\ntolerance float");
    hex(static_cast<double>(tf.step));
    hex(static_cast<double>(tf.absolute));
    hex(static_cast<double>(tf.relative));
    hex(static_cast<double>(tf.loss_ulps));
    std::printf("\n");
}

template <class Net, class Loss>
void run(int id, const std::array<typename Net::scalar, Net::parameter_count>& parameters,
         const typename Net::input_type& x, const typename Net::output_type& d) {
    using T = typename Net::scalar;
    Net net{};
    net.parameters = parameters;
    std::printf("case %d\n", id);
    hex_line("y", net.forward(x));
    const auto bp = ctnn::backprop(net, Loss{}, x, d);
    std::printf("loss");
    hex(static_cast<double>(bp.loss));
    std::printf("\n");
    hex_line("grad", bp.gradient);
    report_line("default", ctnn::gradient_check(net, Loss{}, x, d));
    report_line("default_injected", ctnn::gradient_check(net, one_percent_off<Loss>{}, x, d));
    if constexpr (std::is_same_v<T, float>) {
        static const auto tf = float_tolerance();
        report_line("float", ctnn::gradient_check(net, Loss{}, x, d, tf));
        report_line("float_injected", ctnn::gradient_check(net, one_percent_off<Loss>{}, x, d, tf));
    }
    std::printf("end\n");
    std::fflush(stdout);
}

} // namespace differential
