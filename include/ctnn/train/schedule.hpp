// ctnn/train/schedule.hpp - learning-rate schedules.
//
// A schedule gives the factor by which the optimiser's base learning rate is
// multiplied in a given epoch (0-based):  factor(epoch) -> double.
// ctnn::fit applies it at the start of every epoch; by hand:
//   opt.learning_rate = base * schedule.factor(epoch);
// Factors rather than rates, so one schedule fits any optimiser and any base
// rate (as torch.optim.lr_scheduler's StepLR and CosineAnnealingLR scale the
// optimiser's initial rate).
#pragma once

#include <ctnn/core/math.hpp>

#include <cstddef>

namespace ctnn::schedule {


// The base learning rate in every epoch.
struct constant {
    constexpr double factor(std::size_t) const noexcept { return 1.0; }
};

// Multiply by `gamma` every `every` epochs (torch's StepLR):
//   factor(e) = gamma^⌊e / every⌋
struct step {
    std::size_t every = 10;
    double gamma = 0.1;

    constexpr double factor(std::size_t epoch) const noexcept {
        const std::size_t drops = every == 0 ? 0 : epoch / every;
        double f = 1.0;
        for (std::size_t i = 0; i < drops; ++i) f *= gamma;
        return f;
    }
};

// Cosine annealing from the base rate down to `minimum` times it over
// `epochs` epochs, then held there (torch's CosineAnnealingLR, closed form):
//   factor(e) = minimum + (1 − minimum)·(1 + cos(π·e / epochs)) / 2
struct cosine {
    std::size_t epochs = 100;
    double minimum = 0.0;

    constexpr double factor(std::size_t epoch) const noexcept {
        if (epochs == 0 || epoch >= epochs) return minimum;
        const double angle = 3.14159265358979323846 * static_cast<double>(epoch) / static_cast<double>(epochs);
        return minimum + (1.0 - minimum) * (1.0 + math::cos_0_pi(angle)) / 2.0;
    }
};

} // namespace ctnn::schedule
