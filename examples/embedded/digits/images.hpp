// images.hpp - the held-out digits as the device reads them: pixel counts
// 0..16 and labels, in the split's order (images.cpp puts them in flash).
// The measurement firmware (CTNN_DIGITS_MEASURE=1) carries only the first.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace digits_device {

#if CTNN_DIGITS_MEASURE
inline constexpr std::size_t image_count = 1;
#else
inline constexpr std::size_t image_count = 360;
#endif

extern const std::array<std::array<std::uint8_t, 64>, image_count> images;
extern const std::array<std::uint8_t, image_count> labels;

} // namespace digits_device
