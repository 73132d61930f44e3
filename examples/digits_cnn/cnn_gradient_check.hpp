// digits_cnn's network, and its gradient checked whole at compile time.
//
// ctnn::gradient_check perturbs one parameter at a time: 2 forward passes per
// parameter, about 12,000 passes of ~60,000 multiply-adds for this network,
// hundreds of times what one constant evaluation may do under the compilers'
// default limits. (Every layer type here passes ctnn::gradient_check on
// smaller networks: tests/static/conv.cpp, pool.cpp, flatten.cpp.) So the
// whole network is checked along random directions instead, as PyTorch's
// gradcheck(fast_mode=True) does: for a direction v with entries ±1 (every
// parameter of every layer moves at once), the backprop gradient g must
// satisfy
//   g·v  ≈  (E(w + h·v) − E(w − h·v)) / 2h
// within ctnn's default gradient-check tolerance (absolute 1e-6, relative
// 1e-5, h = 1e-6, in double). A wrong gradient anywhere changes g·v unless the
// error is orthogonal to v, which for a random sign vector it is with
// probability ~0; each direction is its own constant evaluation (a
// static_assert), so the check costs about 7 forward passes per direction, in three
// evaluations. Kinks
// (ReLU at 0, max-pool ties) are asked of the layers, as gradient_check does:
// a step that crosses one fails the check (the directions here cross none).
//
// Not vacuous: every direction's derivative and loss change are nonzero, and
// the same check with one layer's gradient 1 % off fails, for each layer
// with parameters.
#pragma once

#include <digits_data.hpp>

#include <ctnn/ctnn.hpp>

#include <boost/hana/for_each.hpp>
#include <boost/hana/range.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace digits_cnn {

using net_t = ctnn::network<float, ctnn::input<1, 8, 8>,                            //
                            ctnn::conv2d<1, 16, 3, 1, 1>, ctnn::max_pool2d<2>, ctnn::relu,    // 16 × 4 × 4
                            ctnn::conv2d<16, 32, 3, 1, 1>, ctnn::max_pool2d<2>, ctnn::relu,   // 32 × 2 × 2
                            ctnn::flatten, ctnn::dense<128, 10>>;
using loss_t = ctnn::softmax_cross_entropy;

// Sample n's pixels scaled to [0, 1].
template <class T>
constexpr std::array<T, 64> image(std::size_t n) {
    std::array<T, 64> x{};
    for (std::size_t i = 0; i < 64; ++i) x[i] = static_cast<T>(digits_data::features[n][i]) / T(16);
    return x;
}

// PyTorch's default initialisation of Conv2d and Linear: weights and biases
// uniform in ±1/√fan_in, drawn layer by layer in storage order (what
// ctnn::make_network does with such an initialiser, with one square root per
// layer instead of one per parameter: most of the cost at compile time).
// With zero biases, as ctnn's fan-based initialisers set them, a blank patch
// of the image would put ReLU inputs exactly on their kink at the start: the
// network would not be differentiable there.
template <class Net>
constexpr Net initial_network(std::uint64_t seed) {
    using T = typename Net::scalar;
    Net net{};
    ctnn::splitmix64 gen{seed};
    boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<Net::layer_count>),
                          [&](auto i) {
                              constexpr std::size_t l = decltype(i)::value;
                              using traits = ctnn::layer_traits<typename Net::template layer_type<l>>;
                              const T a = T(1) / ctnn::math::sqrt(static_cast<T>(traits::fan_in));
                              T* p = net.parameters.data();
                              const std::size_t end = Net::parameter_offsets[l + 1];
                              for (std::size_t k = Net::parameter_offsets[l]; k < end; ++k) p[k] = gen.uniform<T>(-a, a);
                          });
    return net;
}

