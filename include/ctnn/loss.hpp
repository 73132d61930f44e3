// ctnn/loss.hpp - loss functions of one sample: value(y, d) and dE/dy.
#pragma once

#include <ctnn/math.hpp>

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

} // namespace ctnn
