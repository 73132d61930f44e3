// ctnn/core/random.hpp - a seeded random generator whose sequence is the same at
// compile time and at runtime, on every compiler.
#pragma once

#include <ctnn/core/math.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ctnn {

// splitmix64 (Steele, Lea, Flood 2014; the seeding generator of xoshiro).
// The sequence is fully specified by this code:
//   state += 0x9E3779B97F4A7C15;
//   z = state;
//   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
//   z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
//   return z ^ (z >> 31);
// Only integer arithmetic, so it is identical everywhere. Derived draws:
//   uniform<double>()  = (next() >> 11) * 2^-53        in [0, 1)
//   uniform<float>()   = (next() >> 40) * 2^-24        in [0, 1)
//   below(n)           = (upper 32 bits of next()) * n >> 32   (n < 2^32)
//   normal<T>()        = Marsaglia's polar method on uniform<T>() draws,
//                        returning the first of the pair and discarding the
//                        second (so each call's cost is self-contained).
class splitmix64 {
public:
    constexpr explicit splitmix64(std::uint64_t seed) noexcept : state_(seed) {}

    constexpr std::uint64_t next() noexcept {
        state_ += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = state_;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    // Uniform in [0, 1).
    template <class T>
    constexpr T uniform() noexcept {
        static_assert(std::is_floating_point_v<T>, "ctnn::splitmix64::uniform: T must be float or double");
        if constexpr (std::is_same_v<T, float>) {
            // Through uint32_t: the value is below 2^24 either way, and libgcc's
            // uint64-to-float conversion on Cortex-M0 pulls in 3.5 KB of
            // double-precision software float.
            return static_cast<float>(static_cast<std::uint32_t>(next() >> 40)) * 0x1.0p-24f;
        } else {
            return static_cast<T>(next() >> 11) * static_cast<T>(0x1.0p-53);
        }
    }

    // Uniform in [low, high).
    template <class T>
    constexpr T uniform(T low, T high) noexcept {
        return low + (high - low) * uniform<T>();
    }

    // An index in [0, n), n < 2^32, by multiply-shift (no division, no bias worth
    // noticing for the small n a training loop draws from).
    constexpr std::size_t below(std::size_t n) noexcept {
        return static_cast<std::size_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
    }

    // Standard normal N(0, 1) by the polar method.
    template <class T>
    constexpr T normal() noexcept {
        for (;;) {
            const T u = T(2) * uniform<T>() - T(1);
            const T v = T(2) * uniform<T>() - T(1);
            const T s = u * u + v * v;
            if (s > T(0) && s < T(1)) {
                return u * math::sqrt(T(-2) * math::log(s) / s);
            }
        }
    }

    template <class T>
    constexpr T normal(T mean, T stddev) noexcept {
        return mean + stddev * normal<T>();
    }

    constexpr std::uint64_t state() const noexcept { return state_; }

private:
    std::uint64_t state_;
};

} // namespace ctnn
