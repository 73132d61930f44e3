// ctnn/verify/robustness.hpp - robustness certificates.
//
//   auto c = ctnn::certify(net, x, epsilon);          // linear bounds
//   auto c = ctnn::certify(net, x, epsilon, ctnn::bound_method::interval);
//   static_assert(ctnn::certify(net, x, 0.05).certified);
//
// For the class c the network predicts at x (the first largest output of
// net.forward(x)) and every other class j, margin[j] is a lower bound on
// y_c(x') − y_j(x') over every x' with |x' − x|∞ <= epsilon, for the exact
// outputs and for the computed ones. The sample is certified when every
// margin is positive: then net.forward(x') predicts c for every such x'
// (strictly larger: no tie can change the answer).
//
// With bound_method::linear the margin is back-substituted as one linear
// function (y_c − y_j), which keeps what the two outputs share, and is
// never below the interval margin lower(y_c) − upper(y_j).
#pragma once

#include <ctnn/verify/bounds.hpp>

#include <array>
#include <cstddef>
#include <limits>

namespace ctnn {

enum class bound_method { interval, linear };

template <class T, std::size_t Classes>
struct certificate {
    std::size_t predicted = 0;
    // margin[j]: lower bound on y_predicted − y_j over the ball; +inf at j = predicted.
    std::array<T, Classes> margin{};
    T worst_margin = T(0); // the smallest margin (over j != predicted)
    bool certified = false;
    constexpr explicit operator bool() const noexcept { return certified; }
};

template <class Net, class T, std::size_t N>
constexpr certificate<typename Net::scalar, Net::output_size>
certify(const Net& net, const std::array<T, N>& x, T epsilon, bound_method method = bound_method::linear) noexcept {
    static_assert(detail::verify::check_box_fits<Net, T, N>::value);
    constexpr std::size_t Out = Net::output_size;
    certificate<typename Net::scalar, Out> c{};
    if constexpr (std::is_same_v<T, typename Net::scalar> && N == Net::input_size) {
        using namespace detail::verify;
        const auto y = net.forward(x);
        for (std::size_t j = 1; j < Out; ++j)
            if (y[j] > y[c.predicted]) c.predicted = j;
        const box<T, N> ball = box_around(x, epsilon);
        if (method == bound_method::interval) {
            const box<T, Out> out = output_bounds(net, ball);
            for (std::size_t j = 0; j < Out; ++j)
                c.margin[j] = sane_lower(sub_down(out.lower[c.predicted], out.upper[j]));
        } else {
            // One pass of layer bounds; the margins y_c − y_j as the rows of
            // a form back-substituted from the output.
            const auto boxes = layer_boxes<true, Net>(net, ball);
            const auto& out = boost::hana::at_c<Net::layer_count>(boxes);
            linear_form<T, Out, Out> f{};
            for (std::size_t j = 0; j < Out; ++j) {
                f.lower_coefficients[j * Out + c.predicted] += T(1);
                f.lower_coefficients[j * Out + j] -= T(1);
            }
            f.upper_coefficients = f.lower_coefficients;
            const box<T, Out> m = back_substitute_both<Net::layer_count - 1>(net, boxes, f);
            for (std::size_t j = 0; j < Out; ++j)
                c.margin[j] = max_of(sane_lower(sub_down(out.lower[c.predicted], out.upper[j])), m.lower[j]);
        }
        c.margin[c.predicted] = infinity<T>;
        c.worst_margin = infinity<T>;
        for (std::size_t j = 0; j < Out; ++j)
            if (j != c.predicted) c.worst_margin = min_of(c.worst_margin, c.margin[j]);
        c.certified = c.worst_margin > T(0);
    }
    return c;
}

} // namespace ctnn
