// Mini-batches (ctnn/train/batch.hpp) at compile time.
#include "training_fixture.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cstddef>

namespace training_test {

TEST_CASE("a batch's gradient is the mean of its samples' backprop gradients", "[static][batch]") {
    constexpr std::array<std::size_t, 5> order{3, 0, 4, 1, 2};
    // Batch of 4: each weight's sum collects the same products in the same order
    // and 1/4 is exact, so the two are equal to the bit.
    constexpr auto four = ctnn::batch_backprop<4>(start(), ctnn::softmax_cross_entropy{}, xs, ds, order, 0);
    STATIC_REQUIRE(norm(four.gradient) > 0);
    STATIC_REQUIRE(largest_difference(four.gradient, mean_of_backprops(order, 0, 4)) == 0.0);
    // A last, shorter batch (1 of 4) and a batch of 3 (1/3 is rounded: equal to 1e-16).
    constexpr auto last = ctnn::batch_backprop<4>(start(), ctnn::softmax_cross_entropy{}, xs, ds, order, 4);
    STATIC_REQUIRE(largest_difference(last.gradient, mean_of_backprops(order, 4, 1)) == 0.0);
    constexpr auto three = ctnn::batch_backprop<3>(start(), ctnn::softmax_cross_entropy{}, xs, ds, order, 1);
    STATIC_REQUIRE(largest_difference(three.gradient, mean_of_backprops(order, 1, 3)) < 1e-16);
    // The batch's loss is the mean loss of its samples.
    constexpr auto all = ctnn::batch_backprop(start(), ctnn::softmax_cross_entropy{}, xs, ds);
    STATIC_REQUIRE(ctnn::math::abs(all.loss - ctnn::mean_loss(start(), ctnn::softmax_cross_entropy{}, xs, ds)) < 1e-15);
    STATIC_REQUIRE(largest_difference(all.gradient, mean_of_backprops(ctnn::iota_indices<5>(), 0, 5)) < 1e-16);
}

TEST_CASE("train_batch: one step on the batch's mean gradient", "[static][batch]") {
    constexpr auto stepped = [] {
        net_t net = start();
        ctnn::sgd opt{0.5};
        ctnn::train_batch(net, ctnn::softmax_cross_entropy{}, opt, xs, ds);
        return net;
    }();
    constexpr auto g = ctnn::batch_backprop(start(), ctnn::softmax_cross_entropy{}, xs, ds).gradient;
    STATIC_REQUIRE(stepped.parameters[0] == start().parameters[0] - 0.5 * g[0]);
    STATIC_REQUIRE(stepped.parameters[25] == start().parameters[25] - 0.5 * g[25]);
}

} // namespace training_test
