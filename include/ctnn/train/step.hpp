// ctnn/train/step.hpp - one training step, by backprop or by numerical gradient.
#pragma once

#include <ctnn/grad/backprop.hpp>
#include <ctnn/train/optimiser.hpp>

#include <ctnn/core/random.hpp>

#include <array>
#include <cstddef>
#include <limits>
#include <type_traits>

namespace ctnn {

// How a training run ended. A run that diverges stops with a status instead of
// carrying NaN or infinity into every later step.
enum class training_status {
    ok,              // every step's loss was finite
    loss_not_finite, // a loss became NaN or infinite: training stopped there
    loss_diverged,   // a loss exceeded the run's divergence limit: stopped there,
                     // before any arithmetic could overflow (which no compiler
                     // accepts in a constant expression)
    gradient_not_finite,  // the loss was finite but a gradient entry was NaN or
                          // infinite (e.g. a NaN input behind a ReLU): stopped there
    parameters_not_finite // finite loss and gradient, but the update made a
                          // parameter NaN or infinite: stopped there
};

constexpr const char* describe(training_status s) noexcept {
    switch (s) {
    case training_status::ok: return "ok";
    case training_status::loss_not_finite: return "diverged: the loss became NaN or infinite";
    case training_status::loss_diverged: return "diverged: the loss grew beyond the divergence limit";
    case training_status::gradient_not_finite: return "diverged: a gradient became NaN or infinite";
    case training_status::parameters_not_finite: return "diverged: the update made a parameter NaN or infinite";
    }
    return "unknown";
}

// static_assert(ctnn::training_succeeded<run.status>()) fails with a message
// that says how the run failed.
template <training_status Status>
constexpr bool training_succeeded() noexcept {
    static_assert(Status != training_status::loss_not_finite,
                  "ctnn: training diverged: the loss became NaN or infinite (lower the learning rate?)");
    static_assert(Status != training_status::loss_diverged,
                  "ctnn: training diverged: the loss grew beyond the run's divergence limit "
                  "(lower the learning rate?)");
    static_assert(Status != training_status::gradient_not_finite,
                  "ctnn: training diverged: a gradient became NaN or infinite (a NaN or infinite input?)");
    static_assert(Status != training_status::parameters_not_finite,
                  "ctnn: training diverged: the update made a parameter NaN or infinite (lower the learning rate?)");
    return Status == training_status::ok;
}

namespace detail {

// A gradient sink that applies an element-wise optimiser's step to each
// parameter as its gradient is delivered: backward and update in one pass
// over the weights. The delivered value is added to +0 as an accumulated
// gradient is (0 + g), so the bits equal backprop-then-update even for −0.
// Checked: also notes the first non-finite gradient or updated parameter
// (one comparison per parameter, paid only by the status-returning steps).
//
// Each parameter's update is one expression statement: in constant
// evaluation every statement and call costs Clang a step, and this loop runs
// once per parameter per training step. Plain SGD (no weight decay) is
// written out, w − lr·g, the very arithmetic of sgd::step_type; other
// optimisers' steps are called. The finiteness check is two comparisons
// (false for NaN and ±∞) folded into the same statement; which of gradient
// and parameter went bad is worked out only when one did.
template <class T, class Step, bool Checked = false>
struct update_sink {
    T* p;
    Step step;
    training_status status = training_status::ok;

    static constexpr T largest = std::numeric_limits<T>::max();
    static constexpr bool plain_sgd_step = std::is_same_v<Step, sgd::step_type<T>>;

    // The status for a parameter w that is not finite after its update by g.
    constexpr void note(T w, T g) noexcept {
        if (!(w <= largest && w >= -largest) && status == training_status::ok)
            status = (g <= largest && g >= -largest) ? training_status::parameters_not_finite
                                                     : training_status::gradient_not_finite;
    }

    constexpr void operator()(std::size_t k, T g) noexcept {
        const T delivered = g + T(0);
        step(p[k], delivered, k);
        if constexpr (Checked) note(p[k], delivered);
    }

