// ctnn/core/fma.hpp - a fused multiply-add with the same bits at compile time
// and at run time, and the multiply-add the kernels use.
//
//   T ctnn::fma(T a, T b, T c)           a·b + c rounded once (IEEE 754
//                                        fusedMultiplyAdd, round to nearest even)
//   T ctnn::multiply_add(T a, T b, T c)  the kernels' a·b + c: ctnn::fma where
//                                        the FMA path is selected for T, else
//                                        a·b rounded, then + c rounded
//   bool ctnn::fma_path<T>               which of the two multiply_add is
//
// ctnn::fma in constant evaluation is error-free floating-point transformations
// with one sum rounded to odd (detail::constexpr_fma) where no intermediate can
// overflow or be subnormal, else integer arithmetic on the operands' bits
// (detail::soft_fma: the exact product in 128 bits, aligned with c, rounded
// once); at run time it is the compiler's __builtin_fma / __builtin_fmaf, the
// hardware instruction where the target has one (a correctly rounded libm call
// where it has not). Both are correctly rounded, so they agree bit for bit;
// tests/runtime/fma.cpp checks it on random triples and the hard cases.
//
// The FMA path (selected per scalar type) is taken where the target has a
// fused multiply-add for that type: __FMA__ (x86 with -mfma, -march=haswell,
// -march=native on such a machine), or __ARM_FEATURE_FMA with the FPU doing
// that precision (__ARM_FP bit 0x4 float, 0x8 double: the Cortex-M4F's
// fpv4-sp-d16 fuses float only). Override with -DCTNN_FMA=0 (never) or
// -DCTNN_FMA=1 (always, for both types; without hardware the run-time fma is
// a libm call). Either path gives the same bits at compile time and at run
// time; the two paths give different bits from each other (one rounding
// instead of two). Constant evaluation of the FMA path costs more: ctnn::fma
// is ~15 Clang steps where a·b + c written in a statement costs none of its
// own, so training a 2-H-1 network costs 55 steps per parameter per step
// instead of 5.3 (measured with clang++-19; bench/analysis.md). Where a
// compile-time training run needs the budget, build with -DCTNN_FMA=0.
//
// -ffp-contract=off stays required on both paths: the compiler must not fuse
// the a·b + c that ctnn writes as two operations.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

namespace ctnn {

#if defined(CTNN_FMA)
template <class T>
inline constexpr bool fma_path = (CTNN_FMA) != 0;
#else
#if defined(__FMA__)
inline constexpr bool detail_fma_float = true, detail_fma_double = true;
#elif defined(__ARM_FEATURE_FMA) && defined(__ARM_FP)
inline constexpr bool detail_fma_float = (__ARM_FP & 0x4) != 0, detail_fma_double = (__ARM_FP & 0x8) != 0;
#else
inline constexpr bool detail_fma_float = false, detail_fma_double = false;
#endif
template <class T>
inline constexpr bool fma_path = std::is_same_v<T, float> ? detail_fma_float : detail_fma_double;
#endif

namespace detail {

// Unsigned 128-bit integers as two 64-bit halves (no __int128: it is not on
// 32-bit targets such as the Cortex-M).
struct u128 {
    std::uint64_t hi = 0, lo = 0;
};

constexpr u128 mul64(std::uint64_t a, std::uint64_t b) noexcept {
    const std::uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32, b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
    const std::uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const std::uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    return {p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32), (mid << 32) | (p00 & 0xFFFFFFFFu)};
}

// Position of the highest set bit (x != 0).
constexpr int top_bit(u128 x) noexcept {
    return x.hi ? 127 - std::countl_zero(x.hi) : 63 - std::countl_zero(x.lo);
}

constexpr u128 shift_left(u128 x, int n) noexcept {
    if (n == 0) return x;
    if (n >= 64) return {x.lo << (n - 64), 0};
    return {(x.hi << n) | (x.lo >> (64 - n)), x.lo << n};
}

// x >> n with every bit shifted out ORed into bit 0 ("sticky"), so that
// rounding far above bit 0 still sees whether anything was lost.
constexpr u128 shift_right_sticky(u128 x, int n) noexcept {
    if (n == 0) return x;
    if (n >= 128) return {0, (x.hi | x.lo) != 0};
    u128 r;
    std::uint64_t lost;
    if (n >= 64) {
        r = {0, n == 64 ? x.hi : x.hi >> (n - 64)};
        lost = x.lo | (n == 64 ? 0 : x.hi << (128 - n));
    } else {
        r = {x.hi >> n, (x.lo >> n) | (x.hi << (64 - n))};
        lost = x.lo << (64 - n);
    }
    r.lo |= lost != 0;
    return r;
}

constexpr u128 shift_right(u128 x, int n) noexcept {
    if (n == 0) return x;
    if (n >= 128) return {};
    if (n >= 64) return {0, x.hi >> (n - 64)};
    return {x.hi >> n, (x.lo >> n) | (x.hi << (64 - n))};
}

constexpr bool less(u128 a, u128 b) noexcept { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo); }
constexpr u128 add(u128 a, u128 b) noexcept {
    const std::uint64_t lo = a.lo + b.lo;
    return {a.hi + b.hi + (lo < a.lo), lo};
}
constexpr u128 sub(u128 a, u128 b) noexcept { return {a.hi - b.hi - (a.lo < b.lo), a.lo - b.lo}; }