// Whether every layer with kinks sees its input on the same smooth piece in both traces.
template <class Net>
constexpr bool same_pieces(const typename Net::trace_type& a, const typename Net::trace_type& b) {
    bool same = true;
    boost::hana::for_each(boost::hana::make_range(boost::hana::size_c<0>, boost::hana::size_c<Net::layer_count>),
                          [&](auto i) {
                              constexpr std::size_t k = decltype(i)::value;
                              using traits = ctnn::layer_traits<typename Net::template layer_type<k>>;
                              if constexpr (traits::has_kinks)
                                  if (same && !traits::same_piece(boost::hana::at_c<k>(a), boost::hana::at_c<k>(b)))
                                      same = false;
                          });
    return same;
}

// Direction `direction` (a seed for the signs): v[k] = ±1.
template <std::size_t P>
constexpr std::array<double, P> direction_signs(std::uint64_t direction) {
    ctnn::splitmix64 signs{direction};
    std::array<double, P> v{};
    double* vp = v.data();
    for (std::size_t k = 0; k < P; k += 64) {
        std::uint64_t bits = signs.next(); // 64 signs a draw
        const std::size_t n = P - k < 64 ? P - k : 64;
        for (std::size_t b = 0; b < n; ++b, bits >>= 1) vp[k + b] = (bits & 1) != 0 ? 1.0 : -1.0;
    }
    return v;
}

template <class FloatNet>
using checked_t = typename FloatNet::template rebind<double>; // checked in double, as gradient_check does

// g·v, backprop's directional derivative at training image `sample`, as one
// partial sum per layer (g·v is their sum; the negative controls scale one).
template <class FloatNet>
using layer_sums = std::array<double, checked_t<FloatNet>::layer_count>;

template <class FloatNet>
constexpr layer_sums<FloatNet> backprop_along(std::uint64_t network_seed, std::uint64_t direction,
                                              std::size_t sample) {
    using Net = checked_t<FloatNet>;
    const Net net = ctnn::convert<double>(initial_network<FloatNet>(network_seed));
    const auto g = ctnn::backprop(net, loss_t{}, image<double>(sample),
                                  ctnn::one_hot<10, double>(digits_data::labels[sample]))
                       .gradient;
    const auto v = direction_signs<Net::parameter_count>(direction);
    layer_sums<FloatNet> sums{};
    const double* gp = g.data();
    const double* vp = v.data();
    for (std::size_t l = 0; l < Net::layer_count; ++l) {
        double sum = 0;
        const std::size_t end = Net::parameter_offsets[l + 1];
        for (std::size_t k = Net::parameter_offsets[l]; k < end; ++k) sum += gp[k] * vp[k];
        sums[l] = sum;
    }
    return sums;
}

// Σ of the layer sums, layer `wrong_layer` (if any) 1 % off.
template <std::size_t L>
constexpr double along(const std::array<double, L>& sums, std::size_t wrong_layer = L) {
    double total = 0;
    for (std::size_t l = 0; l < L; ++l) total += l == wrong_layer ? 1.01 * sums[l] : sums[l];
    return total;
}

// E(w + side·h·v), h = 1e-6, and whether the step crossed a kink of any
// layer (asked of the layers, as gradient_check does). One side per constant
// evaluation: two forward passes each.
struct perturbed_loss {
    double loss = 0;
    bool crossed_kink = true;
};
inline constexpr double step = 1e-6;

template <class FloatNet>
constexpr perturbed_loss loss_along(std::uint64_t network_seed, std::uint64_t direction, std::size_t sample,
                                    double side) {
    using Net = checked_t<FloatNet>;
    constexpr std::size_t P = Net::parameter_count;
    const Net net = ctnn::convert<double>(initial_network<FloatNet>(network_seed));
    const auto x = image<double>(sample);
    const auto v = direction_signs<P>(direction);
    Net moved = net;
    double* mp = moved.parameters.data();
    const double* vp = v.data();
    for (std::size_t k = 0; k < P; ++k) mp[k] += side * step * vp[k];
    const auto trace = moved.forward_trace(x);
    return {loss_t::value(ctnn::output_of(trace), ctnn::one_hot<10, double>(digits_data::labels[sample])),
            !same_pieces<Net>(net.forward_trace(x), trace)};
}

