// ctnn/train/chunking.hpp - compile-time training cut into chunks that fit the
// compiler's constexpr limits, chosen by a cost model.
//
//   struct iris_fit {                                   // a plan
//       static constexpr auto start() { return ctnn::start_fit(net, optimiser, data.x, {.seed = 7}); }
//       static constexpr std::size_t epochs = 100, batch_size = 16;
//       static constexpr ctnn::softmax_cross_entropy loss{};
//       static constexpr const auto& inputs = data.x;
//       static constexpr const auto& targets = data.d;
//       // optional: static constexpr ctnn::schedule::cosine schedule{.epochs = 100};
//       // optional: static constexpr std::size_t chunk_epochs = 4;   (default: chosen below)
//       // optional: static constexpr double constexpr_limit = 4e6;  (if you raised the compiler's)
//   };
//   CTNN_FIT_IN_CHUNKS(trained, iris_fit);               // trained: the fit_run after 100 epochs
//   static_assert(ctnn::training_succeeded<trained.status>());
//
// Each chunk is ctnn::fit<chunk_epochs, batch_size> on the run the chunk
// before left, in its own constant evaluation, so the result has the same
// bits as one runtime ctnn::fit<epochs, batch_size> started the same way
// (ctnn::start_fit's options), whatever the chunk size.
//
// The chunk size. Clang counts "steps" (-fconstexpr-steps, default 1,048,576),
// GCC "operations" (-fconstexpr-ops-limit, default 33,554,432) per constant
// evaluation; ctnn::fit_cost<...> predicts what one epoch costs the compiler
// in use from the network's shape, the loss, the optimiser, the batch size and
// the number of samples (coefficients measured by bench/constexpr_cost.py),
// and the chunk is the largest whole number of epochs within 80 % of the
// default limit. Measured error: within 19 % on the shapes it was not fitted
// to, except a 2-40-1 tanh network with RMSProp, which it underestimates by
// 32 % (narrow layers: a per-row cost it does not model); for such a shape
// give the plan a smaller chunk_epochs.
//
// Memory. GCC frees what a constant evaluation allocated only when it
// collects garbage, which it does after finishing a function definition and
// never during an evaluation. ctnn::fit_in_chunks<Plan> (the variable) reads
// as one declaration, and its chunks are all evaluated inside it: GCC's memory
// then grows with the whole run. CTNN_FIT_IN_CHUNKS declares each chunk
// separately with an empty function between them, so GCC collects between
// chunks and its peak memory stays that of one chunk (up to 64 chunks; later
// ones are evaluated together with the 64th). Clang frees each evaluation's
// memory as it ends; both spellings cost it the same.
#pragma once

#include <ctnn/train/fit.hpp>
#include <ctnn/train/optimiser.hpp>
#include <ctnn/train/schedule.hpp>
#include <ctnn/grad/loss.hpp>
#include <ctnn/core/network.hpp>
#include <ctnn/core/size.hpp>

#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctnn {

// The limits of one constant evaluation on the compiler compiling this code,
// at their defaults.
struct constexpr_limits {
    const char* unit;         // what `operations` counts
    double operations;        // Clang -fconstexpr-steps / GCC -fconstexpr-ops-limit
    double loop_iterations;   // GCC -fconstexpr-loop-limit per loop (0: no such limit)
};

#if defined(__clang__)
inline constexpr constexpr_limits default_constexpr_limits{"Clang steps", 1048576.0, 0.0};
#elif defined(__GNUC__)
inline constexpr constexpr_limits default_constexpr_limits{"GCC operations", 33554432.0, 262144.0};
#else
// Another compiler: assume Clang's limit and costs.
inline constexpr constexpr_limits default_constexpr_limits{"steps (assumed as Clang's)", 1048576.0, 0.0};
#endif

// The share of the limit a chunk may use: the model is within 25 % of the
// measured cost; 80 % keeps a chunk inside the limit when it errs low by up
// to 20 %.
inline constexpr double chunk_budget_fraction = 0.8;

