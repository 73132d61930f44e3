// Runtime accuracy test for ctnn/core/math.hpp.
//
// Each ctnn::math function is swept against a <cmath> reference evaluated in
// long double (x86-64: 64-bit significand) and rounded once to the tested
// type, so the reference is (almost always) the correctly rounded value.
// Inputs: dense linear sweeps over representative intervals plus random
// bit patterns spread uniformly over all binary exponents of the domain
// (subnormals included).  The maximum error in ulp is printed as a table and
// checked against a per-function bound.  A second test checks that a call
// evaluated in a constexpr variable equals the runtime call bit for bit.

#include <ctnn/core/math.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <type_traits>
#include <vector>

namespace {

namespace cm = ctnn::math;

template <class T>
using bits_t = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;

// Position of x on the monotone line of all finite/infinite values
// (-0 and +0 coincide), so that the difference of two positions is the
// distance in ulp.
template <class T>
std::int64_t ordinal(T x) {
    const auto b = std::bit_cast<bits_t<T>>(x);
    constexpr bits_t<T> sign = bits_t<T>(1) << (sizeof(T) * 8 - 1);
    const auto mag = static_cast<std::int64_t>(b & ~sign);
    return (b & sign) != 0 ? -mag : mag;
}

constexpr std::uint64_t kNanMismatch = ~std::uint64_t{0};

template <class T>
std::uint64_t ulp_distance(T a, T b) {
    if (a != a || b != b) return (a != a && b != b) ? 0 : kNanMismatch;
    const std::int64_t d = ordinal(a) - ordinal(b);
    return static_cast<std::uint64_t>(d < 0 ? -d : d);
}

// ---- reference functions (long double <cmath>, rounded once) ----------------

using ld = long double;

ld ref_sigmoid(ld x) {
    if (x >= 0) return 1.0L / (1.0L + std::exp(-x));
    const ld e = std::exp(x);
    return e / (1.0L + e);
}

enum class Fn { exp, expm1, log, log1p, sqrt, tanh, sigmoid };

const char* name(Fn f) {
    switch (f) {
        case Fn::exp: return "exp";
        case Fn::expm1: return "expm1";
        case Fn::log: return "log";
        case Fn::log1p: return "log1p";
        case Fn::sqrt: return "sqrt";
        case Fn::tanh: return "tanh";
        case Fn::sigmoid: return "sigmoid";
    }
    return "?";
}

template <class T>
T ref(Fn f, T x) {
    const ld lx = static_cast<ld>(x);
    switch (f) {
        case Fn::exp: return static_cast<T>(std::exp(lx));
        case Fn::expm1: return static_cast<T>(std::expm1(lx));
        case Fn::log: return static_cast<T>(std::log(lx));
        case Fn::log1p: return static_cast<T>(std::log1p(lx));
        case Fn::sqrt: return std::sqrt(x);  // IEEE sqrt is correctly rounded
        case Fn::tanh: return static_cast<T>(std::tanh(lx));
        case Fn::sigmoid: return static_cast<T>(ref_sigmoid(lx));
    }
    return x;
}

template <class T>
T ours(Fn f, T x) {
    switch (f) {
        case Fn::exp: return cm::exp(x);
        case Fn::expm1: return cm::expm1(x);
        case Fn::log: return cm::log(x);
        case Fn::log1p: return cm::log1p(x);
        case Fn::sqrt: return cm::sqrt(x);
        case Fn::tanh: return cm::tanh(x);
        case Fn::sigmoid: return cm::sigmoid(x);
    }
    return x;
}

// ---- input generation -------------------------------------------------------

struct Rng {  // splitmix64
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
};

// Random value with uniformly distributed biased exponent in [0, max_biased]
// (0 = subnormal), random mantissa, and random sign if both_signs.
template <class T>
T random_value(Rng& rng, unsigned max_biased, bool both_signs) {
    constexpr int mant = std::numeric_limits<T>::digits - 1;
    const std::uint64_t r = rng.next();
    const auto e = static_cast<bits_t<T>>(r % (max_biased + 1));
    const auto m = static_cast<bits_t<T>>(rng.next() & ((std::uint64_t{1} << mant) - 1));
    bits_t<T> b = static_cast<bits_t<T>>((e << mant) | m);
    if (both_signs && ((r >> 40) & 1)) b |= bits_t<T>(1) << (sizeof(T) * 8 - 1);
    return std::bit_cast<T>(b);
}

struct Interval {
    double lo, hi;
};

struct Plan {
    Fn f;
    std::vector<Interval> dense;  // linear sweeps
    unsigned max_biased_d;        // random: max biased exponent for double
    unsigned max_biased_f;        //                           for float
    bool both_signs;
};

std::vector<Plan> plans() {
    const double ln2 = 0.6931471805599453;
    return {
        {Fn::exp, {{-1, 1}, {-ln2, ln2}, {-20, 20}, {-745.2, -700}, {690, 709.8}, {-104, -85}, {80, 88.8}},
         1023 + 9, 127 + 6, true},
        {Fn::expm1, {{-1, 1}, {-1e-3, 1e-3}, {-5, 5}, {-40, 40}, {690, 709.8}, {80, 88.8}}, 1023 + 9, 127 + 6, true},
        {Fn::log, {{0.5, 2}, {0.99, 1.01}, {1e-300, 1e-290}, {1, 1e6}, {0.0, 1e-310}}, 2046, 254, false},
        {Fn::log1p, {{-1, 1}, {-1e-3, 1e-3}, {-0.9999, -0.99}, {1, 100}, {1e10, 1e20}}, 2046, 254, true},
        {Fn::sqrt, {{0, 4}, {1, 1.001}, {1e-310, 1e-305}, {1e300, 1e305}, {1e30, 1e40}}, 2046, 254, false},
        {Fn::tanh, {{-1, 1}, {-1e-4, 1e-4}, {-25, 25}, {0.5, 1.5}, {-9.5, -8.5}}, 1023 + 6, 127 + 6, true},
        {Fn::sigmoid, {{-1, 1}, {-40, 40}, {-745.2, -700}, {-104, -80}, {30, 40}, {15, 18}}, 1023 + 10, 127 + 8, true},
    };
}

struct Result {
    std::uint64_t max_ulp = 0;
    double worst_x = 0, got = 0, want = 0;
    std::size_t n = 0;
    std::size_t inexact = 0;  // results that differ from the reference at all
};

template <class T>
void check_one(Fn f, T x, Result& res) {
    const T got = ours(f, x), want = ref(f, x);
    const std::uint64_t d = ulp_distance(got, want);
    ++res.n;
    if (d != 0) ++res.inexact;
    if (res.n == 1 || d > res.max_ulp) {
        res.max_ulp = d;
        res.worst_x = static_cast<double>(x);
        res.got = static_cast<double>(got);
        res.want = static_cast<double>(want);
    }
}

template <class T>
Result sweep(const Plan& p, std::size_t dense_per_interval, std::size_t random_points) {
    Result res;
    for (const Interval iv : p.dense) {
        const std::size_t n = dense_per_interval;
        for (std::size_t i = 0; i <= n; ++i) {
            const double t = static_cast<double>(i) / static_cast<double>(n);
            check_one(p.f, static_cast<T>(iv.lo + (iv.hi - iv.lo) * t), res);
        }
    }
    Rng rng{0x5EEDull + static_cast<std::uint64_t>(p.f) * 977u + sizeof(T)};
    const unsigned max_biased = std::is_same_v<T, float> ? p.max_biased_f : p.max_biased_d;
    for (std::size_t i = 0; i < random_points; ++i) check_one(p.f, random_value<T>(rng, max_biased, p.both_signs), res);
    // Fully random bit patterns (all exponents incl. inf/NaN).
    for (std::size_t i = 0; i < random_points / 4; ++i)
        check_one(p.f, std::bit_cast<T>(static_cast<bits_t<T>>(rng.next())), res);
    return res;
}

// Honest bounds from measurements (g++-12, clang++-14/16/19, x86-64).
std::uint64_t bound(Fn f, bool is_float) {
    if (is_float) return f == Fn::sqrt ? 0 : 1;
    switch (f) {
        case Fn::sqrt: return 0;
        case Fn::exp:
        case Fn::log:
        case Fn::log1p:
        case Fn::expm1: return 1;
        case Fn::tanh:
        case Fn::sigmoid: return 2;
    }
    return 0;
}

#ifdef __OPTIMIZE__
constexpr std::size_t kDense = 20000;
constexpr std::size_t kRandom = 200000;
#else
constexpr std::size_t kDense = 20000;
constexpr std::size_t kRandom = 150000;
#endif

template <class T>
void run_type(const char* tname) {
    for (const Plan& p : plans()) {
        const Result r = sweep<T>(p, kDense, kRandom);
        const std::uint64_t b = bound(p.f, std::is_same_v<T, float>);
        std::printf("%-8s %-6s %8zu %8zu %8llu %6llu   x=%.17g got=%.17g ref=%.17g\n", name(p.f), tname, r.n,
                    r.inexact, static_cast<unsigned long long>(r.max_ulp), static_cast<unsigned long long>(b),
                    r.worst_x, r.got, r.want);
        INFO(name(p.f) << "<" << tname << "> worst x=" << r.worst_x << " got=" << r.got << " ref=" << r.want);
        CHECK(r.max_ulp <= b);
    }
}

}  // namespace