struct central_difference {
    double quotient = 0;
    double loss_change = 0;
    bool crossed_kink = true;
};

constexpr central_difference difference_of(const perturbed_loss& up, const perturbed_loss& down) {
    return {(up.loss - down.loss) / (2 * step), up.loss > down.loss ? up.loss - down.loss : down.loss - up.loss,
            up.crossed_kink || down.crossed_kink};
}

struct directional_result {
    double analytic = 0;  // g·v
    central_difference numerical{};
    constexpr double error() const {
        const double e = analytic - numerical.quotient;
        return e < 0 ? -e : e;
    }
    constexpr double magnitude() const { return numerical.quotient < 0 ? -numerical.quotient : numerical.quotient; }
    // ctnn's default gradient-check tolerance (ctnn::tolerance<double>::defaults()).
    constexpr bool passed() const {
        return !numerical.crossed_kink && analytic != 0 && numerical.loss_change > 0 &&
               error() <= 1e-6 + 1e-5 * magnitude();
    }
};

inline constexpr std::uint64_t network_seed = 7; // the example's seed (seed_source in main.cpp)

// Four directions at four images; every call below is its own constant
// evaluation (backprop; each side's perturbed forward pass with the base's).
inline constexpr layer_sums<net_t> analytic_0 = backprop_along<net_t>(network_seed, 101, 0);
inline constexpr layer_sums<net_t> analytic_1 = backprop_along<net_t>(network_seed, 102, 1);
inline constexpr layer_sums<net_t> analytic_2 = backprop_along<net_t>(network_seed, 103, 2);
inline constexpr layer_sums<net_t> analytic_3 = backprop_along<net_t>(network_seed, 104, 3);
inline constexpr perturbed_loss up_0 = loss_along<net_t>(network_seed, 101, 0, +1);
inline constexpr perturbed_loss down_0 = loss_along<net_t>(network_seed, 101, 0, -1);
inline constexpr perturbed_loss up_1 = loss_along<net_t>(network_seed, 102, 1, +1);
inline constexpr perturbed_loss down_1 = loss_along<net_t>(network_seed, 102, 1, -1);
inline constexpr perturbed_loss up_2 = loss_along<net_t>(network_seed, 103, 2, +1);
inline constexpr perturbed_loss down_2 = loss_along<net_t>(network_seed, 103, 2, -1);
inline constexpr perturbed_loss up_3 = loss_along<net_t>(network_seed, 104, 3, +1);
inline constexpr perturbed_loss down_3 = loss_along<net_t>(network_seed, 104, 3, -1);
inline constexpr central_difference numerical_0 = difference_of(up_0, down_0);
inline constexpr central_difference numerical_1 = difference_of(up_1, down_1);
inline constexpr central_difference numerical_2 = difference_of(up_2, down_2);
inline constexpr central_difference numerical_3 = difference_of(up_3, down_3);
inline constexpr std::array<directional_result, 4> directions{{{along(analytic_0), numerical_0},
                                                               {along(analytic_1), numerical_1},
                                                               {along(analytic_2), numerical_2},
                                                               {along(analytic_3), numerical_3}}};
static_assert(directions[0].passed() && directions[1].passed() && directions[2].passed() && directions[3].passed(),
              "digits_cnn: backprop disagrees with central differences along a random direction");

// The negative controls: each layer with parameters (0: first convolution,
// 3: second convolution, 7: dense) 1 % off is caught.
static_assert(!directional_result{along(analytic_0, 0), numerical_0}.passed());
static_assert(!directional_result{along(analytic_0, 3), numerical_0}.passed());
static_assert(!directional_result{along(analytic_0, 7), numerical_0}.passed());

inline constexpr std::size_t direction_count = 4;
inline constexpr double worst_directional_error = [] {
    double worst = 0;
    for (const auto& r : directions)
        if (r.error() / r.magnitude() > worst) worst = r.error() / r.magnitude();
    return worst;
}();

} // namespace digits_cnn
