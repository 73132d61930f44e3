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

namespace detail {

template <class T>
constexpr T larger(T a, T b) noexcept {
    return a > b ? a : b;
}

} // namespace detail

// Binary cross-entropy on logits, averaged over the N outputs (PyTorch's
// BCEWithLogitsLoss): for logit z and target d in [0, 1],
//   E = max(z, 0) − z·d + log1p(e^−|z|),   dE/dz = (σ(z) − d) / N.
// This equals −d·log σ(z) − (1 − d)·log(1 − σ(z)) but never takes log(0) and
// never overflows: e^−|z| <= 1 for every z.
struct binary_cross_entropy_with_logits {
    static constexpr const char* name = "binary_cross_entropy_with_logits";

    template <class T, std::size_t N>
    static constexpr T value(const std::array<T, N>& z, const std::array<T, N>& d) noexcept {
        T sum = T(0);
        for (std::size_t i = 0; i < N; ++i)
            sum += detail::larger(z[i], T(0)) - z[i] * d[i] + math::log1p(math::exp(-math::abs(z[i])));
        return sum / T(N);
    }

    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& z, const std::array<T, N>& d,
                                   std::array<T, N>& dz) noexcept {
        for (std::size_t i = 0; i < N; ++i) dz[i] = (math::sigmoid(z[i]) - d[i]) / T(N);
    }
};

// Softmax cross-entropy on logits, fused (PyTorch's CrossEntropyLoss with
// probability targets): p = softmax(z), d a distribution over the N classes
// (one-hot for a label),
//   E = −Σᵢ dᵢ·log pᵢ = Σᵢ dᵢ·(lse(z) − zᵢ),  lse(z) = m + log Σⱼ e^(zⱼ − m),
//   dE/dzᵢ = pᵢ·Σⱼ dⱼ − dᵢ   (= pᵢ − dᵢ when d sums to 1),
// with m = max z, so every exponent is <= 0 and log's argument is >= 1.
struct softmax_cross_entropy {
    static constexpr const char* name = "softmax_cross_entropy";

    template <class T, std::size_t N>
    static constexpr T log_sum_exp(const std::array<T, N>& z) noexcept {
        T m = z[0];
        for (std::size_t i = 1; i < N; ++i)
            if (z[i] > m) m = z[i];
        T sum = T(0);
        for (std::size_t i = 0; i < N; ++i) sum += math::exp(z[i] - m);
        return m + math::log(sum);
    }

    template <class T, std::size_t N>
    static constexpr T value(const std::array<T, N>& z, const std::array<T, N>& d) noexcept {
        static_assert(N > 1, "ctnn::softmax_cross_entropy: needs at least two classes (for one output use "
                             "ctnn::binary_cross_entropy_with_logits)");
        const T lse = log_sum_exp(z);
        T sum = T(0);
        for (std::size_t i = 0; i < N; ++i) sum += d[i] * (lse - z[i]);
        return sum;
    }

    template <class T, std::size_t N>
    static constexpr void gradient(const std::array<T, N>& z, const std::array<T, N>& d,
                                   std::array<T, N>& dz) noexcept {
        const T lse = log_sum_exp(z);
        T total = T(0);
        for (std::size_t i = 0; i < N; ++i) total += d[i];
        for (std::size_t i = 0; i < N; ++i) dz[i] = math::exp(z[i] - lse) * total - d[i];
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