    // Parameters k .. k + n − 1 get the gradients a·v[j] (Scaled) or v[j]
    // (each + 0, as above), then are checked. Few statements on the way in:
    // this runs once per row of every layer.
    template <bool Scaled>
    constexpr void update_row(std::size_t k, T a, const T* v, std::size_t n) noexcept {
        T* w = p + k;
        if constexpr (plain_sgd_step && !Checked) {
            const T lr = step.lr;
            if (step.decay)
                for (std::size_t j = 0; j < n; ++j) step(w[j], (Scaled ? a * v[j] : v[j]) + T(0), k + j);
            else if constexpr (Scaled)
                for (std::size_t j = 0; j < n; ++j) w[j] -= lr * (a * v[j] + T(0));
            else
                for (std::size_t j = 0; j < n; ++j) w[j] -= lr * (v[j] + T(0));
        } else if constexpr (plain_sgd_step) {
            const T lr = step.lr;
            bool finite = !step.decay;
            if (!finite)
                for (std::size_t j = 0; j < n; ++j) step(w[j], (Scaled ? a * v[j] : v[j]) + T(0), k + j);
            else if constexpr (Scaled)
                for (std::size_t j = 0; j < n; ++j)
                    finite &= (w[j] -= lr * (a * v[j] + T(0))) <= largest && w[j] >= -largest;
            else
                for (std::size_t j = 0; j < n; ++j)
                    finite &= (w[j] -= lr * (v[j] + T(0))) <= largest && w[j] >= -largest;
            if (!finite) // (with weight decay: checked one by one here)
                for (std::size_t j = 0; j < n; ++j) note(w[j], (Scaled ? a * v[j] : v[j]) + T(0));
        } else if constexpr (Checked) {
            bool finite = true;
            for (std::size_t j = 0; j < n; ++j)
                finite &= (step(w[j], (Scaled ? a * v[j] : v[j]) + T(0), k + j),
                           w[j] <= largest && w[j] >= -largest);
            if (!finite)
                for (std::size_t j = 0; j < n; ++j) note(w[j], (Scaled ? a * v[j] : v[j]) + T(0));
        } else {
            for (std::size_t j = 0; j < n; ++j) step(w[j], (Scaled ? a * v[j] : v[j]) + T(0), k + j);
        }
    }