template <class T>
struct float_format;
template <>
struct float_format<double> {
    using bits = std::uint64_t;
    static constexpr int mantissa = 52, bias = 1023, max_exponent_field = 0x7FF;
};
template <>
struct float_format<float> {
    using bits = std::uint32_t;
    static constexpr int mantissa = 23, bias = 127, max_exponent_field = 0xFF;
};

// a·b + c correctly rounded (to nearest, ties to even), in integers only.
template <class T>
constexpr T soft_fma(T a, T b, T c) noexcept {
    using F = float_format<T>;
    using B = typename F::bits;
    constexpr int M = F::mantissa;
    constexpr B sign_bit = B(1) << (sizeof(B) * 8 - 1);
    constexpr B mantissa_mask = (B(1) << M) - 1;
    const B xa = std::bit_cast<B>(a), xb = std::bit_cast<B>(b), xc = std::bit_cast<B>(c);
    const int fa = int((xa >> M) & F::max_exponent_field), fb = int((xb >> M) & F::max_exponent_field),
              fc = int((xc >> M) & F::max_exponent_field);
    const bool sp = ((xa ^ xb) & sign_bit) != 0, sc = (xc & sign_bit) != 0;
    const B ma = xa & mantissa_mask, mb = xb & mantissa_mask, mc = xc & mantissa_mask;
    const bool a_zero = fa == 0 && ma == 0, b_zero = fb == 0 && mb == 0, c_zero = fc == 0 && mc == 0;

    // Infinities and NaN: the IEEE results (a canonical quiet NaN; the
    // payload of a NaN operand is not kept).
    if (fa == F::max_exponent_field || fb == F::max_exponent_field || fc == F::max_exponent_field) {
        const T nan = std::numeric_limits<T>::quiet_NaN();
        if ((fa == F::max_exponent_field && ma) || (fb == F::max_exponent_field && mb) ||
            (fc == F::max_exponent_field && mc))
            return nan;
        const bool a_inf = fa == F::max_exponent_field, b_inf = fb == F::max_exponent_field;
        if (a_inf || b_inf) {
            if (a_zero || b_zero) return nan; // ∞·0
            if (fc == F::max_exponent_field && sc != sp) return nan; // ∞ − ∞
            return std::bit_cast<T>(B(sp ? sign_bit : 0) | (B(F::max_exponent_field) << M));
        }
        return c; // finite a·b + ±∞
    }
    // An exact zero product: the result is c, except ±0 + ±0.
    if (a_zero || b_zero) {
        if (!c_zero) return c;
        return std::bit_cast<T>(B(sp && sc ? sign_bit : 0));
    }

    // Finite, nonzero a and b: value = m·2^e with integer m.
    const std::uint64_t ia = fa ? (std::uint64_t(ma) | (std::uint64_t(1) << M)) : std::uint64_t(ma);
    const std::uint64_t ib = fb ? (std::uint64_t(mb) | (std::uint64_t(1) << M)) : std::uint64_t(mb);
    const int ea = (fa ? fa : 1) - F::bias - M, eb = (fb ? fb : 1) - F::bias - M;
    // The exact product, its highest bit moved to bit 125 (room for a carry
    // and a sign-free subtraction below 2^127).
    u128 x = mul64(ia, ib);
    int ex = ea + eb;
    {
        const int s = 125 - top_bit(x);
        x = shift_left(x, s);
        ex -= s;
    }
    bool negative = sp;
    if (!c_zero) {
        const std::uint64_t ic = fc ? (std::uint64_t(mc) | (std::uint64_t(1) << M)) : std::uint64_t(mc);
        u128 y{0, ic};
        int ey = (fc ? fc : 1) - F::bias - M;
        const int s = 125 - top_bit(y);
        y = shift_left(y, s);
        ey -= s;
        // Align to the larger scale; the other operand's lost bits go sticky.
        // When more than two bits are shifted out, the sum keeps its top bit
        // at 124 or 125, far above bit 0, so rounding stays exact.
        if (ex >= ey) {
            y = shift_right_sticky(y, ex - ey > 200 ? 200 : ex - ey);
        } else {
            x = shift_right_sticky(x, ey - ex > 200 ? 200 : ey - ex);
            ex = ey;
        }
        if (sp == sc) {
            x = add(x, y);
        } else if (less(x, y)) {
            x = sub(y, x);
            negative = sc;
        } else {
            x = sub(x, y);
            if (x.hi == 0 && x.lo == 0) return T(0); // exact cancellation: +0 when rounding to nearest
        }
    }
    // Round x·2^ex to M+1 bits (fewer in the subnormal range).
    const int top = top_bit(x);
    const int exponent = ex + top;                     // of the leading bit
    const int min_exponent = 1 - F::bias;              // of the smallest normal
    int lsb = (exponent < min_exponent ? min_exponent : exponent) - M; // of the result's last bit
    const int drop = lsb - ex;
    std::uint64_t q;
    if (drop <= 0) {
        q = shift_left(x, -drop).lo; // exact: fewer than M+1 significant bits
    } else {
        const u128 kept = shift_right(x, drop);
        const u128 back = drop >= 128 ? u128{} : shift_left(kept, drop);
        const u128 rem = sub(x, back);
        const u128 half = drop > 128 ? u128{~std::uint64_t(0), ~std::uint64_t(0)} : shift_left(u128{0, 1}, drop - 1);
        q = kept.lo;
        if (less(half, rem) || (!less(rem, half) && (q & 1))) ++q;
    }
    if (q >> (M + 1)) { // rounded up to 2^(M+1)
        q >>= 1;
        ++lsb;
    }
    const B sign = negative ? sign_bit : 0;
    if (q == 0) return std::bit_cast<T>(sign);
    if (q < (std::uint64_t(1) << M)) return std::bit_cast<T>(B(sign | B(q))); // subnormal
    const int field = lsb + M + F::bias;
    if (field >= F::max_exponent_field) return std::bit_cast<T>(B(sign | (B(F::max_exponent_field) << M)));
    return std::bit_cast<T>(B(sign | (B(field) << M) | (B(q) & mantissa_mask)));
}

