// ctnn::fma (include/ctnn/core/fma.hpp): the software fma used in constant
// evaluation (both of its paths: error-free transformations with rounding to
// odd, and integer arithmetic) against the compiler's __builtin_fma (the hardware instruction
// under -mfma / -march=native, glibc's correctly rounded fma otherwise), bit
// for bit, on random triples from several distributions and on the hard
// cases. The default run checks 2·10^6 triples per type; the hidden test
// "[slow]" (ctest -L slow) checks 10^8 per type.
#include <ctnn/core/fma.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace {

template <class T>
using bits_t = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;

template <class T>
bits_t<T> bits(T x) {
    bits_t<T> b;
    std::memcpy(&b, &x, sizeof b);
    return b;
}
template <class T>
T from_bits(bits_t<T> b) {
    T x;
    std::memcpy(&x, &b, sizeof x);
    return x;
}

// The run-time reference, through a volatile so the compiler cannot fold it.
template <class T>
T hardware_fma(T a, T b, T c) {
    volatile T va = a, vb = b, vc = c;
    if constexpr (std::is_same_v<T, float>) return __builtin_fmaf(va, vb, vc);
    else return __builtin_fma(va, vb, vc);
}

// Same value: same bits, or both NaN (NaN payloads are not compared).
template <class T>
bool same(T x, T y) {
    return bits(x) == bits(y) || (x != x && y != y);
}

template <class T>
std::string show(T a, T b, T c) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "fma(%a, %a, %a): integer %a, floating-point %a, hardware %a", double(a),
                  double(b), double(c), double(ctnn::detail::soft_fma(a, b, c)),
                  double(ctnn::detail::constexpr_fma(a, b, c)), double(hardware_fma(a, b, c)));
    return buf;
}

// A number with a random sign, an exponent in [lo, hi] (biased field; 0 gives
// subnormals) and a mantissa that is random, sparse (a few set bits: ties and
// exact results) or dense at one end (carries).
template <class T>
T draw(std::mt19937_64& g, int lo, int hi) {
    using B = bits_t<T>;
    constexpr int M = std::numeric_limits<T>::digits - 1;
    const B sign = B(g() & 1) << (sizeof(B) * 8 - 1);
    const B field = B(lo + int(g() % std::uint64_t(hi - lo + 1)));
    B mantissa;
    switch (g() % 4) {
    case 0: mantissa = B(g()); break;
    case 1: mantissa = B(1) << (g() % M) | B(1) << (g() % M); break;
    case 2: mantissa = B(~B(0)) >> (g() % M); break;
    default: mantissa = B(g()) & (B(~B(0)) << (g() % M)); break;
    }
    return from_bits<T>(sign | (field << M) | (mantissa & ((B(1) << M) - 1)));
}

// `count` triples from a mix of distributions; returns the mismatches (and
// reports the first few).
template <class T>
long check_random(std::uint64_t seed, long count) {
    using B = bits_t<T>;
    constexpr int M = std::numeric_limits<T>::digits - 1;
    constexpr int max_field = std::is_same_v<T, float> ? 254 : 2046;
    constexpr int bias = std::is_same_v<T, float> ? 127 : 1023;
    std::mt19937_64 g(seed);
    long bad = 0;
    for (long i = 0; i < count; ++i) {
        T a, b, c;
        switch (i % 6) {
        case 0: // any bit pattern (NaN, infinities, subnormals included)
            a = from_bits<T>(B(g())), b = from_bits<T>(B(g())), c = from_bits<T>(B(g()));
            break;
        case 1: // ordinary magnitudes, product and addend of similar size
            a = draw<T>(g, bias - 20, bias + 20), b = draw<T>(g, bias - 20, bias + 20);
            c = draw<T>(g, bias - 40, bias + 40);
            break;
        case 2: { // cancellation: c close to −a·b
            a = draw<T>(g, bias - 30, bias + 30), b = draw<T>(g, bias - 30, bias + 30);
            B p = bits(T(a * b)) ^ (B(1) << (sizeof(B) * 8 - 1));
            p += B(g() % 9) - 4;
            c = from_bits<T>(p);
            break;
        }
        case 3: // results near and below the smallest normal
            a = draw<T>(g, 1, bias), b = draw<T>(g, 1, bias - M);
            c = draw<T>(g, 0, 2 * M);
            break;
        case 4: // near overflow
            a = draw<T>(g, bias, max_field), b = draw<T>(g, bias, max_field - bias + 2);
            c = draw<T>(g, max_field - 2 * M, max_field);
            break;
        default: // addend far below or far above the product (sticky bits)
            a = draw<T>(g, bias - 10, bias + 10), b = draw<T>(g, bias - 10, bias + 10);
            c = draw<T>(g, (g() & 1) ? bias - 3 * M : bias + 2 * M, (g() & 1) ? bias - M : bias + 3 * M);
            break;
        }
        // Both software paths: the floating-point one constant evaluation
        // takes where it applies, and the integer one.
        const T hw = hardware_fma(a, b, c);
        if (!same(ctnn::detail::soft_fma(a, b, c), hw) || !same(ctnn::detail::constexpr_fma(a, b, c), hw)) {
            if (++bad <= 5) UNSCOPED_INFO(show(a, b, c));
        }
    }
    return bad;
}