TEST_CASE("ctnn::math accuracy vs <cmath> (long double reference)", "[math][accuracy]") {
    static_assert(std::numeric_limits<long double>::digits >= 64,
                  "accuracy reference needs an extended long double (x86-64)");
    std::printf("%-8s %-6s %8s %8s %8s %6s   %s\n", "function", "type", "points", "!=ref", "max_ulp", "bound",
                "worst case");
    run_type<double>("double");
    run_type<float>("float");
}

// ---- special values at run time ----------------------------------------------

TEST_CASE("ctnn::math special values at run time", "[math]") {
    volatile double vinf = std::numeric_limits<double>::infinity();
    volatile double vnan = std::numeric_limits<double>::quiet_NaN();
    volatile double vzero = 0.0;
    const double inf = vinf, nan = vnan, zero = vzero;
    CHECK(cm::exp(-inf) == 0.0);
    CHECK(cm::exp(inf) == inf);
    CHECK(cm::exp(710.0 + zero) == inf);
    CHECK(cm::exp(-746.0 + zero) == 0.0);
    CHECK(cm::exp(-745.0 + zero) > 0.0);
    CHECK(cm::isnan(cm::exp(nan)));
    CHECK(cm::log(zero) == -inf);
    CHECK(cm::log(-zero) == -inf);
    CHECK(cm::isnan(cm::log(-1.0 + zero)));
    CHECK(cm::log(inf) == inf);
    CHECK(cm::isnan(cm::sqrt(-1.0 + zero)));
    CHECK(std::signbit(cm::sqrt(-zero)));
    CHECK(std::signbit(cm::tanh(-zero)));
    CHECK(cm::tanh(-inf) == -1.0);
    CHECK(cm::sigmoid(-inf) == 0.0);
    CHECK(cm::sigmoid(inf) == 1.0);
    CHECK(cm::exp(89.0f + static_cast<float>(zero)) == std::numeric_limits<float>::infinity());
    CHECK(cm::exp(88.72283f + static_cast<float>(zero)) < std::numeric_limits<float>::infinity());
    CHECK(cm::exp(88.72283f + static_cast<float>(zero)) == std::exp(88.72283f + static_cast<float>(zero)));
    {  // float exp overflow threshold: last finite and first infinite input
        volatile float t = 0x1.62e42ep+6f;
        const float below = t, above = std::nextafter(below, std::numeric_limits<float>::infinity());
        CHECK(cm::exp(below) == static_cast<float>(std::exp(static_cast<double>(below))));
        CHECK(cm::exp(below) < std::numeric_limits<float>::infinity());
        CHECK(cm::exp(above) == std::numeric_limits<float>::infinity());
        CHECK(static_cast<float>(std::exp(static_cast<double>(above))) == std::numeric_limits<float>::infinity());
        CHECK(cm::expm1(above) == std::numeric_limits<float>::infinity());
    }
    {  // double exp overflow/underflow thresholds
        volatile double t = 0x1.62e42fefa39efp+9, u = -0x1.74910d52d3051p+9;
        const double hi = t, lo = u;
        CHECK(cm::exp(hi) == std::exp(hi));
        CHECK(cm::exp(std::nextafter(hi, inf)) == inf);
        CHECK(cm::exp(lo) == std::exp(lo));
        CHECK(cm::exp(std::nextafter(lo, -inf)) == 0.0);
    }
    CHECK(cm::ldexp(1.0 + zero, 1024) == inf);
    CHECK(cm::ldexp(1.0 + zero, -1074) == std::ldexp(1.0, -1074));
    CHECK(cm::ldexp(1.5 + zero, -1075) == std::ldexp(1.5, -1075));
    CHECK(cm::ldexp(1.0f + static_cast<float>(zero), 128) == std::numeric_limits<float>::infinity());
    CHECK(cm::ldexp(1.5f + static_cast<float>(zero), -150) == std::ldexp(1.5f, -150));
}