// x + y rounded to odd: the nearest double if the sum is exact, else the
// neighbour of the exact sum whose last mantissa bit is 1. A sum rounded to odd
// at 53 bits, then to nearest at p <= 51 bits (or once more at 53 bits after
// an exact step, as below), is the sum rounded to nearest once (Boldo and
// Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms
// using rounding to odd", IEEE Trans. Computers 57(4), 2008). Finite sums only.
constexpr double add_round_to_odd(double x, double y) noexcept {
    // (Few statements: each costs a step of Clang's constant-evaluation budget.)
    const double s = x + y, z = s - x, e = (x - (s - z)) + (y - z); // e = x + y − s exactly (Knuth's TwoSum)
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(s);
    return e == 0 || (bits & 1) ? s : std::bit_cast<double>((e > 0) == (s > 0) ? bits + 1 : bits - 1);
}

// The fma of constant evaluation: floating-point error-free transformations
// where the operands keep every intermediate normal and finite (a few dozen
// operations: what a constant evaluation pays per multiply-add), else the
// integer soft_fma. Both are correctly rounded, so they agree.
constexpr float constexpr_fma(float a, float b, float c) noexcept {
    // The product of two floats is exact in double; the sum rounded to odd in
    // double, then to float, is rounded once (53 >= 24 + 2).
    constexpr double max = 0x1.fffffep127;
    const double da = a, db = b, dc = c;
    const double s = da >= -max && da <= max && db >= -max && db <= max && dc >= -max && dc <= max
                         ? add_round_to_odd(da * db, dc)
                         : 2 * max; // NaN or an infinity: the integer path
    return s >= -max && s <= max ? static_cast<float>(s) : soft_fma(a, b, c);
}

