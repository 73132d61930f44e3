// Initialisers (ctnn/core/initialise.hpp) at run time: the statistics of
// what they draw.
#include <ctnn/ctnn.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace {

// Seeds reach the runtime side through a volatile: the compiler can neither
// fold the runtime runs nor try to constant-evaluate them.
volatile std::uint64_t runtime_seed_source = 11;

struct moments {
    double mean = 0;
    double variance = 0;
    double largest = 0;
};

template <std::size_t First, std::size_t Count, class Net>
moments moments_of(const Net& net) {
    moments m;
    for (std::size_t k = First; k < First + Count; ++k) m.mean += net.parameters[k];
    m.mean /= Count;
    for (std::size_t k = First; k < First + Count; ++k) {
        const double e = net.parameters[k] - m.mean;
        m.variance += e * e;
        const double a = net.parameters[k] < 0 ? -net.parameters[k] : net.parameters[k];
        if (a > m.largest) m.largest = a;
    }
    m.variance /= Count;
    return m;
}

} // namespace

TEST_CASE("He and Xavier initialisers draw with the documented spread", "[runtime][init]") {
    // 256 x 128 = 32768 weights per layer: sample variance within ±3% (its
    // standard error is √(2/32768) ≈ 0.8% for normal draws).
    using wide = ctnn::network<double, ctnn::dense<256, 128>>;
    constexpr std::size_t weights = 256 * 128;
    const std::uint64_t seed = runtime_seed_source;
    auto net = std::make_unique<wide>(ctnn::make_network<wide>(seed, ctnn::init::he_normal{}));
    auto m = moments_of<0, weights>(*net);
    CHECK(m.variance == Approx(2.0 / 256).epsilon(0.03));
    CHECK(m.mean == Approx(0).margin(0.003));
    CHECK(moments_of<weights, 128>(*net).largest == 0.0); // biases 0

    *net = ctnn::make_network<wide>(seed, ctnn::init::he_uniform{});
    m = moments_of<0, weights>(*net);
    CHECK(m.variance == Approx(2.0 / 256).epsilon(0.03));
    CHECK(m.largest < ctnn::math::sqrt(6.0 / 256));
    CHECK(m.largest > 0.99 * ctnn::math::sqrt(6.0 / 256));

    *net = ctnn::make_network<wide>(seed, ctnn::init::xavier_normal{});
    m = moments_of<0, weights>(*net);
    CHECK(m.variance == Approx(2.0 / (256 + 128)).epsilon(0.03));

    *net = ctnn::make_network<wide>(seed, ctnn::init::xavier_uniform{});
    m = moments_of<0, weights>(*net);
    CHECK(m.variance == Approx(2.0 / (256 + 128)).epsilon(0.03));
    CHECK(m.largest < ctnn::math::sqrt(6.0 / (256 + 128)));
}

