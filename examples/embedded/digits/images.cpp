// images.cpp - the held-out digits (pixel counts and labels) in flash.
#include "images.hpp"

#include "digits_split.hpp"

namespace digits_device {

static_assert(image_count <= digits_split::test_count);

constexpr std::array<std::array<std::uint8_t, 64>, image_count> images = [] {
    std::array<std::array<std::uint8_t, 64>, image_count> xs{};
    for (std::size_t n = 0; n < image_count; ++n) xs[n] = digits_data::features[digits_split::test_index(n)];
    return xs;
}();

constexpr std::array<std::uint8_t, image_count> labels = [] {
    std::array<std::uint8_t, image_count> ds{};
    for (std::size_t n = 0; n < image_count; ++n) ds[n] = digits_data::labels[digits_split::test_index(n)];
    return ds;
}();

} // namespace digits_device
