// ctnn/grad/loss.hpp - loss functions of one sample: value(y, d) and dE/dy.
//
// A loss is a type with two static functions over the network's output y and
// the target d (both std::array<T, N>):
//   value(y, d)             E
//   gradient(y, d, dy)      dy = dE/dy
// Losses "on logits" take the raw output of a final dense layer and apply the
// sigmoid or softmax themselves, in a form that stays finite for any logit.
#pragma once

#include <ctnn/core/math.hpp>

#include <array>
#include <cstddef>
#include <limits>

namespace ctnn {

// Mean squared error as the study note's course code defines it:
//   E = ½ · mean((d − y)²)  over the N outputs,   dE/dy = (y − d) / N.
// For the note's single output this is E = ½(d − y)² and dE/dy = y − d. (The
// course's d_mean_squared_error returns y − d for any N, which is the
// derivative of ½·sum rather than ½·mean; ctnn keeps value and derivative
// consistent so gradient checks hold for any N.)
struct mse {
    static constexpr const char* name = "mse";

    template <class T, std::size_t N>
    static constexpr T value(const std::array<T, N>& y, const std::array<T, N>& d) noexcept {
        T sum = T(0);
        for (std::size_t i = 0; i < N; ++i) {
            const T e = y[i] - d[i];
            sum += e * e;
        }
        return sum / T(2 * N);
    }

    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& y, const std::array<T, N>& d,
                                   std::array<T, N>& dy) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            if constexpr (N == 1) dy[i] = y[i] - d[i];
            else dy[i] = (y[i] - d[i]) / T(N);
        }
    }
};

// Binary cross-entropy on logits, averaged over the N outputs (PyTorch's
// BCEWithLogitsLoss): for logit z and target d in [0, 1],
//   E = d·softplus(−z) + (1 − d)·softplus(z) = log1p(e^−|z|) + w·|z|,
//     w = 1 − d for z > 0, d for z <= 0,
//   dE/dz = (σ(z) − d) / N = ((1 − d)·σ(z) − d·σ(−z)) / N.
// Never log(0), never an overflow (e^−|z| <= 1), never 0·∞: a zero weight drops
// its |z| (z = ±∞ with the target on its side gives E = 0). For a confident
// right answer (z → +∞, d = 1) E = log1p(e^−z) and dE/dz = −σ(−z) keep full
// relative accuracy, where max(z, 0) − z·d and σ(z) − 1 cancel to 0.
struct binary_cross_entropy_with_logits {
    static constexpr const char* name = "binary_cross_entropy_with_logits";

    template <class T, std::size_t N>
    static constexpr T value(const std::array<T, N>& z, const std::array<T, N>& d) noexcept {
        T sum = T(0);
        for (std::size_t i = 0; i < N; ++i) {
            const T a = math::abs(z[i]), w = z[i] > T(0) ? T(1) - d[i] : d[i], l = math::log1p(math::exp(-a));
            sum += w == T(0) ? l : l + w * a;
        }
        return sum / T(N);
    }

    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& z, const std::array<T, N>& d,
                                   std::array<T, N>& dz) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            // σ(|z|) and σ(−|z|) from one exponential.
            const T e = math::exp(-math::abs(z[i])), q = T(1) + e, hi = T(1) / q, lo = e / q;
            const T s = z[i] < T(0) ? lo : hi, sbar = z[i] < T(0) ? hi : lo;
            dz[i] = ((T(1) - d[i]) * s - d[i] * sbar) / T(N);
        }
    }
};

namespace detail {

// The pieces of a softmax over logits z that stay exact at any logit: p, the
// first largest logit (m = z_p); gᵢ = m − zᵢ >= 0; eᵢ = e^−gᵢ (e_p = 1); and
// s = Σ_{i≠p} eᵢ, so that
//   lse(z) − zᵢ = gᵢ + log1p(s),   softmax(z)ᵢ = eᵢ / (1 + s).
// log1p(s) keeps E = e^−g accurate for a confident right answer (log(1 + s)
// rounds it to 0). gᵢ is +∞ where m − zᵢ overflows, or zᵢ = −∞, or m = +∞ > zᵢ,
// and 0 where zᵢ = m (also m = ±∞): no ∞ − ∞, and no finite overflow (GCC
// rejects one in a constant expression).
template <class T, std::size_t N>
constexpr std::size_t largest_logit(const std::array<T, N>& z) noexcept {
    std::size_t p = 0;
    for (std::size_t i = 1; i < N; ++i)
        if (z[i] > z[p]) p = i;
    return p;
}

template <class T>
constexpr T logit_gap(T m, T zi) noexcept {
    if (zi == m) return T(0);
    if (m > T(0) && zi < m - std::numeric_limits<T>::max()) return std::numeric_limits<T>::infinity();
    return m - zi;
}

// dᵢ·(m − zᵢ) for a target dᵢ > 0: finite wherever the product is, when m − zᵢ
// alone overflows (m = 1e308, zᵢ = −1e308, dᵢ = 0.3 gives 6e307).
template <class T>
constexpr T weighted_gap(T di, T m, T zi) noexcept {
    const T g = logit_gap(m, zi);
    if (!(g == std::numeric_limits<T>::infinity() && math::isfinite(m) && math::isfinite(zi))) return di * g;
    const T a = di * m, b = -(di * zi); // both >= 0, each finite
    return a > std::numeric_limits<T>::max() - b ? std::numeric_limits<T>::infinity() : a + b;
}

} // namespace detail

