// ctnn/grad/numerical.hpp - central differences: the study note's numerical
// gradient, and the one engine every gradient check uses.
#pragma once

#include <ctnn/grad/backprop.hpp>

#include <array>
#include <cstddef>

namespace ctnn {

namespace detail {

template <class T>
struct central_difference {
    T up;       // E(u + h)
    T down;     // E(u − h)
    T quotient; // (E(u + h) − E(u − h)) / ((u + h) − (u − h))
};

// Perturbs `u` (a parameter, an input or an output) by +h and −h, evaluating
// E through evaluate(+1) and evaluate(−1), and restores it exactly (the study
// note's shallow copy let its weights drift by −h per gradient; this does not).
// Dividing by the difference of the perturbed values actually stored (rather
// than by 2h) removes the rounding of u ± h from the quotient.
template <class T, class Evaluate>
constexpr central_difference<T> central_difference_at(T& u, T h, Evaluate&& evaluate) noexcept {
    const T w = u;
    const T up = w + h;
    const T down = w - h;
    u = up;
    const T e_up = evaluate(1);
    u = down;
    const T e_down = evaluate(-1);
    u = w;
    return {e_up, e_down, (e_up - e_down) / (up - down)};
}

} // namespace detail

// Central differences over every parameter, two full forward passes each:
//   dE/dw ≈ (E(w + h) − E(w − h)) / ((w + h) − (w − h))
template <class Net, class Loss, class X, std::size_t NX, class D, std::size_t ND>
constexpr typename Net::gradient_type numerical_gradient(const Net& original, const Loss&, const std::array<X, NX>& x,
                                                         const std::array<D, ND>& d,
                                                         typename Net::scalar h) noexcept {
    static_assert(detail::check_sample<Net, X, NX, D, ND>() && detail::check_loss<Loss>::value);
    Net net = original; // perturbed in place, one parameter at a time
    typename Net::gradient_type g{};
    for (std::size_t k = 0; k < Net::parameter_count; ++k)
        g[k] = detail::central_difference_at(net.parameters[k], h, [&](int) {
                   return Loss::value(net.forward(x), d);
               }).quotient;
    return g;
}

} // namespace ctnn