// Sizes that read as words in this header's errors (see ctnn/core/size.hpp).
namespace size {
template <std::size_t N> struct epochs : std::integral_constant<std::size_t, N> {};
template <std::size_t N> struct parameters : std::integral_constant<std::size_t, N> {};
template <std::size_t N> struct chunk_epochs : std::integral_constant<std::size_t, N> {};
template <std::size_t N> struct largest_chunk_epochs : std::integral_constant<std::size_t, N> {};
template <std::size_t N> struct loop_iterations : std::integral_constant<std::size_t, N> {};
} // namespace size

namespace cost {

// What one unit of work costs the compiler in use (bench/constexpr_cost.py
// fits these to measured costs; see docs/compile_time.md).
struct coefficients {
    double per_sample;          // fixed cost of one sample's forward and backward pass
    double per_layer;           // per layer, per sample
    double per_weight;          // per weight (Inputs·Outputs of a layer with parameters), per sample
    double per_input_gradient;  // per weight of a layer that is not the first (dx), per sample
    double per_unit;            // per input or output of a layer, per sample
    double per_transcendental;  // per exp/log/tanh-like element (activation or loss), per sample
    double per_batch;           // fixed cost of one batch
    double per_parameter_batch; // per parameter per batch: mean, finiteness check, plain SGD update
    double per_parameter_state; // per parameter per batch, added per optimiser state array (momentum: 1, adam: 2)
    double per_parameter_root;  // per parameter per batch, for an optimiser that takes a square root
    double per_epoch;           // fixed cost of one epoch
    double per_sample_epoch;    // per sample per epoch (shuffle, batch bookkeeping)
    double per_chunk;           // fixed cost of one chunk (the evaluation's set-up)
    double per_state_value;     // per value of the run's state copied in and out of a chunk
};

#if defined(__clang__) || !defined(__GNUC__)
// Clang 14, 16 and 19 count the same steps.
inline constexpr coefficients compiler{
    .per_sample = 699.4, .per_layer = 0, .per_weight = 2.477, .per_input_gradient = 4.205, .per_unit = 2.291,
    .per_transcendental = 22.86, .per_batch = 0, .per_parameter_batch = 15.91, .per_parameter_state = 1.731,
    .per_parameter_root = 10.93, .per_epoch = 2.914, .per_sample_epoch = 0, .per_chunk = 0,
    .per_state_value = 18.78};
#else
// GCC 12.
inline constexpr coefficients compiler{
    .per_sample = 11190, .per_layer = 0, .per_weight = 39.63, .per_input_gradient = 67.28, .per_unit = 36.66,
    .per_transcendental = 365.8, .per_batch = 0, .per_parameter_batch = 254.6, .per_parameter_state = 27.7,
    .per_parameter_root = 174.9, .per_epoch = 46.62, .per_sample_epoch = 0, .per_chunk = 0,
    .per_state_value = 300.5};
#endif

} // namespace cost

namespace detail {

// Whether an element-wise function or a layer computes exp, log, tanh and
// the like per element (anything not known to be cheap counts as such).
template <class F>
constexpr bool cheap_function() noexcept {
    return std::is_same_v<F, functions::identity> || std::is_same_v<F, functions::relu> ||
           requires { F::template slope<double>(); }; // leaky_relu
}

template <class L>
constexpr bool cheap_layer() noexcept {
    if constexpr (requires { typename L::function; }) return cheap_function<typename L::function>();
    else return false;
}

template <class Loss>
constexpr bool cheap_loss() noexcept {
    return !std::is_same_v<Loss, softmax_cross_entropy> && !std::is_same_v<Loss, binary_cross_entropy_with_logits>;
}

// How an optimiser's update costs: state arrays per parameter, square root.
template <class O>
struct optimiser_shape {
    static constexpr double state_arrays = 2; // unknown: priced as Adam
    static constexpr bool root = true;
};
template <>
struct optimiser_shape<sgd> {
    static constexpr double state_arrays = 0;
    static constexpr bool root = false;
};
template <class T, std::size_t P>
struct optimiser_shape<momentum_sgd<T, P>> {
    static constexpr double state_arrays = 1;
    static constexpr bool root = false;
};
template <class T, std::size_t P>
struct optimiser_shape<adagrad<T, P>> {
    static constexpr double state_arrays = 1;
    static constexpr bool root = true;
};
template <class T, std::size_t P>
struct optimiser_shape<rmsprop<T, P>> {
    static constexpr double state_arrays = 1;
    static constexpr bool root = true;
};
template <class T, std::size_t P>
struct optimiser_shape<adam<T, P>> {
    static constexpr double state_arrays = 2;
    static constexpr bool root = true;
};

// The per-sample cost of a network and loss.
template <class Net, class Loss, std::size_t... K>
constexpr double sample_cost(const cost::coefficients& c, std::index_sequence<K...>) noexcept {
    double total = c.per_sample + c.per_layer * double(sizeof...(K));
    auto layer = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
        using L = typename Net::template layer_type<I>;
        total += c.per_unit * double(L::inputs + L::outputs);
        if constexpr (L::parameter_count > 0) {
            const double weights = double(L::inputs) * double(L::outputs);
            total += c.per_weight * weights;
            if constexpr (I > 0) total += c.per_input_gradient * weights;
        } else if constexpr (!cheap_layer<L>()) {
            total += c.per_transcendental * double(L::outputs);
        }
    };
    (layer(std::integral_constant<std::size_t, K>{}), ...);
    if constexpr (!cheap_loss<Loss>()) total += c.per_transcendental * double(Net::output_size);
    return total;
}

} // namespace detail