// Softmax cross-entropy on logits, fused (PyTorch's CrossEntropyLoss with
// probability targets): p = softmax(z), d a distribution over the N classes
// (one-hot for a label),
//   E = −Σᵢ dᵢ·log pᵢ = Σ_{dᵢ≠0} dᵢ·(lse(z) − zᵢ),   lse(z) = log Σⱼ e^zⱼ,
//   dE/dzᵢ = pᵢ·Σⱼ dⱼ − dᵢ   (= pᵢ − dᵢ when d sums to 1).
// Computed through detail::largest_logit's pieces, so every exponent is <= 0,
// a class with target 0 adds nothing (not 0·∞ at zᵢ = −∞), and at the largest
// logit p, dE/dz_p = (Σ_{j≠p} dⱼ − d_p·s) / (1 + s) does not cancel as p_p → 1:
// finite and accurate at any logit, ±∞ and ±max included.
struct softmax_cross_entropy {
    static constexpr const char* name = "softmax_cross_entropy";

    template <class T, std::size_t N>
    static constexpr T log_sum_exp(const std::array<T, N>& z) noexcept {
        const std::size_t p = detail::largest_logit(z);
        T s = T(0);
        for (std::size_t i = 0; i < N; ++i)
            if (i != p) s += math::exp(-detail::logit_gap(z[p], z[i]));
        return z[p] + math::log1p(s);
    }

    template <class T, std::size_t N>
    static constexpr T value(const std::array<T, N>& z, const std::array<T, N>& d) noexcept {
        static_assert(N > 1, "ctnn::softmax_cross_entropy: needs at least two classes (for one output use "
                             "ctnn::binary_cross_entropy_with_logits)");
        const std::size_t p = detail::largest_logit(z);
        const T m = z[p];
        T s = T(0);
        for (std::size_t i = 0; i < N; ++i)
            if (i != p) s += math::exp(-detail::logit_gap(m, z[i]));
        const T l = math::log1p(s);
        T sum = T(0);
        for (std::size_t i = 0; i < N; ++i)
            if (d[i] != T(0)) sum += detail::weighted_gap(d[i], m, z[i]) + d[i] * l;
        return sum;
    }

    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& z, const std::array<T, N>& d,
                                   std::array<T, N>& dz) noexcept {
        const std::size_t p = detail::largest_logit(z);
        const T m = z[p];
        T s = T(0), others = T(0);
        for (std::size_t i = 0; i < N; ++i)
            if (i != p) {
                dz[i] = math::exp(-detail::logit_gap(m, z[i]));
                s += dz[i];
                others += d[i];
            }
        const T total = others + d[p], q = T(1) + s;
        for (std::size_t i = 0; i < N; ++i)
            if (i != p) dz[i] = dz[i] / q * total - d[i];
        dz[p] = (others - d[p] * s) / q;
    }
};

// Mean absolute error: E = mean |y − d|, dE/dy = sign(y − d) / N (0 where
// y = d, where |·| has its kink).
struct mae {
    static constexpr const char* name = "mae";

    // The kink: gradient checks do not difference across y = d.
    template <class T, std::size_t N>
    static constexpr bool same_piece(const std::array<T, N>& a, const std::array<T, N>& b,
                                     const std::array<T, N>& d) noexcept {
        for (std::size_t i = 0; i < N; ++i)
            if ((a[i] > d[i]) != (b[i] > d[i]) || (a[i] < d[i]) != (b[i] < d[i])) return false;
        return true;
    }

    template <class T, std::size_t N>
    static constexpr T value(const std::array<T, N>& y, const std::array<T, N>& d) noexcept {
        T sum = T(0);
        for (std::size_t i = 0; i < N; ++i) sum += math::abs(y[i] - d[i]);
        return sum / T(N);
    }

    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& y, const std::array<T, N>& d,
                                   std::array<T, N>& dy) noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            const T e = y[i] - d[i];
            dy[i] = (e > T(0) ? T(1) : e < T(0) ? T(-1) : T(0)) / T(N);
        }
    }
};

// Huber loss with threshold δ = Numerator/Denominator (default 1; PyTorch's
// HuberLoss), averaged over the N outputs: for e = y − d,
//   ½e² where |e| <= δ,   δ·(|e| − ½δ) beyond;   dE/dy = clamp(e, −δ, δ) / N.
// Quadratic near the target, linear (robust to outliers) far from it.
template <long long Numerator = 1, long long Denominator = 1>
struct huber {
    static_assert(Numerator > 0 && Denominator > 0, "ctnn::huber<Numerator, Denominator>: delta must be positive");
    static constexpr const char* name = "huber";

    template <class T> static constexpr T delta() noexcept { return T(Numerator) / T(Denominator); }

    // E'' jumps where |y − d| = δ: gradient checks do not difference across it.
    template <class T, std::size_t N>
    static constexpr bool same_piece(const std::array<T, N>& a, const std::array<T, N>& b,
                                     const std::array<T, N>& d) noexcept {
        const T k = delta<T>();
        for (std::size_t i = 0; i < N; ++i) {
            const T ea = a[i] - d[i], eb = b[i] - d[i];
            if ((ea > k) != (eb > k) || (ea < -k) != (eb < -k)) return false;
        }
        return true;
    }

    template <class T, std::size_t N>
    static constexpr T value(const std::array<T, N>& y, const std::array<T, N>& d) noexcept {
        const T k = delta<T>();
        T sum = T(0);
        for (std::size_t i = 0; i < N; ++i) {
            const T a = math::abs(y[i] - d[i]);
            sum += a <= k ? T(0.5) * a * a : k * (a - T(0.5) * k);
        }
        return sum / T(N);
    }

    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& y, const std::array<T, N>& d,
                                   std::array<T, N>& dy) noexcept {
        const T k = delta<T>();
        for (std::size_t i = 0; i < N; ++i) {
            const T e = y[i] - d[i];
            dy[i] = (e > k ? k : e < -k ? -k : e) / T(N);
        }
    }
};

} // namespace ctnn
