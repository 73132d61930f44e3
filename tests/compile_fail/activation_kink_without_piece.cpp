// expect: F declares has_kink but not where
// has_kink alone cannot say where the kinks are (hard-tanh's are at ±1): give piece(x).
#include <ctnn/ctnn.hpp>
struct hard_tanh {
    template <class T> static constexpr T value(T x) noexcept { return x < -1 ? T(-1) : x > 1 ? T(1) : x; }
    template <class T> static constexpr T derivative(T x, T, T dy) noexcept { return x < -1 || x > 1 ? T(0) : dy; }
#ifdef CTNN_COMPILE_FAIL
    static constexpr bool has_kink = true;
#else
    template <class T> static constexpr int piece(T x) noexcept { return x < -1 ? 0 : x > 1 ? 2 : 1; }
#endif
};
using net_t = ctnn::network<double, ctnn::dense<2, 3>, ctnn::activation<hard_tanh>, ctnn::dense<3, 1>>;
static_assert(net_t::parameter_count == 13);