// The predicted cost, in the compiler's unit (default_constexpr_limits.unit),
// of `epochs` epochs of ctnn::fit<epochs, BatchSize> on N samples in one
// constant evaluation (a chunk), coefficients `c` (default: those of the
// compiler compiling this).
template <class Net, class Loss, class Optimiser, std::size_t BatchSize, std::size_t N>
constexpr double fit_cost(double epochs, const cost::coefficients& c = cost::compiler) noexcept {
    using shape = detail::optimiser_shape<Optimiser>;
    const double P = double(Net::parameter_count);
    const double batches = double((N + BatchSize - 1) / BatchSize);
    const double per_batch = c.per_batch + P * (c.per_parameter_batch + shape::state_arrays * c.per_parameter_state +
                                                (shape::root ? c.per_parameter_root : 0.0));
    const double per_epoch = c.per_epoch + double(N) * c.per_sample_epoch +
                             double(N) * detail::sample_cost<Net, Loss>(c, std::make_index_sequence<Net::layer_count>{}) +
                             batches * per_batch;
    const double state = P * (1 + shape::state_arrays) + double(N);
    return c.per_chunk + c.per_state_value * state + epochs * per_epoch;
}

namespace detail {

template <class Plan>
constexpr auto plan_schedule() noexcept {
    if constexpr (requires { Plan::schedule; }) return Plan::schedule;
    else return schedule::constant{};
}

template <class Plan>
constexpr double plan_limit() noexcept {
    if constexpr (requires { Plan::constexpr_limit; }) return double(Plan::constexpr_limit);
    else return default_constexpr_limits.operations;
}

template <class Plan>
struct check_plan {
    static_assert(requires { Plan::start(); },
                  "ctnn::fit_in_chunks<Plan>: the plan needs `static constexpr auto start()` returning the run to "
                  "begin with, e.g. ctnn::start_fit(net, optimiser, inputs, {.seed = 1})");
    static_assert(requires { std::size_t{Plan::epochs}; std::size_t{Plan::batch_size}; },
                  "ctnn::fit_in_chunks<Plan>: the plan needs `static constexpr std::size_t epochs` and `batch_size`");
    static_assert(requires { Plan::loss; Plan::inputs; Plan::targets; },
                  "ctnn::fit_in_chunks<Plan>: the plan needs `static constexpr` members `loss`, `inputs` and "
                  "`targets` (the latter two may be references to the training data)");
    static constexpr bool value = true;
};

template <class Plan>
struct plan_traits {
    static_assert(check_plan<Plan>::value);
    using run_type = decltype(Plan::start());
    using net_type = typename run_type::network_type;
    using optimiser_type = typename run_type::optimiser_type;
    using loss_type = std::remove_cvref_t<decltype(Plan::loss)>;
    static constexpr std::size_t samples = run_type::sample_count;
    static constexpr std::size_t epochs = Plan::epochs;
    static constexpr std::size_t batch_size = Plan::batch_size;
    static constexpr double limit = plan_limit<Plan>();
    static constexpr double budget = chunk_budget_fraction * limit;
    static constexpr double cost(double e) noexcept {
        return fit_cost<net_type, loss_type, optimiser_type, batch_size, samples>(e);
    }
    // The most epochs one chunk may hold (0: not even one fits).
    static constexpr std::size_t largest_chunk = [] {
        const double one = cost(1) - cost(0);
        if (cost(1) > budget) return std::size_t(0);
        const double fit = (budget - cost(0)) / one;
        std::size_t e = fit >= double(epochs) ? epochs : std::size_t(fit);
        return e < 1 ? std::size_t(1) : e;
    }();
    static constexpr std::size_t chunk = [] {
        if constexpr (requires { std::size_t{Plan::chunk_epochs}; }) return std::size_t{Plan::chunk_epochs};
        else return largest_chunk == 0 ? std::size_t(1) : largest_chunk;
    }();
    static constexpr std::size_t chunks = chunk == 0 ? 0 : (epochs + chunk - 1) / chunk;
    static constexpr std::size_t largest_loop = [] {
        std::size_t m = net_type::parameter_count > samples ? net_type::parameter_count : samples;
        return m;
    }();
};

template <class Epochs>
struct check_epochs_not_zero {
    static_assert(Epochs::value > 0, "ctnn::fit_in_chunks<Plan>: Plan::epochs must be at least 1");
    static constexpr bool value = Epochs::value > 0;
};

template <class ChunkEpochs, class LargestChunkEpochs>
struct check_chunk_within_limit {
    static_assert(ChunkEpochs::value <= LargestChunkEpochs::value,
                  "ctnn::fit_in_chunks<Plan>: Plan::chunk_epochs is more than one constant evaluation can train on "
                  "this compiler at its default limit (predicted by ctnn::fit_cost, within 80 % of the limit): "
                  "use fewer epochs per chunk, or leave chunk_epochs out and let ctnn::fit_in_chunks choose");
    static constexpr bool value = ChunkEpochs::value <= LargestChunkEpochs::value;
};

template <class Samples, class Parameters>
struct check_one_epoch_within_limit {
    static_assert(Samples::value == 0,
                  "ctnn::fit_in_chunks<Plan>: one epoch of this plan costs more than one constant evaluation may "
                  "(80 % of the compiler's default limit; chunks are whole epochs): train on fewer samples, or "
                  "raise the limit (Clang -fconstexpr-steps=, GCC -fconstexpr-ops-limit=) and give the plan "
                  "`static constexpr double constexpr_limit` with the new value");
    static constexpr bool value = Samples::value == 0;
};

template <class Iterations>
struct check_loops_within_gcc_limit {
    static_assert(Iterations::value <= std::size_t(default_constexpr_limits.loop_iterations) ||
                      default_constexpr_limits.loop_iterations == 0,
                  "ctnn::fit_in_chunks<Plan>: a loop over the parameters or the samples would run more iterations "
                  "than GCC's -fconstexpr-loop-limit (262,144) allows in constant evaluation; chunks do not "
                  "shorten it: compile with a larger -fconstexpr-loop-limit=");
    static constexpr bool value = true;
};

template <class Plan>
constexpr bool check_chunking() {
    using t = plan_traits<Plan>;
    static_assert(check_epochs_not_zero<size::epochs<t::epochs>>::value);
    if constexpr (t::largest_chunk == 0) {
        static_assert(check_one_epoch_within_limit<size::samples<t::samples>,
                                                   size::parameters<t::net_type::parameter_count>>::value);
        return false;
    } else {
        static_assert(check_chunk_within_limit<size::chunk_epochs<t::chunk>,
                                               size::largest_chunk_epochs<t::largest_chunk>>::value);
        static_assert(check_loops_within_gcc_limit<size::loop_iterations<t::largest_loop>>::value);
        return t::chunk <= t::largest_chunk;
    }
}

// Chunk K (1-based): the epochs after chunk K − 1.
template <class Plan, std::size_t K, class Run>
constexpr Run next_chunk(Run run) {
    using t = plan_traits<Plan>;
    constexpr std::size_t done = (K - 1) * t::chunk;
    constexpr std::size_t count = t::epochs - done < t::chunk ? t::epochs - done : t::chunk;
    if constexpr (check_chunking<Plan>() && count > 0) {
        fit<count, t::batch_size>(run, Plan::loss, Plan::inputs, Plan::targets, plan_schedule<Plan>());
    }
    return run;
}

} // namespace detail