constexpr double constexpr_fma(double a, double b, double c) noexcept {
    const double ma = a < 0 ? -a : a, mb = b < 0 ? -b : b, mc = c < 0 ? -c : c;
    // |a|, |b| in (2^-450, 2^450), |c| in (2^-900, 2^900): no overflow, and
    // every value below is a multiple of 2^-1004, so nothing is subnormal.
    if (ma > 0x1p-450 && ma < 0x1p450 && mb > 0x1p-450 && mb < 0x1p450 && mc > 0x1p-900 && mc < 0x1p900) {
        // Dekker: a = ah + al and b = bh + bl, 26 bits each; a·b = ph + pl
        // exactly; c + ph = th + tl exactly; then Boldo and Melquiond's
        // emulated fma: th + (tl + pl rounded to odd), rounded to nearest.
        constexpr double split = 0x1p27 + 1;
        const double ta = split * a, ah = ta - (ta - a), al = a - ah, tb = split * b, bh = tb - (tb - b),
                     bl = b - bh, ph = a * b, pl = ((ah * bh - ph) + ah * bl + al * bh) + al * bl, th = c + ph,
                     z = th - c, tl = (c - (th - z)) + (ph - z);
        // add_round_to_odd(tl, pl), written out (a call costs Clang steps):
        const double s = tl + pl, y = s - tl, e = (tl - (s - y)) + (pl - y);
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(s);
        return th + (e == 0 || (bits & 1) ? s : std::bit_cast<double>((e > 0) == (s > 0) ? bits + 1 : bits - 1));
    }
    return soft_fma(a, b, c);
}

} // namespace detail

// a·b + c rounded once. Same bits in constant evaluation (software) and at
// run time (the hardware instruction or libm's correctly rounded fma).
template <class T>
constexpr T fma(T a, T b, T c) noexcept {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "ctnn::fma: float or double only");
    // (The builtin, not std::is_constant_evaluated(): a call costs Clang steps.)
    if (__builtin_is_constant_evaluated()) return detail::constexpr_fma(a, b, c);
    if constexpr (std::is_same_v<T, float>) return __builtin_fmaf(a, b, c);
    else return __builtin_fma(a, b, c);
}

// The kernels' multiply-add: fused where the FMA path is selected for T.
template <class T>
constexpr T multiply_add(T a, T b, T c) noexcept {
    if constexpr (fma_path<T>) return ctnn::fma(a, b, c);
    else return a * b + c;
}

} // namespace ctnn