TEST_CASE("ctnn::math ldexp/frexp agree with <cmath>", "[math]") {
    Rng rng{42};
    for (int i = 0; i < 100000; ++i) {
        const double x = random_value<double>(rng, 2046, true);
        const int n = static_cast<int>(rng.next() % 4400) - 2200;
        int e1 = 0, e2 = 0;
        REQUIRE(ulp_distance(cm::ldexp(x, n), std::ldexp(x, n)) == 0);
        REQUIRE(cm::frexp(x, &e1) == std::frexp(x, &e2));
        REQUIRE(e1 == e2);
        const float xf = random_value<float>(rng, 254, true);
        const int nf = static_cast<int>(rng.next() % 700) - 350;
        REQUIRE(ulp_distance(cm::ldexp(xf, nf), std::ldexp(xf, nf)) == 0);
        REQUIRE(cm::frexp(xf, &e1) == std::frexp(xf, &e2));
        REQUIRE(e1 == e2);
    }
}

// ---- compile time == run time, bit for bit -----------------------------------

namespace {

template <class T>
constexpr std::array<T, 40> kInputs = {
    T(0),        T(-0.0),      T(1),         T(-1),           T(0.5),       T(-0.5),      T(2),
    T(3),        T(10),        T(-10),       T(0.1),          T(-0.1),      T(1e-3),      T(-1e-3),
    T(1e-7),     T(-1e-7),     T(20),        T(-20),          T(37.5),      T(-37.5),     T(80),
    T(-80),      T(88.5),      T(-88.5),     T(-103.5),       T(0.34657),   T(0.35),      T(-0.35),
    T(0.693147), T(1.0397),    T(4.5),       T(-4.5),         T(123.456),   T(7e-30),     T(1e30),
    T(-1e30),    std::numeric_limits<T>::denorm_min(),        std::numeric_limits<T>::min(),
    std::numeric_limits<T>::infinity(),      -std::numeric_limits<T>::infinity()};

template <class T, class F>
constexpr std::array<T, 40> apply_all(F f) {
    std::array<T, 40> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = f(kInputs<T>[i]);
    return out;
}

template <class T, class F>
void compare_ct_rt(const char* what, const std::array<T, 40>& ct, F f) {
    for (std::size_t i = 0; i < ct.size(); ++i) {
        volatile T vx = kInputs<T>[i];
        const T rt = f(vx);
        INFO(what << " x=" << static_cast<double>(kInputs<T>[i]) << " ct=" << static_cast<double>(ct[i])
                  << " rt=" << static_cast<double>(rt));
        CHECK(std::bit_cast<bits_t<T>>(ct[i]) == std::bit_cast<bits_t<T>>(rt));
    }
}

#define CTNN_CT_RT(fn, T)                                                                   \
    do {                                                                                    \
        constexpr auto lam = [](T v) { return cm::fn(v); };                                 \
        constexpr std::array<T, 40> ct = apply_all<T>(lam);                                 \
        compare_ct_rt<T>(#fn "<" #T ">", ct, lam);                                          \
    } while (false)

template <class T>
void ct_rt_all() {
    CTNN_CT_RT(exp, T);
    CTNN_CT_RT(expm1, T);
    CTNN_CT_RT(log, T);
    CTNN_CT_RT(log1p, T);
    CTNN_CT_RT(sqrt, T);
    CTNN_CT_RT(tanh, T);
    CTNN_CT_RT(sigmoid, T);
    CTNN_CT_RT(abs, T);
}

}  // namespace

TEST_CASE("ctnn::math compile-time results equal run-time results bit for bit", "[math][constexpr]") {
    ct_rt_all<double>();
    ct_rt_all<float>();
}