// The run after chunk K of the plan (chunk 0: Plan::start()).
template <class Plan, std::size_t K>
inline constexpr typename detail::plan_traits<Plan>::run_type fit_chunk =
    detail::next_chunk<Plan, K>(fit_chunk<Plan, K - 1>);

template <class Plan>
inline constexpr typename detail::plan_traits<Plan>::run_type fit_chunk<Plan, 0> = Plan::start();

// How a plan is cut: epochs per chunk and chunks.
template <class Plan>
inline constexpr std::size_t chunk_epochs = detail::plan_traits<Plan>::chunk;
template <class Plan>
inline constexpr std::size_t chunk_count = detail::plan_traits<Plan>::chunks;

// The run after all of the plan's epochs. On GCC prefer CTNN_FIT_IN_CHUNKS
// (above): this one declaration evaluates every chunk inside it.
template <class Plan>
inline constexpr const auto& fit_in_chunks = fit_chunk<Plan, chunk_count<Plan>>;

namespace detail {
// Chunk min(K, the plan's chunk count): slots past the last chunk are the last.
template <class Plan, std::size_t K>
inline constexpr const auto& fit_chunk_slot = fit_chunk<Plan, (K < chunk_count<Plan> ? K : chunk_count<Plan>)>;
} // namespace detail

} // namespace ctnn