template <class T>
void check_hard_cases() {
    constexpr T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
    constexpr T tiny = std::numeric_limits<T>::denorm_min(), least = std::numeric_limits<T>::min(),
                big = std::numeric_limits<T>::max(), eps = std::numeric_limits<T>::epsilon();
    const std::array<T, 26> values = {T(0),     -T(0),      T(1),          -T(1),       inf,         -inf,
                                      nan,      tiny,       -tiny,         least,       -least,      big,
                                      -big,     eps,        T(1) + eps,    T(1) - eps / 2, -(T(1) + eps),
                                      least / 2, T(0.5),    T(3),          T(1) / T(3), T(2) + 2 * eps,
                                      tiny * 3, least - tiny, T(1.5),      -big / 2};
    for (T a : values)
        for (T b : values)
            for (T c : values) {
                INFO(show(a, b, c));
                CHECK(same(ctnn::detail::soft_fma(a, b, c), hardware_fma(a, b, c)));
                CHECK(same(ctnn::detail::constexpr_fma(a, b, c), hardware_fma(a, b, c)));
            }
    // Exact zeros: the sign rules of IEEE 754.
    CHECK(bits(ctnn::detail::soft_fma(T(1), T(1), T(-1))) == bits(T(0)));     // x − x = +0
    CHECK(bits(ctnn::detail::soft_fma(-T(0), T(1), -T(0))) == bits(-T(0)));   // −0 + −0 = −0
    CHECK(bits(ctnn::detail::soft_fma(T(0), T(1), -T(0))) == bits(T(0)));     // +0 + −0 = +0
    CHECK(bits(ctnn::detail::soft_fma(tiny, tiny, -T(0))) == bits(T(0)));     // underflow keeps the sign: +0
    CHECK(bits(ctnn::detail::soft_fma(-tiny, tiny, T(0))) == bits(-T(0)));    // ... −0
    // Halfway cases: (1 + ε)(1 + ε) = 1 + 2ε + ε², one rounding keeps ε².
    CHECK(ctnn::detail::soft_fma(T(1) + eps, T(1) + eps, -(T(1) + 2 * eps)) == eps * eps);
    CHECK(ctnn::detail::soft_fma(T(1) + eps, T(1) - eps, T(-1)) == -eps * eps);
    // 1 + ε/2 is a tie rounding to even (1); a product a hair above it rounds up.
    CHECK(ctnn::detail::soft_fma(eps / 2, T(1), T(1)) == T(1));
    CHECK(ctnn::detail::soft_fma(eps / 2, T(1) + eps, T(1)) == T(1) + eps);
    CHECK(ctnn::detail::soft_fma(T(3) * eps / 2, T(1), T(1)) == T(1) + 2 * eps); // tie to even, upwards
    // Overflow and invalid operations.
    CHECK(ctnn::detail::soft_fma(big, T(2), -big) == big);
    CHECK(ctnn::detail::soft_fma(big, T(2), T(0)) == inf);
    CHECK(ctnn::detail::soft_fma(inf, T(0), T(1)) != ctnn::detail::soft_fma(inf, T(0), T(1)));
    CHECK(ctnn::detail::soft_fma(inf, T(1), -inf) != ctnn::detail::soft_fma(inf, T(1), -inf));
}

} // namespace

TEST_CASE("ctnn::fma in software equals the hardware fma on the hard cases", "[fma]") {
    check_hard_cases<float>();
    check_hard_cases<double>();
}

TEST_CASE("ctnn::fma in software equals the hardware fma on 2 million random triples per type", "[fma]") {
    CHECK(check_random<float>(1, 2'000'000) == 0);
    CHECK(check_random<double>(2, 2'000'000) == 0);
}

TEST_CASE("ctnn::fma in software equals the hardware fma on 10^8 random triples per type", "[.][slow]") {
    CHECK(check_random<float>(3, 100'000'000) == 0);
    CHECK(check_random<double>(4, 100'000'000) == 0);
}

TEST_CASE("ctnn::fma and ctnn::multiply_add give the same bits at run time as in constant evaluation", "[fma]") {
    // Operands the compiler cannot see at run time; the same ones as constants.
    volatile double va = 0.1, vb = 10.0, vc = -1.0;
    volatile float fa = 0.1f, fb = 10.0f, fc = -1.0f;
    constexpr double cd = ctnn::fma(0.1, 10.0, -1.0);
    constexpr float cf = ctnn::fma(0.1f, 10.0f, -1.0f);
    CHECK(bits(ctnn::fma(double(va), double(vb), double(vc))) == bits(cd));
    CHECK(bits(ctnn::fma(float(fa), float(fb), float(fc))) == bits(cf));
    static_assert(cd == 0x1p-54); // the exact product 1 + 2^-54 survives one rounding
    constexpr double md = ctnn::multiply_add(0.1, 10.0, -1.0);
    CHECK(bits(ctnn::multiply_add(double(va), double(vb), double(vc))) == bits(md));
    // Which path this build took (printed for the record).
    static_assert(md == (ctnn::fma_path<double> ? 0x1p-54 : 0.0));
    WARN("FMA path: float " << ctnn::fma_path<float> << ", double " << ctnn::fma_path<double>);
}