    constexpr void row(std::size_t k, T a, const T* v, std::size_t n) noexcept { update_row<true>(k, a, v, n); }
    constexpr void row(std::size_t k, const T* v, std::size_t n) noexcept { update_row<false>(k, T(0), v, n); }
};

// The status of a step whose loss was `loss`, gradient `g` (null: already
// judged) and parameters `w` after the update.
template <class T, std::size_t P>
constexpr training_status step_status(T loss, const std::array<T, P>* g, const std::array<T, P>& w) noexcept {
    if (!math::isfinite(loss)) return training_status::loss_not_finite;
    if (g)
        for (const T& v : *g)
            if (!math::isfinite(v)) return training_status::gradient_not_finite;
    for (const T& v : w)
        if (!math::isfinite(v)) return training_status::parameters_not_finite;
    return training_status::ok;
}

} // namespace detail

namespace detail {

// Raised where a network with a batch-coupled layer would be trained on one
// sample at a time: batch statistics of one sample have variance 0.
template <class Net>
struct check_not_one_sample {
    static_assert(!requires { requires Net::batch_coupled; },
                  "ctnn::batch_norm: a network with a batch_norm layer trains on batches of at least 2 samples "
                  "(its batch statistics of one sample have variance 0): use ctnn::train_batch or ctnn::fit with "
                  "BatchSize >= 2, not train_step");
    static constexpr bool value = true;
};

template <bool Checked, class Net, class Loss, class Optimiser, class X, std::size_t NX, class D, std::size_t ND>
constexpr typename Net::scalar training_step(Net& net, const Loss& loss, Optimiser& optimiser,
                                             const std::array<X, NX>& x, const std::array<D, ND>& d,
                                             training_status* status) noexcept {
    using T = typename Net::scalar;
    static_assert(detail::check_sample<Net, X, NX, D, ND>() && detail::check_loss<Loss>::value &&
                  detail::check_optimiser<Optimiser, typename Net::parameter_array>::value);
    static_assert(detail::check_not_one_sample<Net>::value);
    if constexpr (fused_optimiser<Optimiser, T>) {
        if constexpr (detail::state_fits<Optimiser, T, Net::parameter_count>()) {
            detail::update_sink<T, decltype(optimiser.template begin_step<T>()), Checked> sink{
                net.parameters.data(), optimiser.template begin_step<T>()};
            const T value = detail::forward_then_backward<Loss>(net, x, d, [&](const auto& trace, const auto& dy) {
                net.template backward_into<false>(trace, dy, sink);
            });
            if constexpr (Checked) *status = math::isfinite(value) ? sink.status : training_status::loss_not_finite;
            return value;
        } else {
            return T(0);
        }
    } else {
        auto result = backprop(net, loss, x, d);
        optimiser.update(net.parameters, result.gradient);
        if constexpr (Checked) *status = detail::step_status(result.loss, &result.gradient, net.parameters);
        return result.loss;
    }
}

} // namespace detail

// Forward, backward, update. Returns the sample's loss before the update. An
// element-wise optimiser (ctnn::fused_optimiser: every one ctnn ships) is
// applied inside the backward pass, parameter by parameter, with the same
// bits as backprop followed by optimiser.update.
template <class Net, class Loss, class Optimiser, class X, std::size_t NX, class D, std::size_t ND>
constexpr typename Net::scalar train_step(Net& net, const Loss& loss, Optimiser& optimiser, const std::array<X, NX>& x,
                                          const std::array<D, ND>& d) noexcept {
    return detail::training_step<false>(net, loss, optimiser, x, d, nullptr);
}

// The same step (same bits), also saying how it went in `status`: ok,
// loss_not_finite, gradient_not_finite (finite loss, a NaN or infinite
// gradient entry) or parameters_not_finite (finite loss and gradient, a
// parameter not finite after the update). The update is applied either way:
// a run stops at the first status other than ok (train_random_samples, fit).
// Costs one comparison per parameter over the plain train_step.
template <class Net, class Loss, class Optimiser, class X, std::size_t NX, class D, std::size_t ND>
constexpr typename Net::scalar train_step(Net& net, const Loss& loss, Optimiser& optimiser, const std::array<X, NX>& x,
                                          const std::array<D, ND>& d, training_status& status) noexcept {
    return detail::training_step<true>(net, loss, optimiser, x, d, &status);
}

// The same step with the gradient from central differences (2P forward
// passes). Returns the sample's loss before the update, like train_step.
template <class Net, class Loss, class Optimiser, class X, std::size_t NX, class D, std::size_t ND>
constexpr typename Net::scalar train_step_numerical(Net& net, const Loss& loss, Optimiser& optimiser,
                                                    const std::array<X, NX>& x, const std::array<D, ND>& d,
                                                    typename Net::scalar h) noexcept {
    const auto before = loss_value(net, loss, x, d);
    const auto gradient = numerical_gradient(net, loss, x, d, h);
    optimiser.update(net.parameters, gradient);
    return before;
}

// The loss above which a run counts as diverged (training_status::
// loss_diverged): far below overflow, so a diverging run stops before any
// step can overflow (GCC rejects an overflow to infinity in a constant
// expression, Clang any NaN), and far above any loss a converging run has.
template <class T>
inline constexpr T default_divergence_limit = std::is_same_v<T, float> ? T(1e12f) : T(1e100);

// Gradient methods for a training run.
struct backprop_method {};
struct numerical_method {
    double step = 1e-5; // h of the central differences
};

// A training run that can be continued: the network, the optimiser (and its
// state), the generator that draws samples, and how far it got. Everything is
// a value, so a run can be cut into pieces, each its own constant evaluation
// (see trained_in_chunks).
template <class Net, class Optimiser = sgd>
struct training_run {
    using scalar = typename Net::scalar;
    Net net;
    Optimiser optimiser;
    splitmix64 draws{0};
    std::size_t steps_done = 0;
    training_status status = training_status::ok;
    // A loss above this stops the run with training_status::loss_diverged.
    scalar divergence_limit = default_divergence_limit<scalar>;
};

// A callback that does nothing (train_random_samples' on_step, fit's callback).
struct no_callback {
    template <class... Arguments>
    constexpr void operator()(const Arguments&...) const noexcept {}
};

// `steps` SGD steps, each on one sample drawn uniformly with replacement
// (draws.below(N)), as in the study note. on_step(step, loss) sees each
// sample's loss before its update. Stops early, with a status, on divergence:
// a loss that is not finite or beyond the limit, a gradient or (after the
// update) a parameter that is not finite.
template <class Net, class Optimiser, class Loss, class X, std::size_t NX, class D, std::size_t ND, std::size_t N,
          class Method, class OnStep = no_callback>
constexpr training_status train_random_samples(training_run<Net, Optimiser>& run, const Loss& loss,
                                               const std::array<std::array<X, NX>, N>& xs,
                                               const std::array<std::array<D, ND>, N>& ds, std::size_t steps,
                                               const Method& method, OnStep&& on_step = {}) noexcept {
    static_assert(detail::check_sample<Net, X, NX, D, ND>());
    static_assert(std::is_same_v<Method, backprop_method> || std::is_same_v<Method, numerical_method>,
                  "ctnn::train_random_samples: the method is ctnn::backprop_method{} or ctnn::numerical_method{h}");
    using T = typename Net::scalar;
    for (std::size_t i = 0; i < steps && run.status == training_status::ok; ++i) {
        const std::size_t n = run.draws.below(N);
        T value;
        training_status status = training_status::ok;
        if constexpr (std::is_same_v<Method, backprop_method>) {
            value = train_step(run.net, loss, run.optimiser, xs[n], ds[n], status);
        } else {
            const auto gradient = numerical_gradient(run.net, loss, xs[n], ds[n], static_cast<T>(method.step));
            value = loss_value(run.net, loss, xs[n], ds[n]);
            run.optimiser.update(run.net.parameters, gradient);
            status = detail::step_status(value, &gradient, run.net.parameters);
        }
        on_step(run.steps_done, value);
        ++run.steps_done;
        if (status != training_status::ok) run.status = status;
        else if (value > run.divergence_limit) run.status = training_status::loss_diverged;
    }
    return run.status;
}

// Compile-time training in chunks. A compiler's constexpr limits (Clang's
// -fconstexpr-steps, GCC's -fconstexpr-ops-limit) apply to each top-level
// constant evaluation; this variable template makes each chunk its own one,
// continuing from the last:
//
//   struct my_training {
//       static constexpr auto start() { return ctnn::training_run<net_t>{...}; }
//       static constexpr void advance(auto& run) {  // one chunk
//           ctnn::train_random_samples(run, ctnn::mse{}, xs, ds, 10, ctnn::backprop_method{});
//       }
//   };
//   constexpr auto& trained = ctnn::trained_in_chunks<my_training, 5>;  // 50 steps
//   static_assert(ctnn::training_succeeded<trained.status>());
//
// A chunk is skipped once the run has stopped with a status other than ok.
namespace detail {
template <class Plan, class Run>
constexpr Run advanced(Run run) noexcept {
    if (run.status == training_status::ok) Plan::advance(run);
    return run;
}
} // namespace detail

template <class Plan, std::size_t Chunks>
inline constexpr auto trained_in_chunks = detail::advanced<Plan>(trained_in_chunks<Plan, Chunks - 1>);

template <class Plan>
inline constexpr auto trained_in_chunks<Plan, 0> = Plan::start();

} // namespace ctnn