// CTNN_FIT_IN_CHUNKS(name, Plan): declares `name`, a reference to the run
// after all of the plan's epochs, evaluating chunk 1, 2, ... each in its own
// declaration followed by an empty inline function, where GCC collects the
// garbage of the chunk before (see above). At namespace scope.
#define CTNN_DETAIL_FIT_SLOT(name, Plan, a, j)                                                                       \
    [[maybe_unused]] inline constexpr const auto& name##_ctnn_chunk_##a##_##j =                                      \
        ::ctnn::detail::fit_chunk_slot<Plan, 8 * a + j>;                                                              \
    [[maybe_unused]] inline void name##_ctnn_collect_##a##_##j() noexcept {}
#define CTNN_DETAIL_FIT_SLOTS8(name, Plan, a)                                                                        \
    CTNN_DETAIL_FIT_SLOT(name, Plan, a, 1)                                                                            \
    CTNN_DETAIL_FIT_SLOT(name, Plan, a, 2)                                                                            \
    CTNN_DETAIL_FIT_SLOT(name, Plan, a, 3)                                                                            \
    CTNN_DETAIL_FIT_SLOT(name, Plan, a, 4)                                                                            \
    CTNN_DETAIL_FIT_SLOT(name, Plan, a, 5)                                                                            \
    CTNN_DETAIL_FIT_SLOT(name, Plan, a, 6)                                                                            \
    CTNN_DETAIL_FIT_SLOT(name, Plan, a, 7)                                                                            \
    CTNN_DETAIL_FIT_SLOT(name, Plan, a, 8)
#define CTNN_FIT_IN_CHUNKS(name, Plan)                                                                               \
    CTNN_DETAIL_FIT_SLOTS8(name, Plan, 0)                                                                             \
    CTNN_DETAIL_FIT_SLOTS8(name, Plan, 1)                                                                             \
    CTNN_DETAIL_FIT_SLOTS8(name, Plan, 2)                                                                             \
    CTNN_DETAIL_FIT_SLOTS8(name, Plan, 3)                                                                             \
    CTNN_DETAIL_FIT_SLOTS8(name, Plan, 4)                                                                             \
    CTNN_DETAIL_FIT_SLOTS8(name, Plan, 5)                                                                             \
    CTNN_DETAIL_FIT_SLOTS8(name, Plan, 6)                                                                             \
    CTNN_DETAIL_FIT_SLOTS8(name, Plan, 7)                                                                             \
    inline constexpr const auto& name = ::ctnn::fit_in_chunks<Plan>
